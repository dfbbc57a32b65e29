package dev.mlops.onnx.internal;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.onnx.OnnxSignature.Output;
import dev.mlops.onnx.OnnxSignature.Role;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a model's outputs mean and how to read them: for a classifier, the output that gives the
 * label (an index into the classes, or a class key), the output that gives the class scores (a
 * tensor [N, C] or a ZipMap's sequence of maps) and whether they are probabilities; for a
 * regressor, the output that gives the value. Worked out once from the graph, the class labels
 * the registration gave, and, at registration, the shapes the graph computed on its example.
 */
public final class OutputLayout {
  private final boolean classification;
  private final List<String> classes;
  /** Class position by key text: the class names, or a ZipMap's keys (integers in decimal). */
  private final Map<String, Integer> keyIndex;
  private final @Nullable String labelOutput;
  private final boolean labelIsIndex;
  private final @Nullable String scoreOutput;
  private final boolean zipMap;
  private final boolean probabilities;
  private final @Nullable String valueOutput;
  private final Set<String> requested;
  private final List<Output> outputs;

  private OutputLayout(boolean classification, List<String> classes, Map<String, Integer> keyIndex, @Nullable String labelOutput,
      boolean labelIsIndex, @Nullable String scoreOutput, boolean zipMap, boolean probabilities, @Nullable String valueOutput,
      List<Output> outputs) {
    this.classification = classification;
    this.classes = List.copyOf(classes);
    this.keyIndex = keyIndex;
    this.labelOutput = labelOutput;
    this.labelIsIndex = labelIsIndex;
    this.scoreOutput = scoreOutput;
    this.zipMap = zipMap;
    this.probabilities = probabilities;
    this.valueOutput = valueOutput;
    Set<String> r = new LinkedHashSet<>();
    for (String s : new String[] {labelOutput, scoreOutput, valueOutput}) {
      if (s != null) {
        r.add(s);
      }
    }
    this.requested = Set.copyOf(r);
    this.outputs = List.copyOf(outputs);
  }

  /** Whether the model classifies (else it regresses). */
  public boolean classification() {
    return classification;
  }

  /** The class labels, in score-column order; empty for a regressor. */
  public List<String> classes() {
    return classes;
  }

  /** Whether the class scores are probabilities. */
  public boolean probabilities() {
    return probabilities;
  }

  /** Whether the model gives class scores at all (a classifier may give labels only). */
  public boolean hasScores() {
    return scoreOutput != null;
  }

  /** The outputs a prediction reads. */
  public Set<String> requested() {
    return requested;
  }

  /** Every graph output with its role. */
  public List<Output> outputs() {
    return outputs;
  }

  // ------------------------------------------------------------------------------------ resolution

  /**
   * Works out what the outputs mean.
   *
   * @param graphOutputs the session's outputs, in graph order
   * @param given the class labels the registration gave (or stored), possibly none
   * @param computed the shape each output had on the registration's example run, or null when loading
   * @throws InvalidArgumentException if the outputs are ambiguous, or the classes do not fit them
   */
  public static OutputLayout resolve(Map<String, NodeInfo> graphOutputs, OnnxHeader header, List<String> given,
      @Nullable Map<String, long[]> computed) {
    List<String> named = Names.givenOrMetadata("classes", given, header, "class_labels");
    List<String> zipMaps = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> scores = new ArrayList<>();
    List<String> values = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    for (Map.Entry<String, NodeInfo> e : graphOutputs.entrySet()) {
      String name = e.getKey();
      ValueInfo info = e.getValue().getInfo();
      types.put(name, describe(info));
      if (info instanceof SequenceInfo s && s.isSequenceOfMaps() && isZipMap(s.mapInfo)) {
        zipMaps.add(name);
      } else if (info instanceof TensorInfo t) {
        long[] shape = shape(name, t, header, computed);
        boolean column = shape.length == 1 || shape.length == 2 && shape[1] == 1;
        if ((t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.STRING) && column) {
          labels.add(name);
        } else if ((t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE) && (column || shape.length == 2)) {
          (column ? values : scores).add(name);
        }
      }
    }
    ambiguous("ZipMap outputs", zipMaps);
    ambiguous("label outputs", labels);
    boolean classification = !zipMaps.isEmpty() || !labels.isEmpty() || !named.isEmpty();
    if (!classification) {
      if (values.isEmpty()) {
        throw InvalidArgumentException.of("classes", "none", scores.isEmpty()
            ? "the graph has no output to read: no label, class scores or single value per row (outputs " + types + ")"
            : "output '" + scores.get(0) + "' gives several numbers per row: for a classifier, name its classes in column order "
            + "(OnnxMapping.classes(...)); regression with several outputs per row is not supported");
      }
      ambiguous("single-value outputs", values);
      return new OutputLayout(false, List.of(), Map.of(), null, false, null, false, false, values.get(0),
          roles(graphOutputs, types, Map.of(values.get(0), Role.VALUE)));
    }

    String zip = zipMaps.isEmpty() ? null : zipMaps.get(0);
    String scoreOutput = zip;
    if (scoreOutput == null && !scores.isEmpty()) {
      ambiguous("class score outputs", scores);
      scoreOutput = scores.get(0);
    }
    List<String> classes;
    Map<String, Integer> keyIndex = new HashMap<>();
    boolean labelIsIndex = false;
    if (zip != null) {
      OnnxHeader.ZipMap z = header.zipMaps().get(zip);
      if (z == null || z.labels().isEmpty()) {
        throw InvalidArgumentException.of("graph output", zip, "is a sequence of maps whose ZipMap node and class labels were not found");
      }
      if (!z.int64Keys() && !named.isEmpty() && !new HashSet<>(named).equals(new HashSet<>(z.labels()))) {
        throw InvalidArgumentException.of("classes", named, "the graph's ZipMap names its classes " + z.labels());
      }
      if (z.int64Keys() && !named.isEmpty() && named.size() != z.labels().size()) {
        throw InvalidArgumentException.of("classes", named, "the graph's ZipMap has " + z.labels().size() + " integer classes "
            + z.labels() + "; name each of them, in that order");
      }
      classes = z.int64Keys() && !named.isEmpty() ? named : z.labels();
      for (int i = 0; i < z.labels().size(); i++) {
        keyIndex.put(z.labels().get(i), i);
      }
    } else {
      if (named.isEmpty()) {
        throw InvalidArgumentException.of("classes", "none", "the graph gives " + (scoreOutput != null ? "class scores ('"
            + scoreOutput + "')" : "class indexes ('" + labels.get(0) + "')") + " without naming its classes: name them in "
            + "column order (OnnxMapping.classes(...))");
      }
      classes = named;
      if (scoreOutput != null) {
        long width = shape(scoreOutput, (TensorInfo) graphOutputs.get(scoreOutput).getInfo(), header, computed)[1];
        if (width >= 0 && width != classes.size()) {
          throw InvalidArgumentException.of("classes", classes.size() + " names " + classes, "output '" + scoreOutput + "' gives "
              + width + " class scores per row");
        }
      }
      for (int i = 0; i < classes.size(); i++) {
        keyIndex.put(classes.get(i), i);
      }
      labelIsIndex = !labels.isEmpty() && ((TensorInfo) graphOutputs.get(labels.get(0)).getInfo()).type == OnnxJavaType.INT64;
    }
    String labelOutput = labels.isEmpty() ? null : labels.get(0);
    if (labelOutput == null && scoreOutput == null) {
      throw InvalidArgumentException.of("graph outputs", types, "a classifier needs a label or class score output");
    }
    boolean probabilities = zip != null || scoreOutput != null && producedBySoftmax(header, scoreOutput);
    Map<String, Role> roles = new HashMap<>();
    if (labelOutput != null) {
      roles.put(labelOutput, Role.LABEL);
    }
    if (scoreOutput != null) {
      roles.put(scoreOutput, probabilities ? Role.PROBABILITIES : Role.SCORES);
    }
    return new OutputLayout(true, classes, keyIndex, labelOutput, labelIsIndex, scoreOutput, zip != null, probabilities, null,
        roles(graphOutputs, types, roles));
  }

  private static boolean isZipMap(MapInfo m) {
    return (m.keyType == OnnxJavaType.INT64 || m.keyType == OnnxJavaType.STRING)
        && (m.valueType == OnnxJavaType.FLOAT || m.valueType == OnnxJavaType.DOUBLE);
  }

  private static void ambiguous(String what, List<String> names) {
    if (names.size() > 1) {
      throw InvalidArgumentException.of("graph outputs", names, "the graph has " + names.size() + " " + what
          + " and which one to read is ambiguous");
    }
  }

  /** The shape of an output: as computed on the example when there was one, else as declared (-1 where not fixed). */
  private static long[] shape(String name, TensorInfo info, OnnxHeader header, @Nullable Map<String, long[]> computed) {
    if (computed != null && computed.containsKey(name)) {
      return computed.get(name);
    }
    long[] ort = info.getShape();
    for (OnnxHeader.Value v : header.outputs()) {
      List<String> dims = v.type().dims();
      if (v.name().equals(name) && dims != null && dims.size() == ort.length) {
        long[] declared = new long[dims.size()];
        for (int i = 0; i < declared.length; i++) {
          declared[i] = ort[i] >= 0 ? ort[i] : ValueType.dimValue(dims.get(i));
        }
        return declared;
      }
    }
    return ort;
  }

  /** Whether an output is computed by Softmax (through Identity nodes). */
  private static boolean producedBySoftmax(OnnxHeader header, String output) {
    OnnxHeader.Node n = header.producers().get(output);
    for (int hops = 0; n != null && hops < 16; hops++) {
      if (n.domain().equals(OnnxHeader.DEFAULT_DOMAIN) && n.opType().equals("Softmax")) {
        return true;
      }
      if (!n.opType().equals("Identity") || n.inputs().isEmpty()) {
        return false;
      }
      n = header.producers().get(n.inputs().get(0));
    }
    return false;
  }

  private static List<Output> roles(Map<String, NodeInfo> graphOutputs, Map<String, String> types, Map<String, Role> roles) {
    List<Output> out = new ArrayList<>();
    for (String name : graphOutputs.keySet()) {
      out.add(new Output(name, types.get(name), roles.getOrDefault(name, Role.UNUSED)));
    }
    return out;
  }

  private static String describe(ValueInfo info) {
    if (info instanceof TensorInfo t) {
      return t.type.toString().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(t.getShape()).replace(" ", "").replace("-1", "N");
    }
    if (info instanceof SequenceInfo s) {
      return s.isSequenceOfMaps() ? "seq(map(" + s.mapInfo.keyType.toString().toLowerCase(java.util.Locale.ROOT) + ","
          + s.mapInfo.valueType.toString().toLowerCase(java.util.Locale.ROOT) + "))" : "seq(" + s.sequenceType + ")";
    }
    return info.toString();
  }

  // ------------------------------------------------------------------------------------ decoding

  /**
   * What a run gave for {@code rows} rows: class positions and scores, or values.
   *
   * @param labels each row's class position (classifiers)
   * @param scores each row's class scores (classifiers with scores)
   * @param values each row's value (regressors)
   */
  public record Decoded(int @Nullable [] labels, double @Nullable [][] scores, double @Nullable [] values) {}

  /**
   * Reads a run's outputs.
   *
   * @throws MlopsException if an output does not have the shape or content the layout expects
   */
  public Decoded decode(OrtSession.Result result, int rows) throws OrtException {
    double[][] scores = scoreOutput == null ? null : zipMap ? zipMapScores(value(result, scoreOutput), rows)
        : tensorScores((OnnxTensor) value(result, scoreOutput), rows);
    if (!classification) {
      OnnxTensor t = (OnnxTensor) value(result, valueOutput);
      return new Decoded(null, null, numbers(t, rows, valueOutput));
    }
    int[] labels = new int[rows];
    if (labelOutput != null) {
      OnnxTensor t = (OnnxTensor) value(result, labelOutput);
      check(labelOutput, t.getInfo().getNumElements() == rows, t.getInfo().getShape(), rows);
      if (t.getInfo().type == OnnxJavaType.INT64) {
        LongBuffer b = t.getLongBuffer();
        for (int i = 0; i < rows; i++) {
          long v = b.get(i);
          labels[i] = labelIsIndex ? index(v) : key(Long.toString(v));
        }
      } else {
        String[] s = strings(t.getValue(), rows);
        for (int i = 0; i < rows; i++) {
          labels[i] = key(s[i]);
        }
      }
    } else {
      for (int i = 0; i < rows; i++) {
        labels[i] = argMax(scores[i]);
      }
    }
    return new Decoded(labels, scores, null);
  }

  private static OnnxValue value(OrtSession.Result result, @Nullable String name) {
    return result.get(name).orElseThrow(() -> new MlopsException("the run gave no output '" + name + "'"));
  }

  private int index(long v) {
    if (v < 0 || v >= classes.size()) {
      throw new MlopsException("output '" + labelOutput + "' gave class index " + v + ", outside the " + classes.size()
          + " classes " + classes);
    }
    return (int) v;
  }

  private int key(String k) {
    Integer i = keyIndex.get(k);
    if (i == null) {
      throw new MlopsException("output '" + labelOutput + "' gave class '" + k + "', not one of " + keyIndex.keySet());
    }
    return i;
  }

  private double[][] tensorScores(OnnxTensor t, int rows) {
    int c = classes.size();
    long[] shape = t.getInfo().getShape();
    check(scoreOutput, shape.length == 2 && shape[0] == rows && shape[1] == c, shape, rows);
    double[][] out = new double[rows][c];
    if (t.getInfo().type == OnnxJavaType.FLOAT) {
      FloatBuffer b = t.getFloatBuffer();
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < c; j++) {
          out[i][j] = b.get(i * c + j);
        }
      }
    } else {
      DoubleBuffer b = t.getDoubleBuffer();
      for (int i = 0; i < rows; i++) {
        b.get(i * c, out[i], 0, c);
      }
    }
    return out;
  }

  private double[][] zipMapScores(OnnxValue v, int rows) throws OrtException {
    List<? extends OnnxValue> maps = ((OnnxSequence) v).getValue();
    try {
      if (maps.size() != rows) {
        throw new MlopsException("output '" + scoreOutput + "' gave " + maps.size() + " maps for " + rows + " rows");
      }
      double[][] out = new double[rows][classes.size()];
      for (int i = 0; i < rows; i++) {
        Map<?, ?> m = ((OnnxMap) maps.get(i)).getValue();
        if (m.size() != classes.size()) {
          throw new MlopsException("output '" + scoreOutput + "' gave " + m.size() + " classes for row " + i + ", expected "
              + classes.size());
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
          Integer k = keyIndex.get(String.valueOf(e.getKey()));
          if (k == null) {
            throw new MlopsException("output '" + scoreOutput + "' gave class '" + e.getKey() + "', not one of " + keyIndex.keySet());
          }
          out[i][k] = ((Number) e.getValue()).doubleValue();
        }
      }
      return out;
    } finally {
      // each map of the sequence is a native value of its own, which closing the sequence does not free
      for (OnnxValue m : maps) {
        m.close();
      }
    }
  }

  private static double[] numbers(OnnxTensor t, int rows, @Nullable String name) {
    check(name, t.getInfo().getNumElements() == rows, t.getInfo().getShape(), rows);
    double[] out = new double[rows];
    if (t.getInfo().type == OnnxJavaType.FLOAT) {
      FloatBuffer b = t.getFloatBuffer();
      for (int i = 0; i < rows; i++) {
        out[i] = b.get(i);
      }
    } else {
      t.getDoubleBuffer().get(out);
    }
    return out;
  }

  private static String[] strings(Object value, int rows) {
    String[] out = new String[rows];
    Object[] outer = (Object[]) value;
    for (int i = 0; i < rows; i++) {
      Object o = outer[i];
      out[i] = o instanceof Object[] inner ? (String) inner[0] : (String) o;
    }
    return out;
  }

  private static void check(@Nullable String output, boolean ok, long[] shape, int rows) {
    if (!ok) {
      throw new MlopsException("output '" + output + "' has shape " + Arrays.toString(shape) + " for a batch of " + rows + " rows");
    }
  }

  private static int argMax(double[] scores) {
    int best = 0;
    for (int j = 1; j < scores.length; j++) {
      if (scores[j] > scores[best]) {
        best = j;
      }
    }
    return best;
  }
}
