/**
 * ONNX models: what a file declares ({@link dev.mlops.onnx.OnnxGraph}). Types are non-null unless
 * marked {@code @Nullable}.
 */
@NullMarked
package dev.mlops.onnx;

import org.jspecify.annotations.NullMarked;
