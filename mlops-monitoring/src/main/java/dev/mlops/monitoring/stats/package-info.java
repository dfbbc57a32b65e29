/** Two-sample statistics checked against SciPy. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.monitoring.stats;

import org.jspecify.annotations.NullMarked;
