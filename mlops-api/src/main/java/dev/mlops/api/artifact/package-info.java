/** The artifact store SPI and artifact path rules. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.api.artifact;

import org.jspecify.annotations.NullMarked;
