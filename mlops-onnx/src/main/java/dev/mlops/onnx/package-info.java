/**
 * ONNX models: {@link dev.mlops.onnx.OnnxFlavor} registers them with a signature read from the graph,
 * {@link dev.mlops.onnx.OnnxModel} predicts with them. Types are non-null unless marked
 * {@code @Nullable}.
 */
@NullMarked
package dev.mlops.onnx;

import org.jspecify.annotations.NullMarked;
