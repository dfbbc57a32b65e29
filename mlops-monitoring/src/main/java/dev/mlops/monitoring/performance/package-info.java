/** Performance on delayed labels and CBPE estimates. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.monitoring.performance;

import org.jspecify.annotations.NullMarked;
