package dev.mlops.registry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a model's bytes whose size is known (a file's, an artifact's, a registered version's) into
 * one array of that size. Reading a stream of unknown length grows buffers and copies them into the
 * result at the end, which holds the model twice in the heap; a model of hundreds of megabytes
 * then needs twice its size free.
 */
final class ModelBytes {
  private ModelBytes() {}

  /**
   * The stream's bytes, expected to be {@code expected} long; a stream that turns out shorter or
   * longer is still read whole, up to {@code limit + 1} bytes, so the caller's size and digest
   * checks see what it really holds.
   */
  static byte[] read(InputStream in, long expected, long limit) throws IOException {
    int size = (int) Math.max(0, Math.min(expected, Math.min(limit, ModelFlavor.MAX_BYTES)));
    byte[] bytes = new byte[size];
    int n = in.readNBytes(bytes, 0, size);
    if (n < size) {
      return Arrays.copyOf(bytes, n);
    }
    byte[] rest = in.readNBytes((int) Math.max(0, Math.min(limit + 1 - size, ModelFlavor.MAX_BYTES - size)));
    if (rest.length == 0) {
      return bytes;
    }
    byte[] all = Arrays.copyOf(bytes, size + rest.length);
    System.arraycopy(rest, 0, all, size, rest.length);
    return all;
  }
}
