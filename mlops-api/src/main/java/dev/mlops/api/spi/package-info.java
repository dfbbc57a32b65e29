/** What a storage backend author implements: a provider, and keyset paging helpers. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.api.spi;

import org.jspecify.annotations.NullMarked;
