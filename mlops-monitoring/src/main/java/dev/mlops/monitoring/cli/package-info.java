/** The drift command line. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.monitoring.cli;

import org.jspecify.annotations.NullMarked;
