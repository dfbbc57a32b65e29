/**
 * ONNX models behind serving endpoints: {@link dev.mlops.onnx.serving.OnnxServing#adapter()} is the
 * {@code ModelAdapter} of the {@code onnx} flavor. Used only by applications that also depend on
 * {@code mlops-serving} (an optional dependency of {@code mlops-onnx}). Types are non-null unless
 * marked {@code @Nullable}.
 */
@NullMarked
package dev.mlops.onnx.serving;

import org.jspecify.annotations.NullMarked;
