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
    return writeMlp(file, 4, new int[] {hidden}, 1);
  }

  /**
   * Writes a multilayer perceptron {@code input float[batch,inputs] -> (MatMul, Relu) per hidden
   * layer -> MatMul -> output float[batch,outputs]} whose every weight is {@code 1 / fan-in}, so
   * each unit of a layer holds the mean of the layer before it (after Relu) and every output
   * equals {@code max(0, mean(input))} up to float rounding. Its weights are dense: the runtime
   * does the full matrix products, as for a trained model of that shape.
   *
   * @return the file's size in bytes
   */
  public static long writeMlp(Path file, int inputs, int[] hidden, int outputs) {
    if (inputs < 1 || outputs < 1 || hidden.length == 0) {
      throw new IllegalArgumentException("an MLP needs at least one input, one output and one hidden layer: inputs " + inputs
          + ", hidden " + java.util.Arrays.toString(hidden) + ", outputs " + outputs);
    }
    int layers = hidden.length + 1;
    Tensor[] weights = new Tensor[layers];
    ByteArrayOutputStream nodes = new ByteArrayOutputStream();
    String previous = "input";
    long fanIn = inputs;
    for (int i = 0; i < layers; i++) {
      long width = i < hidden.length ? hidden[i] : outputs;
      if (width < 1) {
        throw new IllegalArgumentException("hidden layer " + (i + 1) + " has " + width + " units; it needs at least 1");
      }
      String w = "W" + (i + 1);
      weights[i] = new Tensor(w, new long[] {fanIn, width}, 1.0f / fanIn);
      boolean last = i == layers - 1;
      String product = last ? "output" : hidden.length == 1 ? "hidden" : "hidden" + (i + 1);
      nodes.writeBytes(field(1, node("MatMul", new String[] {previous, w}, product)));
      if (!last) {
        String active = hidden.length == 1 ? "active" : "active" + (i + 1);
        nodes.writeBytes(field(1, node("Relu", new String[] {product}, active)));
        previous = active;
      }
      fanIn = width;
    }
    nodes.writeBytes(field(2, "mlp".getBytes(StandardCharsets.UTF_8)));
    byte[] io = concat(field(11, valueInfo("input", "batch", inputs)), field(12, valueInfo("output", "batch", outputs)));
    long graphLength = nodes.size() + io.length;
    for (Tensor t : weights) {
      graphLength += t.fieldLength();
    }
    byte[] head = concat(varintField(1, 8), field(2, "mlops-testkit".getBytes(StandardCharsets.UTF_8)),
        field(3, "1".getBytes(StandardCharsets.UTF_8)));
    byte[] opset = field(8, concat(field(1, new byte[0]), varintField(2, 17)));
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), CHUNK)) {
      out.write(head);
      out.write(key(7, 2));
      out.write(varint(graphLength));
      nodes.writeTo(out);
      for (Tensor t : weights) {
        t.writeField(out);
      }
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
