package dev.mlops.serving;

import dev.mlops.api.internal.SerialDrain;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelUri;
import dev.mlops.api.registry.PromotionRequest;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Output;

/**
 * Judges an endpoint's canary by its {@link RolloutPolicy}. Counting happens on the request path
 * (adders in the variants' windows, and one compare-and-set for a place in the canary's window);
 * the request that completes a window judges it on its own thread, one judgement at a time (a
 * few adders and at most a small map, once per window), so a breach takes the weight to 0 at
 * once; the registry actions, promotions and announcements that follow run on the server's
 * control executor, never on a caller's thread.
 */
final class CanaryJudge<T extends Output<T>> {
  /** Its own logger: an application that prints the rollout events from {@link Endpoint#onRollout} can quiet these lines alone. */
  private static final Logger LOG = LoggerFactory.getLogger(CanaryJudge.class);
  /** Requests each variant answers in a window before their p99 latencies are compared. */
  private static final int MIN_LATENCY_SAMPLES = 100;

  /** Sets a variant's share of traffic (the endpoint's {@code setWeight}). */
  @FunctionalInterface
  interface Weights {
    void set(String variant, double weight);
  }

  private final String endpoint;
  private final RolloutPolicy policy;
  private final Weights weights;
  private final Consumer<RolloutEvent> announce;
  private final ModelRegistry registry;
  private final Clock clock;
  private final Variant<T> canary;
  private final Variant<T> champion;
  /** Judgements, one at a time, on the thread that asks for one (a request that completed a window, a monitor's alert). */
  private final SerialDrain judging;
  /** Registry actions, promotions and announcements, one at a time and in order, on the control executor. */
  private final SerialDrain acting;
  private final Queue<Runnable> actions = new ConcurrentLinkedQueue<>();
  private final double configuredWeight;
  private volatile int rolledBackVersion = -1;
  private volatile int promotedVersion = -1;
  private volatile long cleanSinceRequests;
  private volatile long cleanSinceTime;
  private volatile @Nullable String inputDrift;

  /**
   * The judge of {@code canary} against {@code champion} in endpoint {@code endpoint}: it moves
   * weights through {@code weights}, tells listeners through {@code announce}, and runs registry
   * actions on {@code control}.
   */
  CanaryJudge(String endpoint, Variant<T> champion, Variant<T> canary, RolloutPolicy policy, Weights weights,
      Consumer<RolloutEvent> announce, ModelRegistry registry, Clock clock, Executor control) {
    this.endpoint = endpoint;
    this.policy = policy;
    this.champion = champion;
    this.canary = canary;
    this.weights = weights;
    this.announce = announce;
    this.registry = registry;
    this.clock = clock;
    this.judging = new SerialDrain("canary judge of endpoint " + endpoint, Runnable::run, this::evaluate);
    this.acting = new SerialDrain("rollout actions of endpoint " + endpoint, control, this::act);
    this.configuredWeight = canary.weight;
    this.cleanSinceTime = clock.millis();
    if (policy.inputMonitor != null) {
      policy.inputMonitor.onAlert(a -> {
        if (a.kind().isDrift()) {
          inputDrift = a.rule() + " in window " + a.window() + ": " + a.message();
          schedule();
        }
      });
    }
  }

  boolean isCanary(Variant<T> v) {
    return v == canary;
  }

  /**
   * Takes a place in the canary's window for a request routed to it: a window lets in exactly
   * {@link RolloutPolicy#window} requests, then takes no more until it is judged, so a breach costs
   * at most one window (plus nothing: the requests in flight are the window's own). False when the
   * window is full and awaiting judgement; the request goes to the champion.
   */
  boolean admit(WindowStats window) {
    java.util.concurrent.atomic.AtomicInteger places = window.admitted;
    int n;
    do {
      n = places.get();
      if (n >= policy.window) {
        return false;
      }
    } while (!places.compareAndSet(n, n + 1));
    return true;
  }

  /** Gives back the place of a request that ended without counting in the window (refused input, nothing loaded). */
  void release(WindowStats window) {
    window.admitted.decrementAndGet();
  }

  /**
   * Called after each request a routed variant answered or failed, with the window it counted in.
   * The request that completes a canary window judges it on the spot (a few adders and at most a
   * small map: once per window), so a breach takes the canary's weight to 0 at once; the registry
   * actions and announcements that follow run on the control executor.
   */
  void observed(Variant<T> v, WindowStats window) {
    if (v == canary && window.requests() >= policy.window) {
      judge();
    }
  }

