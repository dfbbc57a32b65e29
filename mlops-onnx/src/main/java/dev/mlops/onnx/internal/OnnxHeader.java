package dev.mlops.onnx.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What an ONNX file declares and ONNX Runtime's Java API does not expose, read in one streaming
 * pass that skips every weight: IR version, producer name and version, opsets, metadata, the
 * graph's declared inputs and outputs (types and shapes), its operators (also inside loops and
 * branches), initializer sizes and which keep their data in external files, which node computes
 * each graph output, and the class labels of ZipMap nodes. A 1 GB model costs a few buffers and
 * the time to skip its weights.
 *
 * <p>onnx.proto field numbers: ModelProto 1 ir_version, 2 producer_name, 3 producer_version, 4
 * domain, 5 model_version, 7 graph, 8 opset_import {1 domain, 2 version}, 14 metadata_props {1 key,
 * 2 value}; GraphProto 1 node, 2 name, 5 initializer, 11 input, 12 output, 15 sparse_initializer;
 * NodeProto 1 input, 2 output, 4 op_type, 5 attribute {1 name, 6 g, 8 ints, 9 strings, 11 graphs},
 * 7 domain; TensorProto 8 name, 13 external_data, 14 data_location; ValueInfoProto 1 name, 2 type.
 *
 * @param irVersion the IR version, -1 if absent
 * @param producerName the producing tool, "" if absent
 * @param producerVersion its version, "" if absent
 * @param domain the model's domain, "" if absent
 * @param modelVersion the model's version number, -1 if absent
 * @param graphName the graph's name
 * @param opsets opset version by domain ("ai.onnx" for the default domain), in file order
 * @param metadata metadata_props, in file order
 * @param inputs the graph's declared inputs, in order (initializers listed as inputs excluded)
 * @param outputs the graph's declared outputs, in order
 * @param operators every operator as "domain:op_type", subgraphs included
 * @param initializerBytes the data size of each initializer, by name
 * @param externalInitializers initializers whose data lives in another file
 * @param producers the node that computes each value of the main graph, by output name
 * @param zipMaps the class labels of each ZipMap node, by its output name
 */
