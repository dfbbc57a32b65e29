/**
 * ONNX models in continuous training: read the ONNX file an external training process wrote as a
 * challenger, and load ONNX champions, so a {@code RetrainingLoop} judges both on the same
 * held-out rows. Needs {@code mlops-retraining} on the class or module path.
 */
@NullMarked
package dev.mlops.onnx.retraining;

import org.jspecify.annotations.NullMarked;
