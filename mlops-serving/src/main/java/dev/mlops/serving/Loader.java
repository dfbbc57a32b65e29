package dev.mlops.serving;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.LoadedModel;
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

  /**
   * Queues a reload of the variant after a registry change that concerns it, on the control
   * executor: at most one reload per variant waits there (it resolves the URI when it starts, so
   * it covers every change that arrived before it started).
   */
  void changed(Variant<T> v, java.util.concurrent.Executor control) {
    if (v.reloadQueued.compareAndSet(false, true)) {
      try {
        control.execute(() -> {
          v.reloadQueued.set(false);
          if (!endpoint.isClosed()) {
            load(v);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        v.reloadQueued.set(false);
        LOG.debug("server closing: reload of {} skipped", v.uri);
      }
    }
  }

  /**
   * Loads the version the variant's URI resolves to now and flips to it; a no-op when it already
   * serves that version, a flip without loading when that version is still kept loaded (a move
   * back), else a complete load and warm-up first, after which it flips only if the URI still
   * resolves to that version or nothing serves yet (a move during the load is served by the
   * reload that move queued).
   * Loads of one variant run one at a time; the request path never waits for them.
   */
  void load(Variant<T> v) {
    synchronized (v.loading) {
      long start = System.nanoTime();
      int target = -1;
      LoadedModel<T> loaded;
      InputSchema schema;
      try {
        ModelVersion resolved = server.registry().resolve(v.uri);
        target = resolved.version();
        Variant.Active<T> current = v.active();
        if (current != null && same(current, resolved)) {
          v.pendingVersion = null;
          return;
        }
        Variant.Active<T> kept = v.retainedVersion(target);
        if (kept != null && same(kept, resolved)) {
          flip(v, kept, start, "kept loaded");
          return;
        }
        v.pendingVersion = target;
        loaded = server.registry().load(v.uri, endpoint.outputType());
        target = loaded.version().version();
        v.pendingVersion = target;
        schema = InputSchema.of(loaded.model());
        warmUp(loaded, schema);
        if (v.active() != null && server.registry().resolve(v.uri).version() != target) {
          // the URI moved on while this version loaded: the reload queued by that move serves the
          // newer one, and the version that serves now keeps serving until then (a first load
          // flips anyway: an older version serves better than none)
          LOG.debug("endpoint {}: {} v{} loaded but {} moved on; not flipped", endpoint.name(), v.name, target, v.uri);
          v.pendingVersion = null;
          v.loadEnded(-1, "");
          return;
        }
      } catch (RuntimeException e) {
        v.loadProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
        v.pendingVersion = null;
        v.loadEnded(target, v.loadProblem);
        Variant.Active<T> serving = v.active();
        LOG.warn("endpoint {}: loading {} for {} failed; {}: {}", endpoint.name(), v.uri, v.name,
            serving == null ? "nothing serves it" : "v" + serving.version() + " keeps serving", e.toString());
        return;
      }
      flip(v, new Variant.Active<>(loaded, schema, endpoint.metrics.version(endpoint.name(), v.name, loaded.version().name(), target)), start,
          "loaded and warmed up");
    }
  }

  private static boolean same(Variant.Active<?> a, ModelVersion version) {
    return a.version() == version.version() && a.loaded().version().sha256().equals(version.sha256());
  }

  private void flip(Variant<T> v, Variant.Active<T> next, long start, String how) {
    Variant.Active<T> prev = v.flip(next);
    endpoint.flipped(v, next);
    LOG.info("endpoint {}: {} now serves {} v{} (was {}; {} in {} ms)", endpoint.name(), v.name, next.loaded().version().name(),
        next.version(), prev == null ? "nothing" : "v" + prev.version(), how, (System.nanoTime() - start) / 1_000_000);
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
      // a request made for an earlier version may hold none of this version's features
      if (e != null && schema.knowsAny(e)) {
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
