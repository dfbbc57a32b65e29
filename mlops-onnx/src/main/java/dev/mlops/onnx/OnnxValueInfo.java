package dev.mlops.onnx;

import java.util.List;

/**
 * A graph input or output as the ONNX file declares it.
 *
 * @param name its name in the graph
 * @param type a tensor's element type ({@code float}, {@code int64}, {@code string}, ...), or the
 *     whole type of another value, such as {@code seq(map(string,float))} for a ZipMap output
 * @param shape a tensor's dimensions, each a number, a symbolic name such as {@code batch}, or
 *     {@code ?}; empty for values that are not tensors (and for tensors of undeclared rank)
 */
public record OnnxValueInfo(String name, String type, List<String> shape) {
  /** The shape is copied. */
  public OnnxValueInfo {
    shape = List.copyOf(shape);
  }

  /** As the graph declares it, for example {@code features: float[batch,4]}. */
  @Override
  public String toString() {
    return name + ": " + type + (shape.isEmpty() ? "" : "[" + String.join(",", shape) + "]");
  }
}
