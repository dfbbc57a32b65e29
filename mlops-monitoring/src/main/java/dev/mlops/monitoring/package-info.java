/** Monitors: windows, alerts and reports over a stream of rows. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.monitoring;

import org.jspecify.annotations.NullMarked;
