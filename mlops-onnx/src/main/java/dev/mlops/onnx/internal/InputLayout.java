package dev.mlops.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.mlops.api.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a model's named features reach its graph inputs: either one tensor [N, F] whose columns are
 * the features in order (the usual export of a tabular model), or one input per feature, [N] or
 * [N, 1], named as the feature. Rows are checked against it (every feature present, no unknown
 * name, the right type, finite, in range) before any tensor is made, and a failure names the row,
 * the feature, the value and the rule.
 */
public final class InputLayout {
  /** Element types an input may have. */
  enum Element {
    FLOAT, DOUBLE, INT64, STRING;

    static Element of(OnnxJavaType type) {
      return switch (type) {
        case FLOAT -> FLOAT;
        case DOUBLE -> DOUBLE;
        case INT64 -> INT64;
        case STRING -> STRING;
        default -> throw new IllegalArgumentException(type.toString());
      };
    }

    String onnxName() {
      return this == FLOAT ? "float" : name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final List<String> features;
  private final Map<String, Integer> index;
  /** One tensor [N, F] (true) or one input per feature (false). */
  private final boolean single;
  private final String[] inputs;
  private final Element[] elements;
  private final int[] ranks;
  private final boolean batchable;

  private InputLayout(List<String> features, boolean single, String[] inputs, Element[] elements, int[] ranks, boolean batchable) {
    this.features = List.copyOf(features);
    this.index = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      index.put(features.get(i), i);
    }
    this.single = single;
    this.inputs = inputs;
    this.elements = elements;
    this.ranks = ranks;
    this.batchable = batchable;
  }

  /** The features, in the order of the tensor's columns (or as the registration named them). */
  public List<String> features() {
    return features;
  }

  /** Whether several rows go through the graph in one run (its batch dimension is not fixed to 1). */
  public boolean batchable() {
    return batchable;
  }

  /** Whether every input is numeric, so rows can be given as float arrays. */
  public boolean numeric() {
    for (Element e : elements) {
      if (e == Element.STRING) {
        return false;
      }
    }
    return true;
  }

  /** Each feature's element type ("float", "double", "int64", "string"), in feature order. */
  public List<String> types() {
    List<String> types = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      types.add(elements[single ? 0 : i].onnxName());
    }
    return types;
  }

  /**
   * Works out the layout from the graph's inputs and the feature names the registration gave (or
   * the graph's metadata_props {@code feature_names}, comma-separated).
   *
   * @throws InvalidArgumentException if the graph's inputs cannot be fed from named features, or
   *     the names do not fit them
   */
  public static InputLayout resolve(Map<String, NodeInfo> graphInputs, OnnxHeader header, List<String> given) {
    List<String> named = Names.givenOrMetadata("features", given, header, "feature_names");
    List<String> names = new ArrayList<>(graphInputs.keySet());
    List<TensorInfo> infos = new ArrayList<>();
    for (String name : names) {
      if (!(graphInputs.get(name).getInfo() instanceof TensorInfo t)) {
        throw InvalidArgumentException.of("graph input", name, "is " + graphInputs.get(name).getInfo()
            + ", not a tensor; only tensor inputs can be fed from features");
      }
      infos.add(t);
    }
    if (names.isEmpty()) {
      throw InvalidArgumentException.of("graph inputs", "none", "the graph takes no input");
    }
    boolean batchable = true;
    for (int i = 0; i < names.size(); i++) {
      long[] shape = infos.get(i).getShape();
      if (shape.length == 0 || shape.length > 2) {
        throw InvalidArgumentException.of("graph input", names.get(i) + " " + java.util.Arrays.toString(shape),
            "must have rank 1 [N] or 2 [N, F]; other shapes cannot be fed from feature rows");
      }
      if (shape[0] > 1) {
        throw InvalidArgumentException.of("graph input", names.get(i) + " " + java.util.Arrays.toString(shape),
            "has a fixed batch of " + shape[0] + " rows; export it with a dynamic or single-row batch dimension");
      }
      batchable &= shape[0] != 1;
      element(names.get(i), infos.get(i));
    }
    long width = infos.get(0).getShape().length == 2 ? infos.get(0).getShape()[1] : 1;
    boolean oneUnnamedColumn = width == 1 && named.isEmpty();
    if (names.size() == 1 && infos.get(0).getShape().length == 2 && !oneUnnamedColumn) {
      return single(names.get(0), infos.get(0), named, width, batchable);
    }
    return perFeature(names, infos, named, batchable);
  }

