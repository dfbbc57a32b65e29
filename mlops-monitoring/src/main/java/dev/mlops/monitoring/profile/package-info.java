/** Mergeable data profiles. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.monitoring.profile;

import org.jspecify.annotations.NullMarked;
