/** Drift tests and reports. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.monitoring.drift;

import org.jspecify.annotations.NullMarked;
