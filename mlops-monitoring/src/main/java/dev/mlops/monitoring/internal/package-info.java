/**
 * Not API: the built-in monitoring stores, in memory and over SQL, and helpers shared by the
 * monitoring packages. Not exported; may change in any release. Types are non-null unless marked
 * {@code @Nullable}.
 */
@NullMarked
package dev.mlops.monitoring.internal;

import org.jspecify.annotations.NullMarked;
