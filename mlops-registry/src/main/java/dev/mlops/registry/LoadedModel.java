package dev.mlops.registry;

import dev.mlops.api.registry.ModelVersion;
import java.util.Objects;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * A loaded Tribuo model with the version it is: tag every prediction with {@link #version()} to
 * know which version made it.
 *
 * @param version the registered version (its digest was verified before the bytes were read)
 * @param model the model; Tribuo models are immutable and safe to use from many threads
 * @param <T> the output type
 */
public record LoadedModel<T extends Output<T>>(ModelVersion version, Model<T> model) {
  /** Both parts are required. */
  public LoadedModel {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(model, "model");
  }

  /** The version's URI, {@code models:/NAME/N}. */
  public String uri() {
    return version.uri();
  }

  @Override
  public String toString() {
    return "LoadedModel[" + version.uri() + ", " + model.getClass().getSimpleName() + ", sha256 " + version.sha256().substring(0,
        Math.min(12, version.sha256().length())) + "]";
  }
}
