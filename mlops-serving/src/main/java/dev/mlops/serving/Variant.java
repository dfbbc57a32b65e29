package dev.mlops.serving;

import dev.mlops.api.registry.ModelVersion;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;

/**
 * One model an endpoint routes to (the champion, a canary, an A/B arm) or mirrors to (a shadow):
 * the registry URI it follows, its traffic weight, the version it serves in one atomic reference,
 * the last versions it served (kept loaded for an instant rollback), and its figures.
 */
final class Variant<T extends Output<T>> {
  /** What the variant is for. */
  enum Role {
    PRIMARY, CANARY, ARM, SHADOW
  }

  /**
   * A loaded version ready to answer: the registered version, its model, its input schema and its
   * meter. A model that holds resources ({@link ServedModel#close()}) is closed exactly once, when
   * it has been {@link #retire retired} (it left the variant's serving and kept versions, or the
   * endpoint closed) and no request still uses it: requests {@link #acquire} it before they predict
   * and {@link #release} it after. Tribuo models hold nothing to close, so their requests skip the
   * count.
   */
  static final class Active<T extends Output<T>> {
    final ModelVersion registered;
    final ServedModel<T> model;
    final InputSchema schema;
    final ServingMetrics.VersionMeter meter;
    private final boolean counted;
    private final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean retired;

    Active(ModelVersion registered, ServedModel<T> model, InputSchema schema, ServingMetrics.VersionMeter meter) {
      this.registered = registered;
      this.model = model;
      this.schema = schema;
      this.meter = meter;
      this.counted = !(model instanceof TribuoModel);
    }

    int version() {
      return registered.version();
    }

    /** The registered model's name. */
    String modelName() {
      return registered.name();
    }

    /** Takes this version for one request; false when it was retired meanwhile (the caller reads the variant's version again). */
    boolean acquire() {
      if (!counted) {
        return true;
      }
      users.incrementAndGet();
      if (retired) {
        release();
        return false;
      }
      return true;
    }

    /** Gives back what {@link #acquire} took; the last user of a retired version closes it. */
    void release() {
      if (counted && users.decrementAndGet() == 0 && retired) {
        closeOnce();
      }
    }

    /** This version serves no more: closed now if no request uses it, else by the last one. */
    void retire() {
      retired = true;
      if (users.get() == 0) {
        closeOnce();
      }
    }

    private void closeOnce() {
      if (closed.compareAndSet(false, true)) {
        try {
          model.close();
        } catch (RuntimeException e) {
          LOG.warn("closing {} failed", registered.uri(), e);
        }
      }
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Endpoint.class);

  final String name;
  final String uri;
  final Role role;
  volatile double weight;
  private final AtomicReference<@Nullable Active<T>> active = new AtomicReference<>();
  /** Guarded by this: the versions served before, newest first, kept loaded for an instant move back. */
  private final Deque<Active<T>> retained = new ArrayDeque<>();
  private final int retain;
  /** Guarded by this: set when the endpoint closes. */
  private boolean closed;
  private final boolean countOutputs;
  /** The live window: the only stats the request path touches. */
  volatile WindowStats window;
  /** Everything since the variant was built: each window's updates land here too, however late. */
  private final WindowStats lifetime = WindowStats.lifetime();
  volatile @Nullable String loadProblem;
  /** The version being loaded and warmed up to replace the serving one, or null. */
  volatile @Nullable Integer pendingVersion;
  /** Held for the whole of a load (never by the request path): loads of one variant run one at a time. */
  final Object loading = new Object();
  /** Whether a reload is queued on the control executor and has not started: further registry changes need no other. */
  final java.util.concurrent.atomic.AtomicBoolean reloadQueued = new java.util.concurrent.atomic.AtomicBoolean();
  /** Wakes {@link #awaitVersion} callers: guards {@link #loadsEnded} and {@link #lastFailed}. */
  private final Object loadSignal = new Object();
  private long loadsEnded;
  /** The version whose load failed last, when (in loads ended) and why; -1 before any failure. */
  private int lastFailed = -1;
  private long lastFailedAt;
  private String lastFailure = "";
  /** Bandit statistics: Beta posterior of the arm's reward, starting at Beta(1, 1). */
  final java.util.concurrent.atomic.DoubleAdder successes = new java.util.concurrent.atomic.DoubleAdder();
  final java.util.concurrent.atomic.DoubleAdder failures = new java.util.concurrent.atomic.DoubleAdder();

  Variant(String name, String uri, Role role, double weight, int retain, boolean countOutputs) {
    this.countOutputs = countOutputs;
    this.window = new WindowStats(countOutputs, lifetime);
    this.name = name;
    this.uri = uri;
    this.role = role;
    this.weight = weight;
    this.retain = retain;
  }

