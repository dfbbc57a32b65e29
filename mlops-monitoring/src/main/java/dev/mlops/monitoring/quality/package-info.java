/** Data-quality checks. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.monitoring.quality;

import org.jspecify.annotations.NullMarked;
