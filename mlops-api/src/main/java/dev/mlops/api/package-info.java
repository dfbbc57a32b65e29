/** Entry-point options, storage backends by URI and the exception family. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.api;

import org.jspecify.annotations.NullMarked;