  @Nullable Active<T> active() {
    return active.get();
  }

  /**
   * Makes {@code next} the serving version in one step; the previous one is kept loaded (up to the
   * retained count) and every version that leaves the kept ones is retired. Returns the previous,
   * or {@code next} itself, retired, when the variant is closed.
   */
  @Nullable Active<T> flip(Active<T> next) {
    Active<T> prev;
    synchronized (this) {
      if (closed) {
        next.retire();
        return next;
      }
      prev = flipLocked(next);
    }
    loadEnded(-1, "");
    return prev;
  }

  /**
   * Flips to the kept version that {@code which} accepts, if one is still kept: found and flipped
   * under the variant's lock, so a concurrent flip cannot retire it in between. Returns it, or null.
   */
  @Nullable Active<T> flipToKept(java.util.function.Predicate<Active<T>> which) {
    Active<T> kept = null;
    synchronized (this) {
      if (!closed) {
        for (Active<T> a : retained) {
          if (which.test(a)) {
            kept = a;
            break;
          }
        }
        if (kept != null) {
          flipLocked(kept);
        }
      }
    }
    if (kept != null) {
      loadEnded(-1, "");
    }
    return kept;
  }

  private @Nullable Active<T> flipLocked(Active<T> next) {
    Active<T> prev = active.getAndSet(next);
    if (prev != null && prev != next) {
      if (prev.version() != next.version()) {
        retained.removeIf(a -> (a.version() == prev.version() || a.version() == next.version()) && leaves(a, next));
        retained.addFirst(prev);
        while (retained.size() > retain) {
          leaves(retained.removeLast(), next);
        }
      } else {
        leaves(prev, next);
      }
    }
    loadProblem = null;
    pendingVersion = null;
    return prev;
  }

  /** Retires {@code a}, which leaves the kept versions, unless it is the one now serving; returns true. */
  private static <T extends Output<T>> boolean leaves(Active<T> a, Active<T> serving) {
    if (a != serving) {
      a.retire();
    }
    return true;
  }

  /** The endpoint closed: the serving and kept versions are retired, and a version loaded later is retired at its flip. */
  synchronized void close() {
    closed = true;
    Active<T> a = active.get();
    if (a != null) {
      a.retire();
    }
    retained.forEach(Active::retire);
    retained.clear();
  }

  /** A load ended: {@code failedVersion} is the version it could not serve (and {@code why}), or -1. Wakes the waiters. */
  void loadEnded(int failedVersion, String why) {
    synchronized (loadSignal) {
      loadsEnded++;
      if (failedVersion > 0) {
        lastFailed = failedVersion;
        lastFailedAt = loadsEnded;
        lastFailure = why;
      }
      loadSignal.notifyAll();
    }
  }

  /**
   * Waits until this variant serves {@code version}: true once it does, false when {@code nanos}
   * pass first.
   *
   * @throws LoadFailedException when a load of that version fails after this call, or failed before it
   *     and no load of this variant has ended, started or been queued since
   */
  boolean awaitVersion(String endpoint, int version, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    synchronized (loadSignal) {
      long from = loadsEnded;
      while (true) {
        Active<T> a = active.get();
        if (a != null && a.version() == version) {
          return true;
        }
        // a failure counts when it ends after this call, or when it is the last load that ended and no other load of
        // this variant is under way or queued (it failed between the caller's alias move and this call)
        boolean settled = lastFailedAt == loadsEnded && pendingVersion == null && !reloadQueued.get();
        if (lastFailed == version && (lastFailedAt > from || settled)) {
          throw new LoadFailedException("endpoint '" + endpoint + "': " + name + " cannot serve v" + version + " (" + lastFailure + "); "
              + (a == null ? "nothing serves it" : "v" + a.version() + " keeps serving"));
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(loadSignal, left);
      }
    }
  }

  synchronized List<Integer> retainedVersions() {
    return retained.stream().map(Active::version).toList();
  }

  /** Starts a new evaluation window if {@code ended} is still the live one (a swap may have started one meanwhile). */
  synchronized void rollWindow(WindowStats ended) {
    if (window == ended) {
      rollWindow();
    }
  }

  /** Starts a new evaluation window and returns the one that ended. */
  synchronized WindowStats rollWindow() {
    WindowStats ended = window;
    window = new WindowStats(countOutputs, lifetime);
    return ended;
  }

  /** Everything since the variant was built. */
  WindowStats.Totals totals() {
    return lifetime.snapshot();
  }
}
