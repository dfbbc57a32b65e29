package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.DaemonThreads;
import dev.mlops.api.internal.Listeners;
import dev.mlops.api.internal.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Example;
import org.tribuo.Output;

/**
 * An in-process serving endpoint: answers predictions with the versions its variants follow in
 * the registry (a champion, optionally a canary or A/B arms or a bandit, any number of shadows),
 * and swaps versions without failing a request.
 *
 * <p>Thread-safe, with no lock on the predict path: the serving version of each variant is one
 * atomic reference (a request keeps the version it started with), routing reads one immutable
 * table, figures are lock-free adders, and shadow traffic and prediction logging are handed to
 * background workers through bounded lock-free queues that drop and count rather than block.
 * Concurrency can be bounded ({@link EndpointBuilder#maxConcurrency}; a synchronous caller's own
 * threads bound it otherwise) and the async queue always is: a request over either limit gets a
 * {@link CapacityException} at once. Build with {@link ModelServer#endpoint(String, Class)}.
 *
 * <p>What a swap guarantees. When an alias a variant follows moves, the move reaches the endpoint
 * on the registry's listener thread: as soon as {@code setAlias} returns when it is made through
 * the registry the {@link ModelServer} follows, within that registry's poll interval when it is
 * made elsewhere (another registry on the same store, another JVM). A control thread then resolves
 * the alias and, unless the version is still kept loaded, loads it (digest verified) and warms it
 * up; then it flips the variant's reference. Until the flip, every request is answered by the
 * previous version, never longer; from the flip on, every request that starts is answered by the
 * new one. A version that fails to load or warm up never serves. A move back to a version still
 * kept loaded ({@link EndpointBuilder#retainVersions}) flips without loading. A version the alias
 * left while it was loading is not flipped to. {@link #describe()} shows the version being loaded
 * ({@link EndpointStatus.VariantStatus#pendingVersion()}); {@link #awaitVersion} waits for the
 * flip.
 *
 * <p>Models of any format are served the same way: Tribuo models directly, others through the
 * {@link ModelAdapter} of their registry flavor ({@link ServedModel}).
 *
 * @param <T> the output type ({@code Label}, {@code Regressor}, ...)
 */
