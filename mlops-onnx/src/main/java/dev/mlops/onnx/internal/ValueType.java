package dev.mlops.onnx.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A value's type as an ONNX graph declares it (onnx.proto TypeProto): a tensor with its element
 * type and dimensions, a sequence, a map, or another kind.
 *
 * @param kind what the value is
 * @param element a tensor's element type, a map's key type ("float", "int64", "string", ...), else ""
 * @param dims a tensor's dimensions, each a number, a symbolic name or "?"; null when the rank is not declared
 * @param inner a sequence's element type or a map's value type
 */
public record ValueType(Kind kind, String element, @Nullable List<String> dims, @Nullable ValueType inner) {
  /** The kinds of value the reader tells apart. */
  public enum Kind {
    /** A tensor. */
    TENSOR,
    /** A sequence of values. */
    SEQUENCE,
    /** A map from keys to values. */
    MAP,
    /** Anything else (optional, sparse tensor, or no type). */
    OTHER
  }

  private static final int MAX_DEPTH = 32;

  /** Element type names by onnx.proto TensorProto.DataType number. */
  private static final String[] ELEMENTS = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string",
      "bool", "float16", "double", "uint32", "uint64", "complex64", "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz",
      "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1"};

  /** A dimension's value, or -1 when it is symbolic or unknown. */
  public static long dimValue(String dim) {
    if (dim.isEmpty() || !Character.isDigit(dim.charAt(0))) {
      return -1;
    }
    try {
      return Long.parseLong(dim);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A sequence of maps, the shape of a ZipMap output. */
  public boolean sequenceOfMaps() {
    return kind == Kind.SEQUENCE && inner != null && inner.kind == Kind.MAP;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case TENSOR -> element + (dims == null ? "[?]" : "[" + String.join(",", dims) + "]");
      case SEQUENCE -> "seq(" + inner + ")";
      case MAP -> "map(" + element + "," + (inner == null ? "?" : inner.element()) + ")";
      case OTHER -> "?";
    };
  }

  static String elementName(long number) {
    return number >= 0 && number < ELEMENTS.length ? ELEMENTS[(int) number] : "type" + number;
  }

  /** Reads a TypeProto: tensor_type 1 {elem_type 1, shape 2 {dim 1 {dim_value 1, dim_param 2}}}, sequence_type 4, map_type 5. */
  static ValueType read(ProtoReader type) throws IOException {
    return read(type, 0);
  }

  private static ValueType read(ProtoReader type, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("corrupt file: a type nested more than " + MAX_DEPTH + " deep at byte " + type.position());
    }
    ValueType result = new ValueType(Kind.OTHER, "", null, null);
    while (type.more()) {
      int field = type.nextField();
      if (field == 1 && type.wireType() == ProtoReader.LENGTH_DELIMITED) {
        result = tensor(type.message());
      } else if (field == 4 && type.wireType() == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader sequence = type.message();
        ValueType element = null;
        while (sequence.more()) {
          if (sequence.nextField() == 1 && sequence.wireType() == ProtoReader.LENGTH_DELIMITED) {
            element = read(sequence.message(), depth + 1);
          } else {
            sequence.skipField();
          }
        }
        result = new ValueType(Kind.SEQUENCE, "", null, element);
      } else if (field == 5 && type.wireType() == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader map = type.message();
        String key = "";
        ValueType value = null;
        while (map.more()) {
          int f = map.nextField();
          if (f == 1 && map.wireType() == ProtoReader.VARINT) {
            key = elementName(map.varint());
          } else if (f == 2 && map.wireType() == ProtoReader.LENGTH_DELIMITED) {
            value = read(map.message(), depth + 1);
          } else {
            map.skipField();
          }
        }
        result = new ValueType(Kind.MAP, key, null, value);
      } else {
        type.skipField();
      }
    }
    return result;
  }

  private static ValueType tensor(ProtoReader tensor) throws IOException {
    String element = "undefined";
    List<String> dims = null;
    while (tensor.more()) {
      int field = tensor.nextField();
      if (field == 1 && tensor.wireType() == ProtoReader.VARINT) {
        element = elementName(tensor.varint());
      } else if (field == 2 && tensor.wireType() == ProtoReader.LENGTH_DELIMITED) {
        dims = new ArrayList<>();
        ProtoReader shape = tensor.message();
        while (shape.more()) {
          if (shape.nextField() == 1 && shape.wireType() == ProtoReader.LENGTH_DELIMITED) {
            dims.add(dim(shape.message()));
          } else {
            shape.skipField();
          }
        }
      } else {
        tensor.skipField();
      }
    }
    return new ValueType(Kind.TENSOR, element, dims == null ? null : List.copyOf(dims), null);
  }

  private static String dim(ProtoReader dim) throws IOException {
    String value = "?";
    while (dim.more()) {
      int field = dim.nextField();
      if (field == 1 && dim.wireType() == ProtoReader.VARINT) {
        value = Long.toString(dim.varint());
      } else if (field == 2 && dim.wireType() == ProtoReader.LENGTH_DELIMITED) {
        String param = dim.string();
        value = param.isEmpty() ? "?" : param;
      } else {
        dim.skipField();
      }
    }
    return value;
  }
}
