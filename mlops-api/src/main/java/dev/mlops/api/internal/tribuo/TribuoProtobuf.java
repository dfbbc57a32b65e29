package dev.mlops.api.internal.tribuo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.tribuo.Model;

/**
 * Tribuo's protobuf model format (Tribuo 4.3+), written and read in one place. Used only by modules
 * that depend on Tribuo themselves (tribuo-core is an optional dependency of mlops-api).
 */
public final class TribuoProtobuf {
  private TribuoProtobuf() {}

  /** A model's bytes in Tribuo's protobuf format. */
  public static byte[] write(Model<?> model) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      model.serializeToStream(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize " + model.getClass().getName() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a model from Tribuo protobuf bytes; never Java deserialization.
   *
   * @throws IOException if the bytes are not a Tribuo protobuf model
   */
  public static Model<?> read(byte[] bytes) throws IOException {
    try {
      return Model.deserializeFromStream(new ByteArrayInputStream(bytes));
    } catch (RuntimeException e) {
      throw new IOException("not a readable Tribuo protobuf model: " + e.getMessage(), e);
    }
  }
}
