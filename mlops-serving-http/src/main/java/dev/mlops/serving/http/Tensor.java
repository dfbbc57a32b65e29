package dev.mlops.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.serving.http.Answers.BadRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One input tensor of an inference request, checked: its name, datatype and shape, and its data
 * flattened row-major with every element of the datatype's kind and range. The element count the
 * shape promises is checked against a bound before anything is allocated, and against the data.
 */
record Tensor(String name, String datatype, long[] shape, Object[] data) {
  /** Most elements one request may carry, whatever its shape claims. */
  static final long MAX_ELEMENTS = 1_000_000;
  static final Set<String> FIELDS = Set.of("name", "shape", "datatype", "parameters", "data");
  private static final Map<String, long[]> INT_RANGES = Map.of("INT8", new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE}, "INT16",
      new long[] {Short.MIN_VALUE, Short.MAX_VALUE}, "INT32", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}, "INT64",
      new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, "UINT8", new long[] {0, 255}, "UINT16", new long[] {0, 65535}, "UINT32",
      new long[] {0, 4294967295L}, "UINT64", new long[] {0, Long.MAX_VALUE});
  static final Set<String> DATATYPES = Set.of("BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16",
      "FP32", "FP64", "BYTES");

  /** Reads input {@code i} of a request; its data is JSON, or the binary data its {@code binary_data_size} takes. */
  static Tensor read(JsonNode in, int i, BinaryData binary) {
    String where = "inputs[" + i + "]";
    if (!in.isObject()) {
      throw new BadRequest(where + " must be an object with name, shape, datatype and data");
    }
    for (Iterator<String> f = in.fieldNames(); f.hasNext();) {
      String field = f.next();
      if (!FIELDS.contains(field)) {
        throw new BadRequest(where + " has an unknown field '" + field + "'; an input has " + new java.util.TreeSet<>(FIELDS));
      }
    }
    String name = text(in, "name", where);
    where = "input '" + name + "'";
    String datatype = text(in, "datatype", where);
    if (!DATATYPES.contains(datatype)) {
      throw new BadRequest(where + ": datatype '" + datatype + "' is not one of the protocol's " + new java.util.TreeSet<>(DATATYPES));
    }
    JsonNode p = in.get("parameters");
    if (p != null) {
      Inference.checkParameters(p, where, "binary_data_size");
    }
    JsonNode s = in.get("shape");
    if (s == null || !s.isArray() || s.isEmpty()) {
      throw new BadRequest(where + ": shape must be a non-empty array of whole numbers");
    }
    long[] shape = new long[s.size()];
    long count = 1;
    for (int d = 0; d < shape.length; d++) {
      JsonNode n = s.get(d);
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
        throw new BadRequest(where + ": shape " + s + " must hold whole numbers of at least 0");
      }
      shape[d] = n.asLong();
      count = shape[d] == 0 ? 0 : count > MAX_ELEMENTS ? count : multiplyCapped(count, shape[d]);
    }
    if (count > MAX_ELEMENTS) {
      throw new BadRequest(where + ": shape " + s + " holds more than " + MAX_ELEMENTS + " elements, the most one request may carry");
    }
    JsonNode data = in.get("data");
    JsonNode size = p == null ? null : p.get("binary_data_size");
    if (size != null) {
      if (data != null) {
        throw new BadRequest(where + ": give data or parameters.binary_data_size, not both");
      }
      return new Tensor(name, datatype, shape, binary.take(where, datatype, size.asLong(), count));
    }
    if (data == null || !data.isArray()) {
      throw new BadRequest(where + ": data must be an array (flat, or nested row-major)");
    }
    List<Object> flat = new ArrayList<>((int) count);
    flatten(data, flat, count, where, datatype);
    if (flat.size() != count) {
      throw new BadRequest(where + ": shape " + s + " needs " + count + " elements, data has " + flat.size());
    }
    return new Tensor(name, datatype, shape, flat.toArray());
  }

  private static long multiplyCapped(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void flatten(JsonNode node, List<Object> out, long count, String where, String datatype) {
    for (JsonNode e : node) {
      if (e.isArray()) {
        flatten(e, out, count, where, datatype);
        continue;
      }
      if (out.size() >= count) {
        throw new BadRequest(where + ": data has more elements than its shape's " + count);
      }
      out.add(element(e, where, datatype, out.size()));
    }
  }

  private static Object element(JsonNode e, String where, String datatype, int index) {
    String at = where + " element " + index;
    switch (datatype) {
      case "BYTES":
        if (!e.isTextual()) {
          throw new BadRequest(at + ": " + e + " is not a string, as datatype BYTES needs");
        }
        return e.textValue();
      case "BOOL":
        if (!e.isBoolean()) {
          throw new BadRequest(at + ": " + e + " is not true or false, as datatype BOOL needs");
        }
        return e.booleanValue() ? 1.0 : 0.0;
      case "FP16", "FP32", "FP64":
        if (!e.isNumber()) {
          throw new BadRequest(at + ": " + e + " is not a number, as datatype " + datatype + " needs");
        }
        return real(e.doubleValue(), datatype, at);
      default:
        if (!e.isIntegralNumber() || !e.canConvertToLong()) {
          long[] range = INT_RANGES.get(datatype);
          throw new BadRequest(at + ": " + e + " is not a whole number in [" + range[0] + ", " + range[1] + "], as datatype " + datatype
              + " needs");
        }
        return whole(e.asLong(), false, datatype, at);
    }
  }

  /** A floating-point element, checked to be finite and within its datatype's range. */
  static double real(double v, String datatype, String at) {
    double max = datatype.equals("FP16") ? 65504 : datatype.equals("FP32") ? Float.MAX_VALUE : Double.MAX_VALUE;
    if (!(Math.abs(v) <= max)) {
      throw new BadRequest(at + ": " + v + " is outside the range of " + datatype);
    }
    return v;
  }

  /** A whole element ({@code unsigned}: its 64 bits read as unsigned), checked to be within its datatype's range. */
  static double whole(long v, boolean unsigned, String datatype, String at) {
    long[] range = INT_RANGES.get(datatype);
    if (unsigned && v < 0 || v < range[0] || v > range[1]) {
      throw new BadRequest(at + ": " + (unsigned ? Long.toUnsignedString(v) : Long.toString(v)) + " is not a whole number in [" + range[0]
          + ", " + range[1] + "], as datatype " + datatype + " needs");
    }
    return v;
  }

  private static String text(JsonNode in, String field, String where) {
    JsonNode n = in.get(field);
    if (n == null || !n.isTextual()) {
      throw new BadRequest(where + ": " + field + " must be a string" + (n == null ? " and is missing" : ", not " + n.getNodeType().name()
          .toLowerCase(Locale.ROOT)));
    }
    return n.textValue();
  }

  /** The number of rows: the first dimension. */
  long rows() {
    return shape[0];
  }

  /** Whether it is a [N, F] matrix of numbers. */
  boolean isMatrix() {
    return shape.length == 2 && !datatype.equals("BYTES");
  }
}