public record OnnxHeader(long irVersion, String producerName, String producerVersion, String domain, long modelVersion,
    String graphName, Map<String, Long> opsets, Map<String, String> metadata, List<Value> inputs, List<Value> outputs,
    SortedSet<String> operators, Map<String, Long> initializerBytes, List<String> externalInitializers, Map<String, Node> producers,
    Map<String, ZipMap> zipMaps) {

  /** The default operator domain's name. */
  public static final String DEFAULT_DOMAIN = "ai.onnx";
  private static final int MAX_DEPTH = 64;

  /**
   * A declared graph input or output.
   *
   * @param name its name
   * @param type its declared type
   */
  public record Value(String name, ValueType type) {
    @Override
    public String toString() {
      return name + ": " + type;
    }
  }

  /**
   * A node of the main graph.
   *
   * @param domain its operator's domain ("ai.onnx" for the default one)
   * @param opType its operator
   * @param inputs the values it reads
   */
  public record Node(String domain, String opType, List<String> inputs) {}

  /**
   * The class labels a ZipMap node zips probabilities with, in column order.
   *
   * @param int64Keys whether the labels are integers (else strings)
   * @param labels the labels, integers written in decimal
   */
  public record ZipMap(boolean int64Keys, List<String> labels) {}

  /** Reads the header of an ONNX file, streaming. @throws IOException if it is not a readable ONNX model, saying where and why */
  public static OnnxHeader read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, Files.size(file));
    }
  }

  /** Reads the header of ONNX bytes. @throws IOException if they are not a readable ONNX model */
  public static OnnxHeader read(byte[] bytes) throws IOException {
    return read(new ByteArrayInputStream(bytes), bytes.length);
  }

  /** Reads the header of the ONNX model filling {@code size} bytes of {@code in}. */
  public static OnnxHeader read(InputStream in, long size) throws IOException {
    Builder b = new Builder();
    ProtoReader model = ProtoReader.of(in, size);
    boolean graph = false;
    while (model.more()) {
      int field = model.nextField();
      int wire = model.wireType();
      if (field == 1 && wire == ProtoReader.VARINT) {
        b.irVersion = model.varint();
      } else if (field == 5 && wire == ProtoReader.VARINT) {
        b.modelVersion = model.varint();
      } else if (field == 2 && wire == ProtoReader.LENGTH_DELIMITED) {
        b.producerName = model.string();
      } else if (field == 3 && wire == ProtoReader.LENGTH_DELIMITED) {
        b.producerVersion = model.string();
      } else if (field == 4 && wire == ProtoReader.LENGTH_DELIMITED) {
        b.domain = model.string();
      } else if (field == 8 && wire == ProtoReader.LENGTH_DELIMITED) {
        b.opset(model.message());
      } else if (field == 14 && wire == ProtoReader.LENGTH_DELIMITED) {
        b.metadata(model.message());
      } else if (field == 7 && wire == ProtoReader.LENGTH_DELIMITED) {
        b.graph(model.message(), 0);
        graph = true;
      } else {
        model.skipField();
      }
    }
    if (b.irVersion < 0 || !graph) {
      throw new IOException("not an ONNX model: " + (graph ? "no ir_version" : "no graph"));
    }
    return b.build();
  }

  /** Collects the fields while the stream passes. */
  private static final class Builder {
    long irVersion = -1;
    long modelVersion = -1;
    String producerName = "";
    String producerVersion = "";
    String domain = "";
    String graphName = "";
    final Map<String, Long> opsets = new LinkedHashMap<>();
    final Map<String, String> metadata = new LinkedHashMap<>();
    final List<Value> inputs = new ArrayList<>();
    final List<Value> outputs = new ArrayList<>();
    final SortedSet<String> operators = new TreeSet<>();
    final Map<String, Long> initializerBytes = new LinkedHashMap<>();
    final List<String> externalInitializers = new ArrayList<>();
    final Map<String, Node> producers = new LinkedHashMap<>();
    final Map<String, ZipMap> zipMaps = new LinkedHashMap<>();

    OnnxHeader build() {
      // initializers may also be listed as graph inputs (IR < 4 requires it): they are weights, not inputs
      List<Value> realInputs = inputs.stream().filter(v -> !initializerBytes.containsKey(v.name())).toList();
      return new OnnxHeader(irVersion, producerName, producerVersion, domain, modelVersion, graphName,
          Collections.unmodifiableMap(opsets), Collections.unmodifiableMap(metadata), realInputs, List.copyOf(outputs),
          Collections.unmodifiableSortedSet(operators), Collections.unmodifiableMap(initializerBytes), List.copyOf(externalInitializers),
          Collections.unmodifiableMap(producers), Collections.unmodifiableMap(zipMaps));
    }

    void opset(ProtoReader opset) throws IOException {
      String d = "";
      long version = 0;
      while (opset.more()) {
        int field = opset.nextField();
        if (field == 1 && opset.wireType() == ProtoReader.LENGTH_DELIMITED) {
          d = opset.string();
        } else if (field == 2 && opset.wireType() == ProtoReader.VARINT) {
          version = opset.varint();
        } else {
          opset.skipField();
        }
      }
      opsets.put(d.isEmpty() ? DEFAULT_DOMAIN : d, version);
    }

    void metadata(ProtoReader entry) throws IOException {
      String key = "";
      String value = "";
      while (entry.more()) {
        int field = entry.nextField();
        if (field == 1 && entry.wireType() == ProtoReader.LENGTH_DELIMITED) {
          key = entry.string();
        } else if (field == 2 && entry.wireType() == ProtoReader.LENGTH_DELIMITED) {
          value = entry.string();
        } else {
          entry.skipField();
        }
      }
      metadata.put(key, value);
    }

    /** A graph: the main one (depth 0) keeps its declarations and nodes; subgraphs add their operators only. */
    void graph(ProtoReader graph, int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw new IOException("corrupt file: graphs nested more than " + MAX_DEPTH + " deep");
      }
      boolean main = depth == 0;
      while (graph.more()) {
        int field = graph.nextField();
        if (graph.wireType() != ProtoReader.LENGTH_DELIMITED) {
          graph.skipField();
        } else if (field == 1) {
          node(graph.message(), depth);
        } else if (field == 2 && main) {
          graphName = graph.string();
        } else if (field == 5 && main) {
          initializer(graph.message());
        } else if ((field == 11 || field == 12) && main) {
          (field == 11 ? inputs : outputs).add(value(graph.message()));
        } else if (field == 15 && main) {
          initializerBytes.put("(sparse initializer " + initializerBytes.size() + ")", graph.skipLengthDelimited());
        } else {
          graph.skipField();
        }
      }
    }

    void node(ProtoReader node, int depth) throws IOException {
      List<String> in = new ArrayList<>();
      List<String> out = new ArrayList<>();
      String op = "";
      String d = "";
      List<String> ints = new ArrayList<>();
      List<String> strings = new ArrayList<>();
      while (node.more()) {
        int field = node.nextField();
        if (node.wireType() != ProtoReader.LENGTH_DELIMITED) {
          node.skipField();
        } else if (field == 1) {
          in.add(node.string());
        } else if (field == 2) {
          out.add(node.string());
        } else if (field == 4) {
          op = node.string();
        } else if (field == 7) {
          d = node.string();
        } else if (field == 5) {
          attribute(node.message(), depth, ints, strings);
        } else {
          node.skipField();
        }
      }
      String opDomain = d.isEmpty() ? DEFAULT_DOMAIN : d;
      operators.add(opDomain + ":" + op);
      if (depth == 0) {
        Node n = new Node(opDomain, op, List.copyOf(in));
        for (String o : out) {
          producers.put(o, n);
        }
        if (op.equals("ZipMap") && !out.isEmpty()) {
          zipMaps.put(out.get(0), new ZipMap(!ints.isEmpty(), List.copyOf(ints.isEmpty() ? strings : ints)));
        }
      }
    }

    /** An attribute: subgraphs (g, graphs) add their operators; ZipMap's class label lists are kept. */
    void attribute(ProtoReader attribute, int depth, List<String> ints, List<String> strings) throws IOException {
      String name = "";
      while (attribute.more()) {
        int field = attribute.nextField();
        boolean labels = name.equals("classlabels_int64s") || name.equals("classlabels_strings");
        if (field == 1 && attribute.wireType() == ProtoReader.LENGTH_DELIMITED) {
          name = attribute.string();
        } else if ((field == 6 || field == 11) && attribute.wireType() == ProtoReader.LENGTH_DELIMITED) {
          graph(attribute.message(), depth + 1);
        } else if (field == 8 && labels) {
          attribute.varints(v -> ints.add(Long.toString(v)));
        } else if (field == 9 && labels && attribute.wireType() == ProtoReader.LENGTH_DELIMITED) {
          strings.add(attribute.string());
        } else {
          attribute.skipField();
        }
      }
    }

    void initializer(ProtoReader tensor) throws IOException {
      String name = "";
      long data = 0;
      boolean external = false;
      while (tensor.more()) {
        int field = tensor.nextField();
        if (field == 8 && tensor.wireType() == ProtoReader.LENGTH_DELIMITED) {
          name = tensor.string();
        } else if (field == 14 && tensor.wireType() == ProtoReader.VARINT) {
          external |= tensor.varint() == 1;
        } else if (field == 13) {
          external = true;
          tensor.skipField();
        } else if (tensor.wireType() == ProtoReader.LENGTH_DELIMITED && (field >= 4 && field <= 7 || field >= 9 && field <= 11)) {
          // raw_data (9) and the typed data fields: skipped, never read
          data += tensor.skipLengthDelimited();
        } else {
          tensor.skipField();
        }
      }
      initializerBytes.put(name, data);
      if (external) {
        externalInitializers.add(name);
      }
    }

    static Value value(ProtoReader info) throws IOException {
      String name = "";
      ValueType type = new ValueType(ValueType.Kind.OTHER, "", null, null);
      while (info.more()) {
        int field = info.nextField();
        if (field == 1 && info.wireType() == ProtoReader.LENGTH_DELIMITED) {
          name = info.string();
        } else if (field == 2 && info.wireType() == ProtoReader.LENGTH_DELIMITED) {
          type = ValueType.read(info.message());
        } else {
          info.skipField();
        }
      }
      return new Value(name, type);
    }
  }
}
