package dev.mlops.onnx;

import dev.mlops.onnx.internal.OnnxHeader;
import dev.mlops.onnx.internal.ValueType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What an ONNX file declares about itself, read without loading its weights: {@link #read(Path)}
 * streams the file and skips every initializer, so a model of several gigabytes costs a few
 * kilobytes of memory. These are the facts ONNX Runtime's Java API does not expose (IR version,
 * producer version, opsets, declared shapes, operators).
 *
 * @param irVersion the ONNX IR version, -1 when absent
 * @param producerName the tool that wrote the file ({@code pytorch}, {@code Tribuo}, ...), "" when absent
 * @param producerVersion its version, "" when absent
 * @param opsets the operator set version of each domain it imports ({@code ai.onnx} is the default domain)
 * @param inputs the graph's declared inputs, in order
 * @param outputs the graph's declared outputs, in order
 * @param operators every operator the graph uses, as {@code domain:op_type}, inner graphs (loops, branches) included
 * @param initializerBytes the bytes of all weights stored in the file
 * @param metadata the file's metadata_props
 */
public record OnnxGraph(long irVersion, String producerName, String producerVersion, Map<String, Long> opsets,
    List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs, SortedSet<String> operators, long initializerBytes,
    Map<String, String> metadata) {

  /** Collections are copied and unmodifiable. */
  public OnnxGraph {
    opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    operators = Collections.unmodifiableSortedSet(new TreeSet<>(operators));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /**
   * Reads what an ONNX file declares, streaming: its weights are skipped, never read into memory.
   *
   * @throws IOException if the file cannot be read or is not an ONNX model; a truncated file is
   *     named as such, with the byte where its last field was cut
   */
  public static OnnxGraph read(Path file) throws IOException {
    return of(OnnxHeader.read(file));
  }

  static OnnxGraph of(OnnxHeader h) {
    long weights = 0;
    for (long bytes : h.initializerBytes().values()) {
      weights += bytes;
    }
    return new OnnxGraph(h.irVersion(), h.producerName(), h.producerVersion(), h.opsets(), values(h.inputs()), values(h.outputs()),
        h.operators(), weights, h.metadata());
  }

  private static List<OnnxValueInfo> values(List<OnnxHeader.Value> values) {
    List<OnnxValueInfo> out = new ArrayList<>();
    for (OnnxHeader.Value v : values) {
      ValueType t = v.type();
      boolean tensor = t.kind() == ValueType.Kind.TENSOR;
      List<String> dims = t.dims();
      out.add(new OnnxValueInfo(v.name(), tensor ? t.element() : t.toString(), tensor && dims != null ? dims : List.of()));
    }
    return out;
  }
}
