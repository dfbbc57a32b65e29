package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.LoadedModel;
import dev.mlops.registry.ModelRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Output;

/**
 * Opens the versions endpoints load, by flavor: with the {@link ModelAdapter} the server was given
 * for the version's flavor, else as a Tribuo model through the registry (digest verified, shared
 * with the registry's cache of loaded models).
 */
final class Adapters {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);

  private final ModelRegistry registry;
  private final Map<String, ModelAdapter> byFlavor;

  /** A version opened for serving: the version it is, and its model. */
  record Opened<T extends Output<T>>(ModelVersion version, ServedModel<T> model) {}

  Adapters(ModelRegistry registry, Map<String, ModelAdapter> byFlavor) {
    this.registry = registry;
    this.byFlavor = Map.copyOf(byFlavor);
  }

  /**
   * Opens the version of {@code uri} that was resolved as {@code resolved} (a Tribuo load resolves
   * the URI again and may find a newer version: the version opened says which).
   *
   * @throws RuntimeException when the version cannot be opened (the load fails with it)
   */
  <T extends Output<T>> Opened<T> open(String uri, ModelVersion resolved, Class<T> outputType) {
    ModelAdapter adapter = byFlavor.get(resolved.flavor());
    if (adapter == null) {
      try {
        LoadedModel<T> loaded = registry.load(uri, outputType);
        return new Opened<>(loaded.version(), new TribuoModel<>(loaded, outputType));
      } catch (InvalidArgumentException e) {
        if (resolved.flavor().equals(ModelVersion.TRIBUO_PROTOBUF)) {
          throw e;
        }
        throw InvalidArgumentException.of("model", uri, "version " + resolved.version() + " has flavor " + resolved.flavor()
            + ", which no model adapter of this server opens (add one with ModelServer.builder().modelAdapter(\"" + resolved.flavor()
            + "\", ...)); as a Tribuo model: " + e.getMessage());
      }
    }
    ServedModel<?> model;
    try {
      model = adapter.open(new ModelSource(registry, resolved, outputType));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the model adapter of flavor " + resolved.flavor() + " could not open " + resolved.uri() + ": " + e, e);
    }
    if (model == null) {
      throw new IllegalStateException("the model adapter of flavor " + resolved.flavor() + " opened nothing for " + resolved.uri());
    }
    if (model.outputType() != outputType) {
      close(model, resolved);
      throw InvalidArgumentException.of("output type", outputType.getSimpleName(), "model " + resolved.uri() + " produces "
          + (model.outputType() == null ? "null" : model.outputType().getSimpleName()));
    }
    @SuppressWarnings("unchecked")
    ServedModel<T> typed = (ServedModel<T>) model;
    return new Opened<>(resolved, typed);
  }

  /** Closes a model that will never serve. */
  static void close(ServedModel<?> model, ModelVersion version) {
    try {
      model.close();
    } catch (RuntimeException e) {
      LOG.warn("closing {} failed", version.uri(), e);
    }
  }
}
