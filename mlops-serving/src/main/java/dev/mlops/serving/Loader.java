package dev.mlops.serving;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.impl.ArrayExample;

/**
 * Loads the versions an endpoint's variants follow, the way TF Serving and Triton swap without
 * dropping requests: load the new version completely (the registry verifies its digest; a model
 * that is not a Tribuo model is opened by its flavor's {@link ModelAdapter}), warm it up on the
 * version's input example and on recent requests, and only then flip the variant's reference.
 * Requests in flight finish on the version they started with. A load that fails keeps the version
 * that serves and records why (the endpoint reports DEGRADED); the only loaded version is never
 * given up. A version opened that never serves is closed at once.
 */
final class Loader<T extends Output<T>> {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECENT = 64;

  private final Scope<T> scope;
  private final ModelRegistry registry;
  private final Adapters adapters;
  private final int warmupRequests;
  /** 0: no limit. */
  private final long warmupTimeoutNanos;
  /** Told of every flip, after it (the canary judge starts new windows). */
  private final BiConsumer<Variant<T>, Variant.Active<T>> flipped;
  private final BooleanSupplier closed;
  private final AtomicReferenceArray<Example<T>> recent = new AtomicReferenceArray<>(RECENT);
  /**
   * The threads bounded warm-ups run on: reused from one warm-up to the next (a thread per warm-up
   * would give each new thread its own native allocation arena, and a model runtime's thread-local
   * buffers with it), a new one only while another is still busy, as with an abandoned warm-up;
   * idle ones end after a while.
   */
  private final java.util.concurrent.ThreadPoolExecutor warmups;

