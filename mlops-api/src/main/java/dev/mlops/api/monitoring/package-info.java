/** The monitoring store SPI. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.api.monitoring;

import org.jspecify.annotations.NullMarked;
