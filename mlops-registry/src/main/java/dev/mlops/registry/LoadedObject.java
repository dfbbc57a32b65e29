package dev.mlops.registry;

import dev.mlops.api.registry.ModelVersion;
import java.util.Objects;

/**
 * A model of any loadable flavor with the version it is.
 *
 * @param version the registered version (digest verified before loading)
 * @param model what the version's {@link ModelFlavor} loaded
 */
public record LoadedObject(ModelVersion version, Object model) {
  /** Both parts are required. */
  public LoadedObject {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(model, "model");
  }
}
