/** In-process serving endpoints. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.serving;

import org.jspecify.annotations.NullMarked;