public final class Endpoint<T extends Output<T>> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);

  private final ModelServer server;
  private final String name;
  private final List<Variant<T>> routed;
  private final Variant<T> champion;
  private final Map<String, Variant<T>> byName = new LinkedHashMap<>();
  private final Router<T> router;
  private final @Nullable ThreadPoolExecutor async;
  private final int asyncQueue;
  private final @Nullable FeedbackWindow issued;
  private final Listeners<Consumer<RolloutEvent>> rolloutListeners;
  final Loader<T> loader;
  private final @Nullable Shadows<T> shadowRunner;
  private final @Nullable PredictionSink<T> sink;
  /** One background thread for shadow traffic and prediction logging. */
  private final Handoff background;
  private final @Nullable CanaryJudge<T> judge;
  private final @Nullable Map<String, Batcher<T>> batchers;
  private final RequestPath<T> path;
  private final Class<T> outputType;
  private volatile boolean closed;

  Endpoint(ModelServer server, EndpointBuilder<T> b) {
    this.server = server;
    this.name = b.name;
    this.outputType = b.outputType;
    Scope<T> scope = new Scope<>(name, b.unknownOutput(), b.outputType, b.ticker, server.metrics());
    List<Variant<T>> r = new ArrayList<>();
    boolean outputs = b.rolloutPolicy != null && !Double.isNaN(b.rolloutPolicy.maxOutputDrift);
    r.add(new Variant<>(b.primaryName, b.primaryUri, Variant.Role.PRIMARY, 1.0, b.retainVersions, outputs));
    for (EndpointBuilder.VariantSpec s : b.variants) {
      r.add(new Variant<>(s.name(), s.uri(), s.canary() ? Variant.Role.CANARY : Variant.Role.ARM, s.weight(), b.retainVersions, outputs));
    }
    double others = r.stream().skip(1).mapToDouble(v -> v.weight).sum();
    r.get(0).weight = b.bandit != null ? 1.0 : Math.max(0, 1.0 - others);
    this.routed = List.copyOf(r);
    this.champion = routed.get(0);
    List<Variant<T>> shadows = new ArrayList<>();
    for (EndpointBuilder.VariantSpec s : b.shadows) {
      shadows.add(new Variant<>(s.name(), s.uri(), Variant.Role.SHADOW, 0, b.retainVersions, false));
    }
    routed.forEach(v -> byName.put(v.name, v));
    shadows.forEach(v -> byName.put(v.name, v));
    this.router = new Router<>(routed, b.bandit);
    this.asyncQueue = b.asyncQueue;
    this.async = b.asyncQueue == 0 ? null : new ThreadPoolExecutor(b.asyncThreads, b.asyncThreads, 60, TimeUnit.SECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(b.asyncQueue), DaemonThreads.numbered("mlops-endpoint-" + name + "-async"),
        new ThreadPoolExecutor.AbortPolicy());
    boolean feedback = b.feedbackWindow > 0 && (b.bandit != null || b.rolloutPolicy != null || b.trackFeedback || !b.predictionLogs.isEmpty());
    this.issued = feedback ? new FeedbackWindow(b.feedbackWindow) : null;
    this.rolloutListeners = new Listeners<>("rollout listener of endpoint " + name);
    this.judge = b.rolloutPolicy == null ? null : new CanaryJudge<>(name, champion,
        routed.stream().filter(v -> v.role == Variant.Role.CANARY).findFirst().orElseThrow(), b.rolloutPolicy, this::setWeight,
        e -> rolloutListeners.fire(l -> l.accept(e), e), server.registry(), server.clock(), server.control());
    CanaryJudge<T> j = judge;
    this.loader = new Loader<>(scope, server.registry(), server.adapters(), b.warmupRequests, b.warmupTimeoutNanos, (v, now) -> {
      if (j != null) {
        j.flipped(v, now);
      }
    }, () -> closed);
    this.background = new Handoff("mlops-endpoint-" + name + "-background", b.backgroundShare);
    this.shadowRunner = shadows.isEmpty() ? null : new Shadows<>(scope, shadows, background, b.shadowQueue);
    this.sink = b.monitors.isEmpty() && b.predictionLogs.isEmpty() ? null : new PredictionSink<>(b, background);
    background.start();
    if (b.batching != null) {
      Map<String, Batcher<T>> m = new LinkedHashMap<>();
      for (Variant<T> v : routed) {
        m.put(v.name, new Batcher<>(scope, v, b.batching));
      }
      this.batchers = Map.copyOf(m);
    } else {
      this.batchers = null;
    }
    this.path = new RequestPath<>(scope, new RequestPath.Parts<>(champion, router, b.maxConcurrency == 0 ? null : new Limiter(b.maxConcurrency),
        b.maxConcurrency, b.inputPolicy, issued, loader, shadowRunner, sink, judge, batchers), () -> closed);
    server.metrics().gauges(new EndpointGauges<>(name, byName, shadowRunner, sink, batchers, path));
  }

  /** The endpoint's name. */
  public String name() {
    return name;
  }

  /** The type of output it answers with ({@code Label.class}, {@code Regressor.class}, ...), as built. */
  public Class<T> outputType() {
    return outputType;
  }

  /** Every variant, routed ones first, then the shadows. */
  java.util.Collection<Variant<T>> allVariants() {
    return byName.values();
  }

  private Variant<T> variant(String variant) {
    Variant<T> v = byName.get(variant);
    if (v == null) {
      throw new NotFoundException("endpoint '" + name + "' has no variant '" + variant + "'; it has " + byName.keySet());
    }
    return v;
  }

  // ------------------------------------------------------------------ predict

  /**
   * Predicts from a feature map (feature name to a number; a one-hot group by its value, for
   * example {@code "plan": "pro"}), checked against the serving version's signature. Every input
   * form (a map, a Tribuo example, values in order) and every path (sync, batch, async,
   * micro-batched) gets the same checks and the same exception.
   *
   * @throws InvalidInputException for unknown or missing features, values of the wrong type or
   *     non-finite values (under {@link InputPolicy#REJECT}), and under either policy for input that
   *     leaves no usable feature to predict from; each problem names the feature
   * @throws CapacityException when the endpoint is at its concurrency limit
   * @throws EndpointUnavailableException when no version is loaded
   */
  public Served<T> predict(Map<String, ?> features) {
    return predict(features, null);
  }

  /**
   * As {@link #predict(Map)}, routed by a sticky key: the same key lands on the same variant while
   * the weights stay the same (a user id keeps one user on one model).
   */
  public Served<T> predict(Map<String, ?> features, @Nullable String stickyKey) {
    Validation.notNull("features", features);
    return path.serve(Request.ofMap(features), stickyKey);
  }

  /** Predicts from a Tribuo example (its output is ignored); unknown, missing and non-finite features are checked as {@link #predict(Map)}. */
  public Served<T> predict(Example<T> example) {
    Validation.notNull("example", example);
    return path.serve(Request.ofExample(example), null);
  }

  /**
   * Predicts from values in the serving version's feature order ({@link #featureNames()}); values
   * of another number than the features are refused under either policy (they cannot be matched
   * to features), non-finite values are checked as {@link #predict(Map)}.
   */
  public Served<T> predict(double[] values) {
    Validation.notNull("values", values);
    return path.serve(Request.ofArray(values), null);
  }

  /** Predicts each map in order; a request that fails throws and the batch stops there. */
  public List<Served<T>> predictAll(List<? extends Map<String, ?>> batch) {
    return batchOf(batch, this::predict);
  }

  /** Predicts each example in order. */
  public List<Served<T>> predictAllExamples(List<? extends Example<T>> batch) {
    return batchOf(batch, this::predict);
  }

  /** Predicts each value array in order. */
  public List<Served<T>> predictAllArrays(List<double[]> batch) {
    return batchOf(batch, this::predict);
  }

  private static <I, O> List<O> batchOf(List<? extends I> in, Function<I, O> one) {
    List<O> out = new ArrayList<>(in.size());
    for (I i : in) {
      out.add(one.apply(i));
    }
    return out;
  }

  /**
   * Predicts on the endpoint's async workers.
   *
   * @throws CapacityException at once when the async queue is full (never an unbounded queue)
   */
  public CompletableFuture<Served<T>> predictAsync(Map<String, ?> features) {
    Validation.notNull("features", features);
    return submit(() -> predict(features));
  }

  /** As {@link #predictAsync(Map)} for an example. */
  public CompletableFuture<Served<T>> predictAsync(Example<T> example) {
    Validation.notNull("example", example);
    return submit(() -> predict(example));
  }

  /** As {@link #predictAsync(Map)} for values in feature order. */
  public CompletableFuture<Served<T>> predictAsync(double[] values) {
    Validation.notNull("values", values);
    return submit(() -> predict(values));
  }

  private CompletableFuture<Served<T>> submit(java.util.function.Supplier<Served<T>> work) {
    ThreadPoolExecutor ex = async;
    if (ex == null) {
      throw new IllegalStateException("endpoint '" + name + "' has no async workers: build it with asyncQueue(n)");
    }
    try {
      return CompletableFuture.supplyAsync(work, ex);
    } catch (RejectedExecutionException e) {
      throw path.refused("its async queue of " + asyncQueue + " requests is full");
    }
  }

  /**
   * Input problems seen so far, by kind: unknown_feature, missing_feature, wrong_type, non_finite,
   * wrong_count (values in order whose number is not the number of features).
   */
  public Map<String, Long> inputProblems() {
    Map<String, Long> out = new java.util.TreeMap<>();
    path.problems.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The feature names of the champion's serving version, in the order {@link #predict(double[])} takes. */
  public List<String> featureNames() {
    Variant.Active<T> a = champion.active();
    if (a == null) {
      throw new EndpointUnavailableException("endpoint '" + name + "' has no loaded version yet");
    }
    return List.of(a.schema.names());
  }

  // ------------------------------------------------------------------ feedback

  /**
   * The true outcome of a request: counted as right or wrong for the variant that answered (its
   * accuracy, the rollout policy's accuracy rule, the A/B summary) and joined to the prediction
   * logs. An answer is remembered before {@code predict} returns, so the label of any of the last
   * {@link EndpointBuilder#feedback feedback window} answers joins; unknown ids and answers older
   * than the window are ignored and return false. A request's outcome counts once for its variant,
   * however often its label is sent (a retried delivery), so a variant never counts more labels than
   * requests; every label that joins is passed on to the prediction logs, which join by request id,
   * so a label sent again after the logging queue dropped it still arrives.
   */
  public boolean feedback(String requestId, T truth) {
    Validation.notNull("truth", truth);
    FeedbackWindow.Issued i = issued == null ? null : issued.get(Validation.notNull("request id", requestId));
    if (i == null) {
      return false;
    }
    boolean right = truth.getSerializableForm(false).equals(i.output());
    if (i.firstLabel()) {
      i.variant().window.outcome(right);
    }
    if (sink != null) {
      sink.label(requestId, truth, i);
    }
    return true;
  }

  /**
   * A reward in [0, 1] for a request (a click, a conversion): the bandit learns from it, and it
   * counts toward the variant's mean reward. As for labels, a reward for any of the last feedback
   * window answers joins; unknown ids and older answers are ignored and return false.
   *
   * @throws InvalidArgumentException for a reward outside [0, 1]
   */
  public boolean feedback(String requestId, double reward) {
    if (!(reward >= 0 && reward <= 1)) {
      throw InvalidArgumentException.of("reward", reward, "must be between 0 and 1");
    }
    FeedbackWindow.Issued i = issued == null ? null : issued.get(Validation.notNull("request id", requestId));
    if (i == null) {
      return false;
    }
    Variant<?> v = i.variant();
    v.successes.add(reward);
    v.failures.add(1 - reward);
    v.window.reward(reward);
    return true;
  }

  // ------------------------------------------------------------------ traffic and versions

  /**
   * Sets a canary's or an arm's share of traffic (0 to 1); the champion gets what the others leave.
   *
   * @throws InvalidArgumentException if the shares would exceed 1
   */
  public synchronized void setWeight(String variant, double weight) {
    Variant<T> v = variant(variant);
    if (v.role == Variant.Role.PRIMARY || v.role == Variant.Role.SHADOW) {
      throw InvalidArgumentException.of("variant", variant, "is the " + v.role.name().toLowerCase(java.util.Locale.ROOT)
          + "; set the weights of the canary or the arms");
    }
    if (!(weight >= 0 && weight <= 1)) {
      throw InvalidArgumentException.of("weight", weight, "must be between 0 and 1");
    }
    double others = routed.stream().skip(1).filter(x -> x != v).mapToDouble(x -> x.weight).sum();
    if (others + weight > 1 + 1e-9) {
      throw InvalidArgumentException.of("weight", weight, "would make the canary and arm shares " + (others + weight) + ", over 1");
    }
    v.weight = weight;
    champion.weight = Math.max(0, 1 - others - weight);
    router.reweight();
    LOG.info("endpoint {}: weight of {} set to {}", name, variant, weight);
  }

  /**
   * Loads every variant's URI again now (for example after an alias moved in a store with no event
   * delivery), each completely and warmed up before it serves (a version still kept loaded serves
   * again at once); returns when each variant's load has ended. A load that fails leaves the
   * previous version serving ({@link #describe()} says why).
   */
  public void reload() {
    for (Variant<T> v : byName.values()) {
      loader.load(v);
    }
  }

  /**
   * Waits until a variant serves {@code version}: after an alias move, the previous version serves
   * until the new one is loaded and warmed up (never longer), and this returns once the flip is
   * done. Returns at once if it serves that version already.
   *
   * @return true once the variant serves {@code version}; false when the timeout passes first
   * @throws LoadFailedException when a load of that version fails, whether it ends after this call or
   *     ended before it as the variant's last load with none under way or queued since (the previous
   *     version keeps serving); the message says why
   * @throws NotFoundException for an unknown variant
   * @throws InvalidArgumentException for a negative timeout
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitVersion(String variant, int version, java.time.Duration timeout) throws InterruptedException {
    Variant<T> v = variant(Validation.notNull("variant", variant));
    if (Validation.notNull("timeout", timeout).isNegative()) {
      throw InvalidArgumentException.of("timeout", timeout, "must be zero or positive");
    }
    return v.awaitVersion(name, version, timeout.toNanos());
  }

  /**
   * Serves a version kept loaded at once (an instant rollback, without the registry).
   *
   * @throws NotFoundException if that version is not kept loaded for the variant
   */
  public void rollbackTo(String variant, int version) {
    Variant<T> v = variant(variant);
    if (v.flipToKept(a -> a.version() == version) == null) {
      throw new NotFoundException("version " + version + " of variant '" + variant + "' is not loaded; loaded: " + v.retainedVersions());
    }
    LOG.info("endpoint {}: {} rolled back to v{}", name, variant, version);
  }

  /** Adds a listener for what the rollout policy does. */
  public void onRollout(Consumer<RolloutEvent> listener) {
    rolloutListeners.add(listener);
  }

  // ------------------------------------------------------------------ status

  /** The state, versions, weights and figures of every variant. */
  public EndpointStatus describe() {
    List<EndpointStatus.VariantStatus> vs = new ArrayList<>();
    for (Variant<T> v : byName.values()) {
      Variant.Active<T> a = v.active();
      WindowStats.Totals t = v.totals();
      vs.add(new EndpointStatus.VariantStatus(v.name, v.role.name(), v.uri, v.weight, a == null ? null : a.version(), v.pendingVersion,
          v.retainedVersions(),
          t.requests(), t.errors, LatencyHistogram.quantile(t.latency, 0.5) / 1000, LatencyHistogram.quantile(t.latency, 0.99) / 1000,
          t.labelled, t.accuracy(), t.rewards == 0 ? Double.NaN : t.rewardSum / t.rewards,
          shadowRunner != null && v.role == Variant.Role.SHADOW ? shadowRunner.agreement(v) : Double.NaN,
          shadowRunner != null && v.role == Variant.Role.SHADOW ? shadowRunner.meanScoreDifference(v) : Double.NaN, v.loadProblem));
    }
    EndpointStatus.State state;
    String reason = "";
    Variant<T> primary = champion;
    if (closed) {
      state = EndpointStatus.State.FAILED;
      reason = "closed";
    } else if (primary.active() == null) {
      state = primary.loadProblem == null ? EndpointStatus.State.LOADING : EndpointStatus.State.FAILED;
      reason = primary.loadProblem == null ? "" : "champion failed to load: " + primary.loadProblem;
    } else {
      List<String> issues = new ArrayList<>();
      for (Variant<T> v : byName.values()) {
        if (v.loadProblem != null) {
          issues.add(v.name + ": last load failed (" + v.loadProblem + "), " + (v.active() == null ? "nothing loaded" : "v"
              + v.active().version() + " still serves"));
        } else if (v.active() == null) {
          issues.add(v.name + ": nothing loaded yet");
        }
      }
      state = issues.isEmpty() ? EndpointStatus.State.READY : EndpointStatus.State.DEGRADED;
      reason = String.join("; ", issues);
    }
    return new EndpointStatus(name, state, reason, vs, (int) path.inFlight(),
        shadowRunner == null ? 0 : shadowRunner.depth(), sink == null ? 0 : sink.depth(), shadowRunner == null ? 0 : shadowRunner.dropped(),
        sink == null ? EndpointStatus.Logging.NONE : new EndpointStatus.Logging(sink.rows(), sink.rowsDropped(), sink.labels(),
            sink.labelsDropped(), sink.labelsUnjoined()), path.rejected.sum());
  }

  /** The A/B summary: each variant other than the champion, its outcome compared with the champion's by a two-proportion z-test. */
  public List<AbSummary> abSummary() {
    return AbSummary.of(routed);
  }

  /** Waits until shadow requests and prediction-log entries queued so far are processed (for tests and shutdown). */
  public boolean awaitBackgroundWork(long timeoutMillis) {
    boolean ok = background.awaitIdle(timeoutMillis);
    if (judge != null) {
      ok &= judge.awaitIdle(timeoutMillis);
    }
    return ok;
  }

  /** Stops the endpoint: refuses new requests, lets background work finish, unsubscribes from the registry. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (async != null) {
      async.shutdown();
    }
    if (batchers != null) {
      batchers.values().forEach(Batcher::close);
    }
    background.close();
    byName.values().forEach(Variant::close);
    loader.close();
    server.removed(this);
  }

  @Override
  public String toString() {
    return "Endpoint[" + name + "]";
  }
}
