package dev.mlops.registry;

import dev.mlops.api.registry.ModelSignature;
import java.util.Optional;

/**
 * How the registry understands the bytes of one model format. The registry stores and verifies
 * every flavor's bytes the same way (SHA-256 checked before every load); a flavor adds what only
 * the format knows: whether the bytes are a loadable model, its signature, and how to load it.
 * Built in: {@code tribuo-protobuf} (Tribuo models, never Java serialization), plus the opaque
 * {@code onnx} and {@code generic} flavors, which store bytes without inspecting them. Add others
 * with {@link ModelRegistry.Builder#flavor(ModelFlavor)}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ModelFlavor {
  /** The flavor's name, stored with each version, for example {@code tribuo-protobuf}. */
  String name();

  /**
   * Checks, at registration, that {@code bytes} are a model of this flavor and derives its
   * signature where the format carries one. Throwing {@link dev.mlops.api.InvalidArgumentException}
   * refuses the registration: it reaches the caller and nothing is stored. Throwing anything else
   * marks the version FAILED_REGISTRATION with the message; it is still registered, so the failure
   * is visible.
   *
   * @param model the object the bytes were written from, when the caller registered an object
   * @param inputExample the input example given with the registration, or ""
   */
  Optional<ModelSignature> inspect(byte[] bytes, Optional<Object> model, String inputExample) throws Exception;

  /** Whether {@link #load} can turn bytes of this flavor into an object. */
  default boolean loadable() {
    return true;
  }

  /** Loads verified bytes into a model object. */
  Object load(byte[] bytes) throws Exception;

  /** A flavor that stores bytes without inspecting or loading them. */
  static ModelFlavor opaque(String name) {
    return new ModelFlavor() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<ModelSignature> inspect(byte[] bytes, Optional<Object> model, String inputExample) {
        return Optional.empty();
      }

      @Override
      public boolean loadable() {
        return false;
      }

      @Override
      public Object load(byte[] bytes) {
        throw new UnsupportedOperationException("flavor " + name + " stores bytes only; read them with ModelRegistry.bytes");
      }
    };
  }
}
