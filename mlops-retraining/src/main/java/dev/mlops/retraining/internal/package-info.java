/** Not API: the built-in retraining stores, in memory and over SQL. */
@NullMarked
package dev.mlops.retraining.internal;

import org.jspecify.annotations.NullMarked;
