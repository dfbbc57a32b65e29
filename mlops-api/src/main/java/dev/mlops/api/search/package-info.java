/** The search filter language (MLflow's grammar plus OR, parentheses, NOT, IN, IS NULL) and ORDER BY. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.api.search;

import org.jspecify.annotations.NullMarked;
