/** Tracking value types and the tracking store SPI. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.api.tracking;

import org.jspecify.annotations.NullMarked;
