/** The continuous-training store SPI: the loop's lease, its trigger queue and its retraining history. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.api.retraining;

import org.jspecify.annotations.NullMarked;
