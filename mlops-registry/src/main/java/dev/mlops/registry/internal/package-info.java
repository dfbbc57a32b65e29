/** Not API: the built-in registry stores, in memory and over SQL, and events stored by the first schema version. */
@NullMarked
package dev.mlops.registry.internal;

import org.jspecify.annotations.NullMarked;
