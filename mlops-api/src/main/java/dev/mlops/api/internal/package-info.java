/** Not API: validation, digests, HTML escaping, audit fields, daemon threads and store discovery shared by the library's modules. */
@NullMarked
package dev.mlops.api.internal;

import org.jspecify.annotations.NullMarked;
