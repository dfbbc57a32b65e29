/**
 * An MLflow-compatible REST server over any of the library's stores. Types are non-null unless
 * marked {@code @Nullable}.
 */
@NullMarked
package dev.mlops.mlflow;

import org.jspecify.annotations.NullMarked;
