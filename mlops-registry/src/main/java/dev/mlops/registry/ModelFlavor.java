package dev.mlops.registry;

import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import java.util.Map;
import java.util.Objects;
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
  /** The largest model any flavor can take, in bytes: the largest byte array a JVM allocates. */
  long MAX_BYTES = Integer.MAX_VALUE - 8;

  /** The flavor's name, stored with each version, for example {@code tribuo-protobuf}. */
  String name();

  /**
   * The largest model, in bytes, this flavor accepts (default and upper bound {@link #MAX_BYTES}).
   * The registry holds a model's bytes in memory while it registers and loads it, so registration
   * refuses a larger file or artifact with an {@link dev.mlops.api.InvalidArgumentException} naming
   * its size and this limit, before reading it, and stores nothing.
   */
  default long maxBytes() {
    return MAX_BYTES;
  }

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

  /**
   * What a registration gives its flavor to inspect.
   *
   * @param bytes the model's bytes
   * @param model the object the bytes were written from, when the caller registered an object
   * @param inputExample the input example given with the registration, or ""
   * @param signature the signature the registration gave ({@link Registration#signature}), if any: a
   *     format that needs facts its bytes do not hold (the feature names of an unnamed input tensor,
   *     class labels) reads them here
   */
  record Candidate(byte[] bytes, Optional<Object> model, String inputExample, Optional<ModelSignature> signature) {
    /** Every part is required. */
    public Candidate {
      Objects.requireNonNull(bytes, "bytes");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(inputExample, "inputExample");
      Objects.requireNonNull(signature, "signature");
    }
  }

  /**
   * What a flavor derived from a registration.
   *
   * @param signature the version's signature; empty registers it without one
   * @param tags version tags stating facts of the format (producer, format version, ...); tags the
   *     registration gives itself win over them
   */
  record Inspection(Optional<ModelSignature> signature, Map<String, String> tags) {
    /** The tags are copied. */
    public Inspection {
      Objects.requireNonNull(signature, "signature");
      tags = Map.copyOf(tags);
    }
  }

  /**
   * Inspects a registration with everything it gave; the rules of
   * {@link #inspect(byte[], Optional, String)} for throwing apply. The default calls that method and
   * keeps a signature the registration gave over the derived one.
   */
  default Inspection inspect(Candidate candidate) throws Exception {
    Optional<ModelSignature> derived = inspect(candidate.bytes(), candidate.model(), candidate.inputExample());
    return new Inspection(candidate.signature().isPresent() ? candidate.signature() : derived, Map.of());
  }

  /** Whether {@link #load} can turn bytes of this flavor into an object. */
  default boolean loadable() {
    return true;
  }

  /** Loads verified bytes into a model object. */
  Object load(byte[] bytes) throws Exception;

  /**
   * Loads the verified bytes of {@code version}, which carries what its registration stored (the
   * signature, the tags). The registry calls this method; the default calls {@link #load(byte[])}.
   * While {@link #cachesLoaded()} holds, loaded objects are cached by digest, so versions with the
   * same bytes share one object.
   */
  default Object load(byte[] bytes, ModelVersion version) throws Exception {
    return load(bytes);
  }

  /**
   * Whether one loaded object may be cached and handed to every caller that loads the same bytes:
   * true by default, as Tribuo models are immutable heap objects. A flavor whose objects hold
   * resources their user closes (a native session), or depend on more than the bytes, returns
   * false: every {@link ModelRegistry#loadObject} then reads, verifies and loads the bytes anew, and
   * its caller owns, and closes, the object it gets.
   */
  default boolean cachesLoaded() {
    return true;
  }

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
