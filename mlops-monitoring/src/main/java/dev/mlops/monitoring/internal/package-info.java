/** Not API: the built-in monitoring stores, in memory and over SQL. */
@NullMarked
package dev.mlops.monitoring.internal;

import org.jspecify.annotations.NullMarked;
