/**
 * ONNX models in the registry: the {@code onnx} flavor reads a graph's signature at registration,
 * refuses graphs and mappings that cannot serve, and loads integrity-checked ONNX Runtime sessions
 * that predict rows and batches.
 */
module dev.mlops.onnx {
  requires transitive dev.mlops.api;
  requires transitive dev.mlops.registry;
  requires com.microsoft.onnxruntime;
  requires com.fasterxml.jackson.databind;
  // dev.mlops.onnx.serving only; present when the application depends on mlops-serving
  requires static transitive dev.mlops.serving;
  // dev.mlops.onnx.tracking only; present when the application depends on mlops-tracking
  requires static transitive dev.mlops.tracking;
  // dev.mlops.onnx.retraining only; present when the application depends on mlops-retraining
  requires static transitive dev.mlops.retraining;
  requires static org.tribuo.classification.core;
  requires static org.tribuo.regression.core;

  exports dev.mlops.onnx;
  exports dev.mlops.onnx.serving;
  exports dev.mlops.onnx.tracking;
  exports dev.mlops.onnx.retraining;
}
