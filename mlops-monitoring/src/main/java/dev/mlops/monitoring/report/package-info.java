/** HTML and JSON reports. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.monitoring.report;

import org.jspecify.annotations.NullMarked;
