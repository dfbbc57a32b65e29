/** Experiment tracking. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.tracking;

import org.jspecify.annotations.NullMarked;
