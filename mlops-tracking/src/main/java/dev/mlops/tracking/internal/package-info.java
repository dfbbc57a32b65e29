/** Not API: the built-in tracking stores, metric chunks, search, asynchronous metric writing, run names, system tags, Tribuo capture. */
@NullMarked
package dev.mlops.tracking.internal;

import org.jspecify.annotations.NullMarked;