  private static InputLayout single(String input, TensorInfo info, List<String> named, long width, boolean batchable) {
    Element e = element(input, info);
    if (e != Element.FLOAT && e != Element.DOUBLE) {
      throw InvalidArgumentException.of("graph input", input + " (" + e.onnxName() + ")",
          "a single [N, F] input must hold float or double values");
    }
    if (named.isEmpty()) {
      throw InvalidArgumentException.of("features", "none", "graph input '" + input + "' is one tensor " + shape(info)
          + " whose columns have no names: give them in column order (OnnxMapping.features(...))");
    }
    if (width >= 0 && named.size() != width) {
      throw InvalidArgumentException.of("features", named.size() + " names " + named, "graph input '" + input + "' " + shape(info)
          + " has " + width + " columns");
    }
    return new InputLayout(named, true, new String[] {input}, new Element[] {e}, new int[] {2}, batchable);
  }

  private static InputLayout perFeature(List<String> names, List<TensorInfo> infos, List<String> named, boolean batchable) {
    for (int i = 0; i < names.size(); i++) {
      long[] shape = infos.get(i).getShape();
      if (shape.length == 2 && shape[1] != 1) {
        throw InvalidArgumentException.of("graph input", names.get(i) + " " + shape(infos.get(i)), "the graph has "
            + names.size() + " inputs, so each must hold one feature ([N] or [N, 1])");
      }
    }
    List<String> order = names;
    if (!named.isEmpty()) {
      if (!new HashSet<>(named).equals(new HashSet<>(names)) || named.size() != names.size()) {
        throw InvalidArgumentException.of("features", named, "the graph takes one input per feature, named " + names
            + "; the features must be those names");
      }
      order = named;
    }
    String[] inputs = order.toArray(new String[0]);
    Element[] elements = new Element[inputs.length];
    int[] ranks = new int[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      TensorInfo info = infos.get(names.indexOf(inputs[i]));
      elements[i] = element(inputs[i], info);
      ranks[i] = info.getShape().length;
    }
    return new InputLayout(order, false, inputs, elements, ranks, batchable);
  }

  private static Element element(String input, TensorInfo info) {
    try {
      return Element.of(info.type);
    } catch (IllegalArgumentException e) {
      throw InvalidArgumentException.of("graph input", input + " (" + info.type + ")",
          "holds a type features cannot give; supported: float, double, int64, string");
    }
  }

  private static String shape(TensorInfo info) {
    return java.util.Arrays.toString(info.getShape()).replace("-1", "N");
  }

  // ------------------------------------------------------------------------------------ rows

  /** Rows checked and held column by column, ready to become tensors. */
  public final class Columns {
    final int rows;
    final float[][] floats;
    final double[][] doubles;
    final long[][] longs;
    final String[][] strings;

    Columns(int rows) {
      this.rows = rows;
      int n = features.size();
      floats = new float[n][];
      doubles = new double[n][];
      longs = new long[n][];
      strings = new String[n][];
      for (int f = 0; f < n; f++) {
        switch (elements[single ? 0 : f]) {
          case FLOAT -> floats[f] = new float[rows];
          case DOUBLE -> doubles[f] = new double[rows];
          case INT64 -> longs[f] = new long[rows];
          case STRING -> strings[f] = new String[rows];
        }
      }
    }

    /** How many rows. */
    public int rows() {
      return rows;
    }

    /** The tensors for rows {@code [from, to)}; the caller closes them. */
    public Tensors tensors(OrtEnvironment env, int from, int to) throws OrtException {
      int n = to - from;
      Map<String, OnnxTensor> out = new LinkedHashMap<>();
      try {
        if (single) {
          int width = features.size();
          long[] shape = {n, width};
          if (elements[0] == Element.FLOAT) {
            FloatBuffer b = direct(n * width * 4L).asFloatBuffer();
            float[] rowMajor = new float[n * width];
            for (int f = 0; f < width; f++) {
              float[] column = floats[f];
              for (int r = from, at = f; r < to; r++, at += width) {
                rowMajor[at] = column[r];
              }
            }
            out.put(inputs[0], OnnxTensor.createTensor(env, b.put(rowMajor).rewind(), shape));
          } else {
            DoubleBuffer b = direct(n * width * 8L).asDoubleBuffer();
            for (int r = from; r < to; r++) {
              for (int f = 0; f < width; f++) {
                b.put(doubles[f][r]);
              }
            }
            out.put(inputs[0], OnnxTensor.createTensor(env, b.rewind(), shape));
          }
          return new Tensors(out);
        }
        for (int f = 0; f < inputs.length; f++) {
          long[] shape = ranks[f] == 1 ? new long[] {n} : new long[] {n, 1};
          OnnxTensor t = switch (elements[f]) {
            case FLOAT -> OnnxTensor.createTensor(env, direct(n * 4L).asFloatBuffer().put(floats[f], from, n).rewind(), shape);
            case DOUBLE -> OnnxTensor.createTensor(env, direct(n * 8L).asDoubleBuffer().put(doubles[f], from, n).rewind(), shape);
            case INT64 -> OnnxTensor.createTensor(env, direct(n * 8L).asLongBuffer().put(longs[f], from, n).rewind(), shape);
            case STRING -> OnnxTensor.createTensor(env, java.util.Arrays.copyOfRange(strings[f], from, to), shape);
          };
          out.put(inputs[f], t);
        }
        return new Tensors(out);
      } catch (OrtException | RuntimeException e) {
        out.values().forEach(OnnxTensor::close);
        throw e;
      }
    }
  }

