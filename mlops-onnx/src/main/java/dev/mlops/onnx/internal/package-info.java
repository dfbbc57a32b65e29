/** The ONNX flavor's internals: the streaming header reader, input encoding and output decoding. Not API. */
@NullMarked
package dev.mlops.onnx.internal;

import org.jspecify.annotations.NullMarked;
