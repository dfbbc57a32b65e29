package dev.mlops.testkit;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a valid ONNX model of any size to a file, streaming its weights, so tests and benchmarks
 * can make a large model at run time instead of keeping one: a multilayer perceptron
 * {@code input float[batch,4] -> MatMul W1[4,H] -> Relu -> MatMul W2[H,1] -> output float[batch,1]}
 * with every weight of W1 equal to 0.25 and of W2 to 1/H, so that
 * {@code output = max(0, sum(input) / 4)} (up to float rounding). Its weights take {@code 20 * H}
 * bytes; writing costs a few kilobytes of memory whatever H is. The protobuf is written by hand
 * (onnx.proto field numbers), as ir_version 8, opset 17, producer {@code mlops-testkit}.
 */
public final class LargeOnnxModel {
  private static final int CHUNK = 1 << 16;

  private LargeOnnxModel() {}

  /** The hidden units a model of about {@code bytes} bytes has. */
  public static int hiddenUnitsFor(long bytes) {
    long h = Math.max(1, bytes / 20);
    if (h > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("a model of " + bytes + " bytes is larger than this writer makes");
    }
    return (int) h;
  }

  /**
   * Writes the model with {@code hidden} hidden units to {@code file}.
   *
   * @return the file's size in bytes
   */
  public static long write(Path file, int hidden) {
    if (hidden < 1 || hidden > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("hidden units must be between 1 and " + Integer.MAX_VALUE / 4 + ": " + hidden);
    }
    Tensor w1 = new Tensor("W1", new long[] {4, hidden}, 0.25f);
    Tensor w2 = new Tensor("W2", new long[] {hidden, 1}, 1.0f / hidden);
    byte[] nodes = concat(
        field(1, node("MatMul", new String[] {"input", "W1"}, "hidden")),
        field(1, node("Relu", new String[] {"hidden"}, "active")),
        field(1, node("MatMul", new String[] {"active", "W2"}, "output")),
        field(2, "large_mlp".getBytes(StandardCharsets.UTF_8)));
    byte[] io = concat(field(11, valueInfo("input", "batch", 4)), field(12, valueInfo("output", "batch", 1)));
    long graphLength = nodes.length + w1.fieldLength() + w2.fieldLength() + io.length;
    byte[] head = concat(varintField(1, 8), field(2, "mlops-testkit".getBytes(StandardCharsets.UTF_8)),
        field(3, "1".getBytes(StandardCharsets.UTF_8)));
    byte[] opset = field(8, concat(field(1, new byte[0]), varintField(2, 17)));
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), CHUNK)) {
      out.write(head);
      out.write(key(7, 2));
      out.write(varint(graphLength));
      out.write(nodes);
      w1.writeField(out);
      w2.writeField(out);
      out.write(io);
      out.write(opset);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An initializer whose every element is one float, written as raw_data without holding it. */
  private record Tensor(String name, long[] dims, float value) {
    long elements() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }

    byte[] prefix() {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (long d : dims) {
        b.writeBytes(varintField(1, d));
      }
      b.writeBytes(varintField(2, 1));
      b.writeBytes(field(8, name.getBytes(StandardCharsets.UTF_8)));
      return b.toByteArray();
    }

    long messageLength() {
      long data = elements() * 4;
      return prefix().length + key(9, 2).length + varint(data).length + data;
    }

    long fieldLength() {
      return key(5, 2).length + varint(messageLength()).length + messageLength();
    }

    void writeField(OutputStream out) throws IOException {
      out.write(key(5, 2));
      out.write(varint(messageLength()));
      out.write(prefix());
      long data = elements() * 4;
      out.write(key(9, 2));
      out.write(varint(data));
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      while (chunk.hasRemaining()) {
        chunk.putFloat(value);
      }
      for (long left = data; left > 0; left -= CHUNK) {
        out.write(chunk.array(), 0, (int) Math.min(CHUNK, left));
      }
    }
  }

  private static byte[] node(String op, String[] inputs, String output) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String in : inputs) {
      b.writeBytes(field(1, in.getBytes(StandardCharsets.UTF_8)));
    }
    b.writeBytes(field(2, output.getBytes(StandardCharsets.UTF_8)));
    b.writeBytes(field(4, op.getBytes(StandardCharsets.UTF_8)));
    return b.toByteArray();
  }

  /** ValueInfoProto {name, type {tensor_type {elem_type float, shape [batch, width]}}}. */
  private static byte[] valueInfo(String name, String batch, long width) {
    byte[] shape = concat(field(1, field(2, batch.getBytes(StandardCharsets.UTF_8))), field(1, varintField(1, width)));
    byte[] tensorType = concat(varintField(1, 1), field(2, shape));
    return concat(field(1, name.getBytes(StandardCharsets.UTF_8)), field(2, field(1, tensorType)));
  }

  private static byte[] field(int number, byte[] value) {
    return concat(key(number, 2), varint(value.length), value);
  }

  private static byte[] varintField(int number, long value) {
    return concat(key(number, 0), varint(value));
  }

  private static byte[] key(int number, int wireType) {
    return varint((long) number << 3 | wireType);
  }

  private static byte[] varint(long value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    long v = value;
    while ((v & ~0x7FL) != 0) {
      b.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b.write((int) v);
    return b.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