  private static ByteBuffer direct(long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw InvalidArgumentException.of("batch", bytes + " bytes of input", "exceeds the 2 GiB a tensor buffer can hold; split it");
    }
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
  }

  /**
   * Checks rows given as feature maps and holds their values.
   *
   * @param batch whether the rows are a batch (messages then name the row)
   * @throws InvalidArgumentException naming the row, feature, value and rule of the first problem
   */
  public Columns rows(List<? extends Map<String, ?>> rows, boolean batch) {
    Columns c = new Columns(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      Map<String, ?> row = rows.get(r);
      String where = batch ? "row " + r + ", " : "";
      if (row == null) {
        throw InvalidArgumentException.of(where.isEmpty() ? "row" : "row " + r, null, "must be a map of feature values");
      }
      for (String name : row.keySet()) {
        if (!index.containsKey(name)) {
          throw InvalidArgumentException.of(where + "feature", name, "is not a feature of the model; its features are " + features);
        }
      }
      for (int f = 0; f < features.size(); f++) {
        Object v = row.get(features.get(f));
        if (v == null) {
          throw InvalidArgumentException.of(where + "feature '" + features.get(f) + "'", null, "is missing; the model needs every one of "
              + features);
        }
        put(c, r, f, v, where);
      }
    }
    return c;
  }

  /**
   * Checks rows given as values in feature order and holds them.
   *
   * @throws InvalidArgumentException if a row has the wrong length, a value is not finite, or the
   *     model takes string features
   */
  public Columns rows(float[][] rows, boolean batch) {
    if (!numeric()) {
      throw InvalidArgumentException.of("rows", "float arrays", "the model takes string features " + features
          + "; give rows as maps");
    }
    Columns c = new Columns(rows.length);
    for (int r = 0; r < rows.length; r++) {
      String where = batch ? "row " + r + ", " : "";
      float[] row = rows[r];
      if (row == null || row.length != features.size()) {
        throw InvalidArgumentException.of(batch ? "row " + r : "row", row == null ? null : row.length + " values",
            "must hold the model's " + features.size() + " features in order " + features);
      }
      for (int f = 0; f < row.length; f++) {
        put(c, r, f, row[f], null, where);
      }
    }
    return c;
  }

  private void put(Columns c, int r, int f, Object v, String where) {
    Element e = elements[single ? 0 : f];
    if (e == Element.STRING) {
      if (!(v instanceof CharSequence s)) {
        throw InvalidArgumentException.of(field(where, f), v, "must be a string (the graph input is a string tensor)");
      }
      c.strings[f][r] = s.toString();
      return;
    }
    if (!(v instanceof Number n)) {
      throw InvalidArgumentException.of(field(where, f), v, "must be a number, not " + v.getClass().getSimpleName());
    }
    if (e == Element.INT64 && (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
      c.longs[f][r] = n.longValue();
      return;
    }
    put(c, r, f, n.doubleValue(), v, where);
  }

  /**
   * Checks and holds one numeric value; {@code given} is the value as the caller gave it, for
   * messages (null for a float from a float row, boxed only if it is refused).
   */
  private void put(Columns c, int r, int f, double d, @Nullable Object given, String where) {
    if (!Double.isFinite(d)) {
      throw InvalidArgumentException.of(field(where, f), shown(given, d), "must be finite");
    }
    switch (elements[single ? 0 : f]) {
      case FLOAT -> {
        if (Math.abs(d) > Float.MAX_VALUE) {
          throw InvalidArgumentException.of(field(where, f), shown(given, d), "is outside float32's range (the graph input is float)");
        }
        c.floats[f][r] = (float) d;
      }
      case DOUBLE -> c.doubles[f][r] = d;
      case INT64 -> {
        if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
          c.longs[f][r] = (long) d;
        } else {
          throw InvalidArgumentException.of(field(where, f), shown(given, d), "must be a whole number (the graph input is int64)");
        }
      }
      default -> throw new IllegalStateException(elements[single ? 0 : f].toString());
    }
  }

  private static Object shown(@Nullable Object given, double d) {
    return given != null ? given : (Object) (float) d;
  }

  /** A value's place in messages, built only when a value is refused. */
  private String field(String where, int f) {
    return where + "feature '" + features.get(f) + "'";
  }

  /** A row of zeros (empty strings for string features), to run a graph on when nothing better is at hand. */
  public Map<String, Object> zeroRow() {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int f = 0; f < features.size(); f++) {
      row.put(features.get(f), elements[single ? 0 : f] == Element.STRING ? "" : (Object) 0.0);
    }
    return row;
  }

}