  private void schedule() {
    judge();
  }

  /**
   * Judges the canary on this thread; a thread that finds a judgement running leaves it to that
   * one, which judges once more when it ends.
   */
  private void judge() {
    judging.request();
  }

  /** Runs registry actions and announcements off the request path, in the order they were asked for. */
  private void later(Runnable action) {
    actions.add(action);
    acting.request();
  }

  private void act() {
    Runnable action;
    while ((action = actions.poll()) != null) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.error("endpoint {}: rollout action failed", endpoint, e);
      }
    }
  }

  private void evaluate() {
    Variant.Active<T> a = canary.active();
    if (a == null || canary.weight == 0) {
      return;
    }
    String drift = inputDrift;
    if (drift != null) {
      inputDrift = null;
      rollBack(a, "input_drift", drift);
      return;
    }
    // the full window is judged before a new one opens: it admits no request meanwhile, and on a
    // breach the canary's weight is 0 before the next window takes any
    WindowStats c = canary.window;
    if (c.requests() < policy.window) {
      return;
    }
    WindowStats h = champion.window;
    Breach breach = breach(c, h);
    if (breach != null) {
      rollBack(a, breach.rule(), breach.detail());
    }
    canary.rollWindow(c);
    champion.rollWindow();
    if (breach == null && policy.promoteAlias != null && promotedVersion != a.version()) {
      later(() -> maybePromote(a));
    }
  }

  /** A rule the canary's window broke, with the figures that broke it. */
  private record Breach(String rule, String detail) {}

  /** The first rule the canary's full window {@code c} breaks against the champion's window {@code h}, or null. */
  private @Nullable Breach breach(WindowStats c, WindowStats h) {
    long n = c.requests();
    double err = c.errorRate();
    if (err > policy.maxErrorRate) {
      return new Breach("error_rate", String.format(Locale.ROOT, "error rate %.3f > %.3f (champion %.3f) over %d canary requests", err,
          policy.maxErrorRate, h.errorRate(), n));
    }
    long hn = h.requests();
    if (!Double.isNaN(policy.maxLatencyRatio) && n >= MIN_LATENCY_SAMPLES && hn >= MIN_LATENCY_SAMPLES) {
      double cp99 = c.latency.quantile(0.99);
      double hp99 = h.latency.quantile(0.99);
      if (cp99 > policy.minLatencyNanos && cp99 > policy.maxLatencyRatio * hp99) {
        return new Breach("latency_p99", String.format(Locale.ROOT, "p99 %.3f ms > %.1f x champion's %.3f ms (floor %.1f ms) over %d canary"
            + " and %d champion requests", cp99 / 1e6, policy.maxLatencyRatio, hp99 / 1e6, policy.minLatencyNanos / 1e6, n, hn));
      }
    }
    if (!Double.isNaN(policy.maxOutputDrift)) {
      Map<String, Long> co = c.outputCounts();
      Map<String, Long> ho = h.outputCounts();
      long cOutputs = co.values().stream().mapToLong(Long::longValue).sum();
      long hOutputs = ho.values().stream().mapToLong(Long::longValue).sum();
      if (cOutputs >= policy.minOutputRequests && hOutputs >= policy.minOutputRequests) {
        double psi = Binned.psi(Binned.categorical(ho, co));
        if (psi > policy.maxOutputDrift) {
          return new Breach("output_drift", String.format(Locale.ROOT, "PSI of predicted outputs %.3f > %.3f (canary %s vs champion %s)",
              psi, policy.maxOutputDrift, co, ho));
        }
      }
    }
    if (!Double.isNaN(policy.minAccuracyDelta) && c.labelled.sum() >= policy.minLabels && h.labelled.sum() >= policy.minLabels) {
      double delta = c.accuracy() - h.accuracy();
      if (delta < policy.minAccuracyDelta) {
        return new Breach("accuracy", String.format(Locale.ROOT, "canary %.3f vs champion %.3f (delta %.3f < %.3f)"
            + " on the window's %d canary and %d champion labelled requests", c.accuracy(), h.accuracy(), delta, policy.minAccuracyDelta, c.labelled.sum(), h.labelled.sum()));
      }
    }
    return null;
  }

  private void rollBack(Variant.Active<T> a, String rule, String detail) {
    weights.set(canary.name, 0);
    rolledBackVersion = a.version();
    String model = a.modelName();
    long time = clock.millis();
    LOG.warn("endpoint {}: canary {} v{} rolled back: {}: {}", endpoint, model, a.version(), rule, detail);
    later(() -> {
      announce.accept(new RolloutEvent(RolloutEvent.Kind.ROLLED_BACK, endpoint, canary.name, model, a.version(), rule, detail, time));
      if (policy.restoreAlias) {
        restoreAlias(a, rule + ": " + detail);
      }
    });
  }

  private void restoreAlias(Variant.Active<T> a, String why) {
    ModelUri u = ModelUri.parse(canary.uri);
    List<Integer> before = canary.retainedVersions();
    if (u.alias() == null || before.isEmpty()) {
      LOG.warn("endpoint {}: cannot restore the alias of {}: {}", endpoint, canary.uri,
          u.alias() == null ? "the canary follows no alias" : "no earlier version was served");
      return;
    }
    int previous = before.get(0);
    String reason = "automatic rollback of v" + a.version() + " by endpoint " + endpoint + ": " + why;
    try {
      if (registry.requiredApprovals(u.alias()).isPresent()) {
        registry.overrideProtectedAlias(u.name(), u.alias(), previous, reason);
      } else {
        registry.setAlias(u.name(), u.alias(), previous);
      }
      LOG.warn("endpoint {}: alias {}@{} moved back to v{}", endpoint, u.name(), u.alias(), previous);
    } catch (RuntimeException e) {
      LOG.error("endpoint {}: moving {}@{} back to v{} failed", endpoint, u.name(), u.alias(), previous, e);
    }
  }

  private void maybePromote(Variant.Active<T> a) {
    if (policy.promoteAlias == null || promotedVersion == a.version() || servesTheChampion(a)) {
      return;
    }
    long clean = canary.totals().requests() - cleanSinceRequests;
    long since = clock.millis() - cleanSinceTime;
    if (clean < policy.promoteAfter || policy.promoteAfterTime != null && since < policy.promoteAfterTime.toMillis()) {
      return;
    }
    promotedVersion = a.version();
    String model = a.modelName();
    String detail = String.format(Locale.ROOT, "%d clean canary requests over %d s", clean, since / 1000);
    try {
      if (registry.requiredApprovals(policy.promoteAlias).isPresent()) {
        PromotionRequest r = registry.requestPromotion(model, policy.promoteAlias, a.version(),
            "canary of endpoint " + endpoint + ": " + detail);
        String outcome = "request " + r.id() + " is " + r.status();
        LOG.info("endpoint {}: promotion of {} v{} to @{} requested: {}", endpoint, model, a.version(), policy.promoteAlias, outcome);
        announce.accept(new RolloutEvent(RolloutEvent.Kind.PROMOTION_REQUESTED, endpoint, canary.name, model, a.version(),
            "clean_requests", detail + "; " + outcome, clock.millis()));
      } else {
        registry.setAlias(model, policy.promoteAlias, a.version());
        LOG.info("endpoint {}: {}@{} moved to v{} ({})", endpoint, model, policy.promoteAlias, a.version(), detail);
        announce.accept(new RolloutEvent(RolloutEvent.Kind.PROMOTED, endpoint, canary.name, model, a.version(), "clean_requests",
            detail, clock.millis()));
      }
    } catch (RuntimeException e) {
      LOG.error("endpoint {}: promoting {} v{} failed", endpoint, model, a.version(), e);
    }
  }

  /**
   * Whether the canary serves the very version the champion serves (a canary alias parked on the
   * champion's version while no challenger is out): it has nothing to be promoted over, however
   * clean its requests.
   */
  private boolean servesTheChampion(Variant.Active<T> a) {
    Variant.Active<T> c = champion.active();
    return c != null && c.modelName().equals(a.modelName()) && c.version() == a.version();
  }

  /** A canary that starts serving a version newer than the one rolled back gets its configured weight again. */
  void flipped(Variant<T> v, Variant.Active<T> now) {
    if (v != canary) {
      return;
    }
    cleanSinceRequests = canary.totals().requests();
    cleanSinceTime = clock.millis();
    canary.rollWindow();
    champion.rollWindow();
    if (canary.weight == 0 && rolledBackVersion > 0 && now.version() > rolledBackVersion) {
      rolledBackVersion = -1;
      weights.set(canary.name, configuredWeight);
      LOG.info("endpoint {}: canary serves v{}, weight back to {}", endpoint, now.version(), configuredWeight);
    }
  }

  /** Waits until the rollout actions asked for so far have run; whether they did within the timeout. */
  boolean awaitIdle(long timeoutMillis) {
    try {
      return acting.awaitIdle(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