  Loader(Scope<T> scope, ModelRegistry registry, Adapters adapters, int warmupRequests, long warmupTimeoutNanos, BiConsumer<Variant<T>, Variant.Active<T>> flipped,
      BooleanSupplier closed) {
    this.scope = scope;
    this.registry = registry;
    this.adapters = adapters;
    this.warmupRequests = warmupRequests;
    this.warmupTimeoutNanos = warmupTimeoutNanos;
    this.flipped = flipped;
    this.closed = closed;
    this.warmups = new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new java.util.concurrent.SynchronousQueue<>(), dev.mlops.api.internal.DaemonThreads.numbered("mlops-warmup-" + scope.endpoint()));
  }

  /** Lets idle warm-up threads end now; a warm-up still running (an abandoned one) finishes and closes its version. */
  void close() {
    warmups.shutdown();
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
  void changed(Variant<T> v, Executor control) {
    if (v.reloadQueued.compareAndSet(false, true)) {
      try {
        control.execute(() -> {
          v.reloadQueued.set(false);
          if (!closed.getAsBoolean()) {
            load(v);
          }
        });
      } catch (RejectedExecutionException e) {
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
      Adapters.Opened<T> opened = null;
      InputSchema schema;
      try {
        ModelVersion resolved = registry.resolve(v.uri);
        target = resolved.version();
        Variant.Active<T> current = v.active();
        if (current != null && same(current, resolved)) {
          v.pendingVersion = null;
          return;
        }
        Variant.Active<T> kept = v.flipToKept(a -> same(a, resolved));
        if (kept != null) {
          announce(v, kept, current, start, "kept loaded");
          return;
        }
        v.pendingVersion = target;
        opened = adapters.open(v.uri, resolved, scope.outputType());
        target = opened.version().version();
        v.pendingVersion = target;
        schema = InputSchema.of(opened.model().featureNames(), opened.model().maxMagnitude());
        warmUp(opened.model(), opened.version(), schema);
        if (v.active() != null && registry.resolve(v.uri).version() != target) {
          // the URI moved on while this version loaded: the reload queued by that move serves the
          // newer one, and the version that serves now keeps serving until then (a first load
          // flips anyway: an older version serves better than none)
          LOG.debug("endpoint {}: {} v{} loaded but {} moved on; not flipped", scope.endpoint(), v.name, target, v.uri);
          Adapters.close(opened.model(), opened.version());
          v.pendingVersion = null;
          v.loadEnded(-1, "");
          return;
        }
      } catch (RuntimeException e) {
        if (opened != null && !(e instanceof AbandonedWarmUp)) {
          // an abandoned warm-up's thread closes the version once its hanging prediction returns
          Adapters.close(opened.model(), opened.version());
        }
        v.loadProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
        v.pendingVersion = null;
        v.loadEnded(target, v.loadProblem);
        Variant.Active<T> serving = v.active();
        LOG.warn("endpoint {}: loading {} for {} failed; {}: {}", scope.endpoint(), v.uri, v.name,
            serving == null ? "nothing serves it" : "v" + serving.version() + " keeps serving", e.toString());
        return;
      }
      ModelVersion version = opened.version();
      flip(v, new Variant.Active<>(version, opened.model(), schema, scope.metrics().version(scope.endpoint(), v.name, version.name(), target)),
          start, "loaded and warmed up");
    }
  }

  private static boolean same(Variant.Active<?> a, ModelVersion version) {
    return a.version() == version.version() && a.registered.sha256().equals(version.sha256());
  }

  private void flip(Variant<T> v, Variant.Active<T> next, long start, String how) {
    Variant.Active<T> prev = v.flip(next);
    if (prev == next) {
      return; // the endpoint closed meanwhile: the version was retired, never served
    }
    announce(v, next, prev, start, how);
  }

  private void announce(Variant<T> v, Variant.Active<T> next, Variant.@Nullable Active<T> prev, long start, String how) {
    flipped.accept(v, next);
    LOG.info("endpoint {}: {} now serves {} v{} (was {}; {} in {} ms)", scope.endpoint(), v.name, next.modelName(), next.version(),
        prev == null ? "nothing" : "v" + prev.version(), how, (System.nanoTime() - start) / 1_000_000);
  }

  /** Runs the new version on the version's input example and recent requests before it serves; a failure is a failed load. */
  private void warmUp(ServedModel<T> model, ModelVersion version, InputSchema schema) {
    if (warmupRequests <= 0) {
      return;
    }
    List<Example<T>> inputs = new ArrayList<>();
    String example = version.signature().inputExample();
    if (example != null && !example.isBlank()) {
      try {
        Map<String, Object> m = JSON.readValue(example, new TypeReference<Map<String, Object>>() {});
        inputs.add(schema.fromMap(m, scope.unknown(), new InputSchema.Problems()));
      } catch (java.io.IOException | RuntimeException e) {
        LOG.debug("input example of {} is not a feature map: {}", version.uri(), e.getMessage());
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
      inputs.add(new ArrayExample<>(scope.unknown(), schema.names(), new double[schema.size()]));
    }
    if (warmupTimeoutNanos <= 0) {
      predict(model, version, inputs);
      return;
    }
    boundedWarmUp(model, version, inputs);
  }

  /**
   * Runs the warm-up on a warm-up thread (never the control thread) and waits for it at most the timeout: a prediction that
   * hangs is abandoned (its thread interrupted) rather than waited for, the version is refused, and
   * the abandoned thread closes the version when that prediction returns, so the control thread never
   * blocks on a model that may be holding its own lock.
   */
  private void boundedWarmUp(ServedModel<T> model, ModelVersion version, List<Example<T>> inputs) {
    // whoever comes second of the warm-up's end and the timeout owns the outcome: the timeout, to close the model
    AtomicBoolean settled = new AtomicBoolean();
    FutureTask<Void> task = new FutureTask<>(() -> {
      try {
        predict(model, version, inputs);
      } finally {
        if (!settled.compareAndSet(false, true)) {
          Adapters.close(model, version);
        }
      }
      return null;
    });
    try {
      warmups.execute(task);
    } catch (RejectedExecutionException e) {
      throw new LoadFailedException("endpoint " + scope.endpoint() + " closed while loading " + version.uri());
    }
    try {
      task.get(warmupTimeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (settled.compareAndSet(false, true)) {
        task.cancel(true);
        throw new AbandonedWarmUp("warm-up of " + version.uri() + " did not finish within its timeout of " + warmupTimeoutNanos / 1_000_000
            + " ms (a prediction still running was abandoned); the version does not serve");
      }
      join(task);   // it ended as the wait timed out
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.cancel(true);
      throw new LoadFailedException("interrupted while warming up " + version.uri());
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private static void join(FutureTask<Void> task) {
    try {
      task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoadFailedException("interrupted while warming up");
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private static RuntimeException unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new LoadFailedException("warm-up failed: " + cause);
  }

  /** The warm-up predictions, checked against the timeout on the endpoint's clock after each. */
  private void predict(ServedModel<T> model, ModelVersion version, List<Example<T>> inputs) {
    long start = scope.ticker().getAsLong();
    for (int i = 0; i < warmupRequests; i++) {
      model.predict(inputs.get(i % inputs.size()));
      long took = scope.ticker().getAsLong() - start;
      if (warmupTimeoutNanos > 0 && took > warmupTimeoutNanos) {
        throw new LoadFailedException("warm-up of " + version.uri() + " took " + took / 1_000_000 + " ms for " + (i + 1) + " of "
            + warmupRequests + " predictions, past its timeout of " + warmupTimeoutNanos / 1_000_000 + " ms; the version does not serve");
      }
    }
  }

  /** A warm-up abandoned at its timeout: its own thread closes the version. */
  private static final class AbandonedWarmUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AbandonedWarmUp(String message) {
      super(message, null, false, false);
    }
  }
}
