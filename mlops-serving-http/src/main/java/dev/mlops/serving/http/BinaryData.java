package dev.mlops.serving.http;

import dev.mlops.serving.http.Answers.BadRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The binary tensor data extension of the Open Inference Protocol (KServe's and Triton's
 * {@code binary_tensor_data}): a body is the JSON object, whose length the
 * {@code Inference-Header-Content-Length} header gives, followed by the raw data of the tensors
 * whose {@code parameters.binary_data_size} says how many bytes they take, in the order the tensors
 * are listed. The data is little-endian and row-major without padding; a BOOL is one byte (0 or 1);
 * a BYTES element is a 4-byte little-endian unsigned length followed by that many bytes.
 *
 * <p>Every length is checked before it is used: the header against the body, each tensor's size
 * against the bytes left and against its shape and datatype, and the sizes together against the
 * bytes after the JSON, so a body whose lengths do not add up is refused with a 400 that says which.
 */
final class BinaryData {
  /** The request and response header giving the length of the JSON part. */
  static final String HEADER = "Inference-Header-Content-Length";
  static final String CONTENT_TYPE = "application/octet-stream";
  private static final Map<String, Integer> WIDTH = Map.ofEntries(Map.entry("BOOL", 1), Map.entry("UINT8", 1), Map.entry("INT8", 1),
      Map.entry("UINT16", 2), Map.entry("INT16", 2), Map.entry("FP16", 2), Map.entry("UINT32", 4), Map.entry("INT32", 4),
      Map.entry("FP32", 4), Map.entry("UINT64", 8), Map.entry("INT64", 8), Map.entry("FP64", 8));

  private final byte[] body;
  private final int jsonLength;
  private final boolean declared;
  private int next;

  private BinaryData(byte[] body, int jsonLength, boolean declared) {
    this.body = body;
    this.jsonLength = jsonLength;
    this.declared = declared;
    this.next = jsonLength;
  }

  /**
   * The body of a request split at its {@code Inference-Header-Content-Length}; without the header
   * the whole body is JSON and no tensor may be binary.
   */
  static BinaryData of(HttpCall call) {
    byte[] body = call.body();
    String h = call.header(HEADER);
    if (h == null) {
      return new BinaryData(body, body.length, false);
    }
    String v = h.strip();
    if (v.isEmpty() || v.length() > 10 || !v.chars().allMatch(c -> c >= '0' && c <= '9') || Long.parseLong(v) > body.length) {
      throw new BadRequest(HEADER + ": '" + h + "' must be a whole number of bytes, at most the body's " + body.length
          + " (the length of the JSON before the binary tensor data)");
    }
    return new BinaryData(body, Integer.parseInt(v), true);
  }

  byte[] body() {
    return body;
  }

  int jsonLength() {
    return jsonLength;
  }

  /**
   * The elements of one binary input: the next {@code size} bytes after the previous binary input's,
   * decoded as {@code count} elements of the datatype.
   */
  Object[] take(String where, String datatype, long size, long count) {
    if (!declared) {
      throw new BadRequest(where + ": parameters.binary_data_size is given but the request has no " + HEADER
          + " header saying where its JSON ends");
    }
    int left = body.length - next;
    if (size > left) {
      throw new BadRequest(where + ": binary_data_size " + size + " is more than the " + left + " bytes of binary data left after "
          + (next - jsonLength) + " taken by the inputs before it");
    }
    int from = next;
    next += (int) size;
    return decode(where, datatype, from, (int) size, count);
  }

  /** Refuses binary data that no input claimed. */
  void requireAllTaken() {
    if (next != body.length) {
      throw new BadRequest("inference request: " + (body.length - jsonLength) + " bytes follow the JSON (" + HEADER + ": " + jsonLength
          + ") but the inputs' binary_data_size add up to " + (next - jsonLength));
    }
  }

  private Object[] decode(String where, String datatype, int from, int size, long count) {
    ByteBuffer b = ByteBuffer.wrap(body, from, size).slice().order(ByteOrder.LITTLE_ENDIAN);
    Object[] out = new Object[(int) count];
    if (datatype.equals("BYTES")) {
      for (int i = 0; i < count; i++) {
        if (b.remaining() < 4) {
          throw new BadRequest(where + " element " + i + ": " + b.remaining() + " bytes left of binary_data_size " + size
              + ", where a BYTES element starts with a 4-byte length; the shape needs " + count + " elements");
        }
        long len = Integer.toUnsignedLong(b.getInt());
        if (len > b.remaining()) {
          throw new BadRequest(where + " element " + i + ": its length prefix says " + len + " bytes, only " + b.remaining()
              + " are left of binary_data_size " + size);
        }
        byte[] s = new byte[(int) len];
        b.get(s);
        out[i] = utf8(s, where + " element " + i);
      }
      if (b.hasRemaining()) {
        throw new BadRequest(where + ": " + b.remaining() + " bytes of binary_data_size " + size + " are left after the " + count
            + " BYTES elements the shape holds");
      }
      return out;
    }
    int width = WIDTH.get(datatype);
    if ((long) width * count != size) {
      throw new BadRequest(where + ": binary_data_size " + size + " is not the " + width * count + " bytes that " + count + " elements of "
          + datatype + " (" + width + " bytes each) take");
    }
    for (int i = 0; i < count; i++) {
      String at = where + " element " + i;
      out[i] = switch (datatype) {
        case "BOOL" -> {
          byte v = b.get();
          if (v != 0 && v != 1) {
            throw new BadRequest(at + ": byte " + v + " is not 0 or 1, as datatype BOOL needs");
          }
          yield (double) v;
        }
        case "UINT8" -> (double) Byte.toUnsignedInt(b.get());
        case "INT8" -> (double) b.get();
        case "UINT16" -> (double) Short.toUnsignedInt(b.getShort());
        case "INT16" -> (double) b.getShort();
        case "UINT32" -> (double) Integer.toUnsignedLong(b.getInt());
        case "INT32" -> (double) b.getInt();
        case "UINT64" -> Tensor.whole(b.getLong(), true, datatype, at);
        case "INT64" -> Tensor.whole(b.getLong(), false, datatype, at);
        case "FP16" -> Tensor.real(halfToFloat(b.getShort()), datatype, at);
        case "FP32" -> Tensor.real(b.getFloat(), datatype, at);
        default -> Tensor.real(b.getDouble(), datatype, at);
      };
    }
    return out;
  }

  private static String utf8(byte[] s, String at) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(s)).toString();
    } catch (CharacterCodingException e) {
      throw new BadRequest(at + ": the bytes are not UTF-8 text, as a feature's value must be");
    }
  }

  /** IEEE 754 half precision to float. */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
  }

  /** An output tensor's data as the extension's raw bytes: BYTES length-prefixed UTF-8, FP64 8 bytes each. */
  static byte[] encode(String datatype, List<?> data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    for (Object o : data) {
      b.clear();
      if (datatype.equals("BYTES")) {
        byte[] s = String.valueOf(o).getBytes(StandardCharsets.UTF_8);
        b.putInt(s.length);
        out.write(b.array(), 0, 4);
        out.write(s, 0, s.length);
      } else if (datatype.equals("FP64")) {
        b.putDouble(((Number) o).doubleValue());
        out.write(b.array(), 0, 8);
      } else {
        throw new IllegalStateException("no binary encoding of output datatype " + datatype);
      }
    }
    return out.toByteArray();
  }
}
