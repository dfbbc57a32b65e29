/** Not API: the built-in artifact stores, files below a store directory (no symbolic link followed) and rows of a SQL database. */
@NullMarked
package dev.mlops.api.internal.artifact;

import org.jspecify.annotations.NullMarked;
