package dev.mlops.serving;

import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.ModelRegistry;
import org.tribuo.Output;

/**
 * The version a {@link ModelAdapter} opens: its registry record (flavor, signature, input example),
 * its bytes, and the output type of the endpoint that loads it.
 */
public final class ModelSource {
  private final ModelRegistry registry;
  private final ModelVersion version;
  private final Class<? extends Output<?>> outputType;

  ModelSource(ModelRegistry registry, ModelVersion version, Class<? extends Output<?>> outputType) {
    this.registry = registry;
    this.version = version;
    this.outputType = outputType;
  }

  /** The registered version: name, number, flavor, digest, signature. */
  public ModelVersion version() {
    return version;
  }

  /** The version's bytes, read from the store and verified against the registered SHA-256 at each call. */
  public byte[] bytes() {
    return registry.bytes(version.name(), version.version());
  }

  /** The object the registry's flavor loads from the bytes, for a flavor added with {@code ModelRegistry.Builder.flavor}. */
  public Object loadObject() {
    return registry.loadObject(version.uri()).model();
  }

  /** The output type of the endpoint that loads the version: the adapter's model must produce it. */
  public Class<? extends Output<?>> outputType() {
    return outputType;
  }

  @Override
  public String toString() {
    return "ModelSource[" + version.uri() + ", " + version.flavor() + "]";
  }
}
