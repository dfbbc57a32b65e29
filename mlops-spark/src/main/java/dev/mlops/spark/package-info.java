/**
 * Profiles, drift and data-quality checks of Spark {@code Dataset<Row>}s and Structured Streaming
 * queries, built from the same column profiles as the single-JVM library, so a profile made by a
 * Spark job merges with and compares to every profile the library makes. Types are non-null unless
 * marked {@code @Nullable}.
 */
@NullMarked
package dev.mlops.spark;

import org.jspecify.annotations.NullMarked;
