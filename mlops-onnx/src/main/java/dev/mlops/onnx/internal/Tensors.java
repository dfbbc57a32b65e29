package dev.mlops.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import java.util.Map;

/** A run's input tensors by input name; closing frees their native memory. */
public final class Tensors implements AutoCloseable {
  private final Map<String, OnnxTensor> byInput;

  Tensors(Map<String, OnnxTensor> byInput) {
    this.byInput = byInput;
  }

  /** The tensors, by input name. */
  public Map<String, OnnxTensor> byInput() {
    return byInput;
  }

  @Override
  public void close() {
    byInput.values().forEach(OnnxTensor::close);
  }
}
