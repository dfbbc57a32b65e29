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
  synchronized @Nullable Active<T> flip(Active<T> next) {
    Active<T> prev = active.getAndSet(next);
    if (prev != null && prev.version() != next.version()) {
      retained.removeIf(a -> a.version() == prev.version() || a.version() == next.version());
      retained.addFirst(prev);
      while (retained.size() > retain) {
        retained.removeLast();
      }
    }
    loadProblem = null;
    return prev;
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
