/** Registry value types, typed events and the registry store SPI. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.api.registry;

import org.jspecify.annotations.NullMarked;
