/** The model registry. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.registry;

import org.jspecify.annotations.NullMarked;
