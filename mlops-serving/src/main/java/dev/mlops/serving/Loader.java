package dev.mlops.serving;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.registry.LoadedModel;
import dev.mlops.registry.ModelUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.impl.ArrayExample;

/**
 * Loads the versions an endpoint's variants follow, the way TF Serving and Triton swap without
 * dropping requests: load the new version completely (the registry verifies its digest), warm it
 * up on the version's input example and on recent requests, and only then flip the variant's
 * reference. Requests in flight finish on the version they started with. A load that fails keeps
 * the version that serves and records why (the endpoint reports DEGRADED); the only loaded version
 * is never given up.
 */
final class Loader<T extends Output<T>> {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECENT = 64;

  private final Endpoint<T> endpoint;
  private final ModelServer server;
  private final int warmupRequests;
  private final AtomicReferenceArray<Example<T>> recent = new AtomicReferenceArray<>(RECENT);

  Loader(Endpoint<T> endpoint, ModelServer server, int warmupRequests) {
    this.endpoint = endpoint;
    this.server = server;
    this.warmupRequests = warmupRequests;
  }

  /** Keeps about one request in sixteen for warming up later versions: a reference store into a ring, no copy, no shared counter. */
  void remember(Example<T> example) {
    int r = java.util.concurrent.ThreadLocalRandom.current().nextInt(16 * RECENT);
    if (r < RECENT) {
      recent.lazySet(r, example);
    }
  }

  /** Whether a registry change of {@code model} (and {@code alias}, if not null) concerns this variant's URI. */
  static boolean follows(Variant<?> v, String model, String alias) {
    ModelUri u = ModelUri.parse(v.uri);
    if (!u.name().equals(model)) {
      return false;
    }
    return alias == null ? u.alias() == null && u.version() < 0 : alias.equals(u.alias());
  }

  /** Loads the variant's URI now; a no-op when it already serves that version. Serialized per variant. */
  void load(Variant<T> v) {
    synchronized (v) {
      long start = System.nanoTime();
      LoadedModel<T> loaded;
      InputSchema schema;
      try {
        loaded = server.registry().load(v.uri, endpoint.outputType());
        Variant.Active<T> current = v.active();
        if (current != null && current.version() == loaded.version().version()
            && current.loaded().version().sha256().equals(loaded.version().sha256())) {
          return;
        }
        schema = InputSchema.of(loaded.model());
        warmUp(loaded, schema);
      } catch (RuntimeException e) {
        v.loadProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
        Variant.Active<T> serving = v.active();
        LOG.warn("endpoint {}: loading {} for {} failed; {}: {}", endpoint.name(), v.uri, v.name,
            serving == null ? "nothing serves it" : "v" + serving.version() + " keeps serving", e.toString());
        return;
      }
      Variant.Active<T> next = new Variant.Active<>(loaded, schema,
          endpoint.metrics.version(endpoint.name(), v.name, loaded.version().name(), loaded.version().version()));
      Variant.Active<T> prev = v.flip(next);
      endpoint.flipped(v, next);
      LOG.info("endpoint {}: {} now serves {} v{} (was {}; loaded and warmed up in {} ms)", endpoint.name(), v.name,
          loaded.version().name(), loaded.version().version(), prev == null ? "nothing" : "v" + prev.version(),
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Runs the new version on the version's input example and recent requests before it serves; a failure is a failed load. */
  private void warmUp(LoadedModel<T> loaded, InputSchema schema) {
    if (warmupRequests <= 0) {
      return;
    }
    List<Example<T>> inputs = new ArrayList<>();
    String example = loaded.version().signature().inputExample();
    if (example != null && !example.isBlank()) {
      try {
        Map<String, Object> m = JSON.readValue(example, new TypeReference<Map<String, Object>>() {});
        inputs.add(schema.fromMap(m, endpoint.unknown, new InputSchema.Problems()));
      } catch (java.io.IOException | RuntimeException e) {
        LOG.debug("input example of {} is not a feature map: {}", loaded.uri(), e.getMessage());
      }
    }
    for (int i = 0; i < RECENT; i++) {
      Example<T> e = recent.get(i);
      if (e != null) {
        inputs.add(e);
      }
    }
    if (inputs.isEmpty()) {
      inputs.add(new ArrayExample<>(endpoint.unknown, schema.names(), new double[schema.size()]));
    }
    for (int i = 0; i < warmupRequests; i++) {
      loaded.model().predict(inputs.get(i % inputs.size()));
    }
  }
}
