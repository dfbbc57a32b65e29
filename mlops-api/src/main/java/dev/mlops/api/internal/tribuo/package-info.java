/** Not API: Tribuo models written and read in Tribuo's protobuf format. */
@NullMarked
package dev.mlops.api.internal.tribuo;

import org.jspecify.annotations.NullMarked;
