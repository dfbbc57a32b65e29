/**
 * ONNX models in tracked runs: {@link dev.mlops.onnx.tracking.OnnxTracking#logModel} logs an ONNX
 * file beside Tribuo's {@code ActiveRun.logModel}. Used only by applications that also depend on
 * {@code mlops-tracking} (an optional dependency of {@code mlops-onnx}). Types are non-null unless
 * marked {@code @Nullable}.
 */
@NullMarked
package dev.mlops.onnx.tracking;

import org.jspecify.annotations.NullMarked;
