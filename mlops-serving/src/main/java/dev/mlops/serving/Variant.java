package dev.mlops.serving;

import dev.mlops.registry.LoadedModel;
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

  /** A loaded version ready to answer. */
  record Active<T extends Output<T>>(LoadedModel<T> loaded, InputSchema schema, ServingMetrics.VersionMeter meter) {
    int version() {
      return loaded.version().version();
    }
  }

  final String name;
  final String uri;
  final Role role;
  volatile double weight;
  private final AtomicReference<@Nullable Active<T>> active = new AtomicReference<>();
  private final Deque<Active<T>> retained = new ArrayDeque<>();
  private final int retain;
  private final boolean countOutputs;
  /** The live window: the only stats the request path touches. */
  volatile WindowStats window;
  /** The window that ended last: late updates from requests that read it before the swap still land. */
  private volatile @Nullable WindowStats ending;
  private final WindowStats.Totals retired = new WindowStats.Totals();
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
    this.window = new WindowStats(countOutputs);
    this.name = name;
    this.uri = uri;
    this.role = role;
    this.weight = weight;
    this.retain = retain;
  }

  @Nullable Active<T> active() {
    return active.get();
  }

  /** Makes {@code next} the serving version in one step; the previous one is kept loaded. Returns the previous. */
  @Nullable Active<T> flip(Active<T> next) {
    Active<T> prev;
    synchronized (this) {
      prev = active.getAndSet(next);
      if (prev != null && prev.version() != next.version()) {
        retained.removeIf(a -> a.version() == prev.version() || a.version() == next.version());
        retained.addFirst(prev);
        while (retained.size() > retain) {
          retained.removeLast();
        }
      }
      loadProblem = null;
      pendingVersion = null;
    }
    loadEnded(-1, "");
    return prev;
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
   * @throws LoadFailedException when a load of that version that ends after this call fails
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
        if (lastFailed == version && lastFailedAt > from) {
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

  /** A version kept loaded, if it is. */
  synchronized @Nullable Active<T> retainedVersion(int version) {
    for (Active<T> a : retained) {
      if (a.version() == version) {
        return a;
      }
    }
    return null;
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
    window = new WindowStats(countOutputs);
    WindowStats older = ending;
    if (older != null) {
      retired.add(older);
    }
    ending = ended;
    return ended;
  }

  /** Everything since the variant was built. */
  synchronized WindowStats.Totals totals() {
    WindowStats.Totals t = retired.with(window);
    WindowStats e = ending;
    if (e != null) {
      t.add(e);
    }
    return t;
  }
}
