package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.registry.ModelUri;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Builds an {@link Endpoint}: what it serves and how it routes, guards and logs. Each setter
 * checks its argument at once; {@link #build()} checks the combination and loads every variant
 * (completely, digest-verified, warmed up) before the endpoint answers.
 *
 * @param <T> the output type
 */
public final class EndpointBuilder<T extends Output<T>> {
  final ModelServer server;
  final String name;
  final Class<T> outputType;
  @Nullable OutputFactory<T> outputFactory;
  String primaryName = "champion";
  @Nullable String primaryUri;
  final List<VariantSpec> variants = new ArrayList<>();
  final List<VariantSpec> shadows = new ArrayList<>();
  @Nullable Bandit bandit;
  int maxConcurrency;
  int asyncQueue = 1024;
  int asyncThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
  InputPolicy inputPolicy = InputPolicy.REJECT;
  int warmupRequests = 50;
  /** Longest warm-up, in nanoseconds of {@link #ticker}; 0: no limit. */
  long warmupTimeoutNanos;
  int retainVersions = 2;
  @Nullable Batching batching;
  final List<MonitorSpec> monitors = new ArrayList<>();
  final List<LogSpec> predictionLogs = new ArrayList<>();
  double sampleRate = 1.0;
  boolean logOutputs;
  int logQueue = 10_000;
  int shadowQueue = 1_000;
  double backgroundShare = DEFAULT_BACKGROUND_SHARE;
  /** The share of one core an endpoint's background worker takes at most unless told otherwise. */
  static final double DEFAULT_BACKGROUND_SHARE = 0.25;
  @Nullable RolloutPolicy rolloutPolicy;
  int feedbackWindow = 100_000;
  boolean trackFeedback;
  /** Where request latencies are read from: the JVM's nanosecond clock, or a test's. */
  java.util.function.LongSupplier ticker = System::nanoTime;

  record VariantSpec(String name, String uri, double weight, boolean canary) {}

  record MonitorSpec(@Nullable String variant, Monitor monitor) {}

  record LogSpec(@Nullable String variant, PredictionLog log, String positive) {}

  EndpointBuilder(ModelServer server, String name, Class<T> outputType) {
    this.server = server;
    this.name = Validation.name("endpoint name", name, 128);
    this.outputType = Validation.notNull("output type", outputType);
  }

  private static String uri(String uri) {
    ModelUri.parse(uri);
    return uri;
  }

  private void checkName(String variant) {
    Validation.name("variant name", variant, 64);
    Set<String> taken = new HashSet<>();
    taken.add(primaryName);
    variants.forEach(v -> taken.add(v.name()));
    shadows.forEach(v -> taken.add(v.name()));
    if (taken.contains(variant)) {
      throw InvalidArgumentException.of("variant name", variant, "is already used in endpoint '" + name + "'");
    }
  }

  /** The registry URI the champion follows, for example {@code models:/churn@champion} (required). */
  public EndpointBuilder<T> serve(String uri) {
    this.primaryUri = uri(uri);
    return this;
  }

  /** Names the champion variant (default {@code champion}). */
  public EndpointBuilder<T> primaryName(String variant) {
    Validation.name("variant name", variant, 64);
    this.primaryName = variant;
    return this;
  }

  /** A canary named {@code canary} taking {@code weight} of the traffic (0 to 1); the champion gets the rest. */
  public EndpointBuilder<T> canary(String uri, double weight) {
    return canary("canary", uri, weight);
  }

  /** A named canary. */
  public EndpointBuilder<T> canary(String variant, String uri, double weight) {
    checkName(variant);
    if (variants.stream().anyMatch(VariantSpec::canary)) {
      throw InvalidArgumentException.of("canary", variant, "is a second canary; an endpoint has one (use arms for an A/B test)");
    }
    variants.add(new VariantSpec(variant, uri(uri), weight(weight), true));
    return this;
  }

  /** An A/B arm taking {@code weight} of the traffic; with a {@link #bandit}, the bandit decides instead. */
  public EndpointBuilder<T> arm(String variant, String uri, double weight) {
    checkName(variant);
    variants.add(new VariantSpec(variant, uri(uri), weight(weight), false));
    return this;
  }

  /** A shadow: gets a copy of every request off the caller's thread; its answers are compared, never returned. */
  public EndpointBuilder<T> shadow(String variant, String uri) {
    checkName(variant);
    shadows.add(new VariantSpec(variant, uri(uri), 0, false));
    return this;
  }

  /** Routes among the champion and the arms by a multi-armed bandit learning from reward feedback. */
  public EndpointBuilder<T> bandit(Bandit bandit) {
    this.bandit = Validation.notNull("bandit", bandit);
    return this;
  }

  private static double weight(double w) {
    if (!(w >= 0 && w <= 1)) {
      throw InvalidArgumentException.of("weight", w, "must be between 0 and 1");
    }
    return w;
  }

  /**
   * Requests answered at once at most; one more gets a {@link CapacityException}. Off by default:
   * synchronous callers are bounded by their own threads, {@code predictAsync} by its queue.
   */
  public EndpointBuilder<T> maxConcurrency(int requests) {
    this.maxConcurrency = Validation.positive("max concurrency", requests);
    return this;
  }

  /** Threads and queue of {@code predictAsync} (default: as many threads as cores, 1,024 queued); a full queue refuses at once. */
  public EndpointBuilder<T> async(int threads, int queue) {
    this.asyncThreads = Validation.positive("async threads", threads);
    this.asyncQueue = Validation.positive("async queue", queue);
    return this;
  }

  /** What to do with input that does not match the signature (default {@link InputPolicy#REJECT}). */
  public EndpointBuilder<T> inputPolicy(InputPolicy policy) {
    this.inputPolicy = Validation.notNull("input policy", policy);
    return this;
  }

  /** Predictions a new version makes before it serves (default 50; 0 turns warm-up off). */
  public EndpointBuilder<T> warmup(int requests) {
    if (requests < 0) {
      throw InvalidArgumentException.of("warm-up requests", requests, "must be zero or positive");
    }
    this.warmupRequests = requests;
    return this;
  }

  /**
   * The longest a new version's warm-up may take (default: no limit). A version whose warm-up
   * predictions have not finished within it fails its load: it never serves, the version that
   * serves keeps serving, and {@link Endpoint#describe()} says why. With a timeout the warm-up runs
   * on a thread of its own, so one prediction that hangs is abandoned at the timeout (its thread is
   * interrupted, and closes the version when that prediction returns) instead of holding up the
   * endpoint's loads; the time is also checked after each prediction on the endpoint's clock.
   *
   * @throws InvalidArgumentException if {@code timeout} is not positive
   */
  public EndpointBuilder<T> warmupTimeout(java.time.Duration timeout) {
    Validation.notNull("warm-up timeout", timeout);
    if (timeout.isNegative() || timeout.isZero()) {
      throw InvalidArgumentException.of("warm-up timeout", timeout, "must be positive");
    }
    this.warmupTimeoutNanos = timeout.toNanos();
    return this;
  }

  /**
   * Earlier versions each variant keeps loaded for an instant rollback (default 2). A version that
   * leaves them is closed ({@link ServedModel#close()}) once no request uses it.
   */
  public EndpointBuilder<T> retainVersions(int versions) {
    if (versions < 0) {
      throw InvalidArgumentException.of("retained versions", versions, "must be zero or positive");
    }
    this.retainVersions = versions;
    return this;
  }

  /** Micro-batching (off by default). */
  public EndpointBuilder<T> batching(Batching batching) {
    this.batching = Validation.notNull("batching", batching);
    return this;
  }

  /** Logs every (sampled) request's features to {@code monitor}, off the request path. */
  public EndpointBuilder<T> logTo(Monitor monitor) {
    monitors.add(new MonitorSpec(null, Validation.notNull("monitor", monitor)));
    return this;
  }

  /** Logs the requests one variant answered to {@code monitor}. */
  public EndpointBuilder<T> logTo(String variant, Monitor monitor) {
    monitors.add(new MonitorSpec(Validation.notNull("variant", variant), Validation.notNull("monitor", monitor)));
    return this;
  }

  /**
   * Logs each (sampled) prediction's score of the {@code positive} label to a {@link PredictionLog},
   * and joins the labels that {@link Endpoint#feedback(String, Output)} brings: realized metrics and
   * CBPE estimates before labels arrive.
   */
  public EndpointBuilder<T> predictionLog(PredictionLog log, String positive) {
    predictionLogs.add(new LogSpec(null, Validation.notNull("prediction log", log), Validation.notNull("positive label", positive)));
    return this;
  }

  /** As {@link #predictionLog(PredictionLog, String)} for the requests one variant answered. */
  public EndpointBuilder<T> predictionLog(String variant, PredictionLog log, String positive) {
    predictionLogs.add(new LogSpec(Validation.notNull("variant", variant), Validation.notNull("prediction log", log),
        Validation.notNull("positive label", positive)));
    return this;
  }

  /** The share of requests logged (default 1). */
  public EndpointBuilder<T> sampleRate(double rate) {
    if (!(rate > 0 && rate <= 1)) {
      throw InvalidArgumentException.of("sample rate", rate, "must be above 0 and at most 1");
    }
    this.sampleRate = rate;
    return this;
  }

  /** Also logs the prediction ({@code prediction}, {@code prediction_score}) as columns of the monitored rows. */
  public EndpointBuilder<T> logOutputs(boolean log) {
    this.logOutputs = log;
    return this;
  }

  /** Capacities of the background queues (defaults: 10,000 log entries, 1,000 shadow requests); full queues drop and count. */
  public EndpointBuilder<T> queues(int logQueue, int shadowQueue) {
    this.logQueue = Validation.positive("log queue", logQueue);
    this.shadowQueue = Validation.positive("shadow queue", shadowQueue);
    return this;
  }

  /**
   * The most of one core the endpoint's background worker (shadow requests, prediction logging, and
   * a monitor's window reports when the monitor runs them on the calling thread) takes, as a share
   * of wall-clock time (default 0.25; 1 for no limit). After a few milliseconds of uninterrupted
   * work it pauses for as long as the share requires, and the queues fill and drop (counted in
   * {@link Endpoint#describe()}) rather than the worker competing with request threads for a core.
   * At request rates the worker keeps up with inside its share nothing is dropped; items only wait.
   *
   * @throws InvalidArgumentException unless {@code share} is above 0 and at most 1
   */
  public EndpointBuilder<T> backgroundShare(double share) {
    if (!(share > 0 && share <= 1)) {
      throw InvalidArgumentException.of("background share", share, "must be above 0 and at most 1");
    }
    this.backgroundShare = share;
    return this;
  }

  /** Automatic rollback and promotion of the canary. */
  public EndpointBuilder<T> rollout(RolloutPolicy policy) {
    this.rolloutPolicy = Validation.notNull("rollout policy", policy);
    return this;
  }

  /**
   * Remembers the last {@code requests} answers so that feedback can join them, first in, first
   * out: a label or reward for any of the last {@code requests} answers always joins, however fast
   * they come (default 100,000; on when a bandit, a rollout policy or a
   * prediction log needs it, or with {@code track}).
   */
  public EndpointBuilder<T> feedback(int requests, boolean track) {
    this.feedbackWindow = Validation.positive("feedback window", requests);
    this.trackFeedback = track;
    return this;
  }

  /** The output factory, for output types other than {@code Label} and {@code Regressor}. */
  public EndpointBuilder<T> outputFactory(OutputFactory<T> factory) {
    this.outputFactory = Validation.notNull("output factory", factory);
    return this;
  }

  @SuppressWarnings("unchecked")
  T unknownOutput() {
    if (outputFactory != null) {
      return outputFactory.getUnknownOutput();
    }
    if (outputType == Label.class) {
      return (T) LabelFactory.UNKNOWN_LABEL;
    }
    if (outputType == Regressor.class) {
      return (T) RegressionFactory.UNKNOWN_REGRESSOR;
    }
    throw InvalidArgumentException.of("output type", outputType.getSimpleName(), "needs outputFactory(...)");
  }

  /**
   * Builds the endpoint and loads every variant before returning. A variant whose load fails is
   * reported by {@link Endpoint#describe()} (FAILED when it is the champion); the endpoint follows
   * its URIs from then on.
   *
   * @throws InvalidArgumentException for a missing champion URI, shares over 1, a rollout policy
   *     without a canary, or an output type without a factory
   */
  public Endpoint<T> build() {
    if (primaryUri == null) {
      throw InvalidArgumentException.of("serve", "(none)", "an endpoint needs the URI its champion follows: call serve(...)");
    }
    double shares = variants.stream().mapToDouble(VariantSpec::weight).sum();
    if (bandit == null && shares > 1 + 1e-9) {
      throw InvalidArgumentException.of("weights", shares, "the canary and arm shares add up to more than 1");
    }
    if (rolloutPolicy != null && variants.stream().noneMatch(VariantSpec::canary)) {
      throw InvalidArgumentException.of("rollout", rolloutPolicy, "needs a canary to judge: call canary(...)");
    }
    if (bandit != null && variants.isEmpty()) {
      throw InvalidArgumentException.of("bandit", bandit, "needs at least one arm besides the champion");
    }
    unknownOutput();
    return server.add(new Endpoint<>(server, this), this);
  }
}
