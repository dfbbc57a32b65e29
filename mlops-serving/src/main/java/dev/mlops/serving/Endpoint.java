package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.Prediction;

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
 * @param <T> the output type ({@code Label}, {@code Regressor}, ...)
 */
public final class Endpoint<T extends Output<T>> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);

  private final ModelServer server;
  private final String name;
  private final Class<T> outputType;
  final T unknown;
  private final List<Variant<T>> routed;
  private final List<Variant<T>> shadows;
  private final Map<String, Variant<T>> byName = new LinkedHashMap<>();
  private final Router<T> router;
  private final @Nullable Limiter permits;
  private final int maxConcurrency;
  private final @Nullable ThreadPoolExecutor async;
  private final int asyncQueue;
  private final InputPolicy policy;
  private final @Nullable FeedbackWindow issued;
  private final String idPrefix;
  /** Request numbers without a shared counter: each thread takes a slot and counts in it. */
  private final java.util.concurrent.atomic.AtomicInteger slots = new java.util.concurrent.atomic.AtomicInteger();
  private final ThreadLocal<long[]> ids = ThreadLocal.withInitial(() -> new long[] {(long) slots.getAndIncrement() << 40});
  private final Map<String, LongAdder> problems = new java.util.concurrent.ConcurrentHashMap<>();
  private final LongAdder rejected = new LongAdder();
  private final List<Consumer<RolloutEvent>> rolloutListeners = new CopyOnWriteArrayList<>();
  final ServingMetrics metrics;
  /** The clock of request latencies. */
  final java.util.function.LongSupplier ticker;
  final Loader<T> loader;
  private final @Nullable Shadows<T> shadowRunner;
  private final @Nullable PredictionSink<T> sink;
  /** One background thread for shadow traffic and prediction logging. */
  private final Handoff background;
  private final @Nullable Rollout<T> rollout;
  private final @Nullable Map<String, Batcher<T>> batchers;
  private volatile boolean closed;

  Endpoint(ModelServer server, EndpointBuilder<T> b) {
    this.server = server;
    this.name = b.name;
    this.outputType = b.outputType;
    this.unknown = b.unknownOutput();
    this.policy = b.inputPolicy;
    this.metrics = server.metrics();
    this.ticker = b.ticker;
    List<Variant<T>> r = new ArrayList<>();
    boolean outputs = b.rolloutPolicy != null && !Double.isNaN(b.rolloutPolicy.maxOutputDrift);
    r.add(new Variant<>(b.primaryName, b.primaryUri, Variant.Role.PRIMARY, 1.0, b.retainVersions, outputs));
    for (EndpointBuilder.VariantSpec s : b.variants) {
      r.add(new Variant<>(s.name(), s.uri(), s.canary() ? Variant.Role.CANARY : Variant.Role.ARM, s.weight(), b.retainVersions, outputs));
    }
    double others = r.stream().skip(1).mapToDouble(v -> v.weight).sum();
    r.get(0).weight = b.bandit != null ? 1.0 : Math.max(0, 1.0 - others);
    this.routed = List.copyOf(r);
    List<Variant<T>> sh = new ArrayList<>();
    for (EndpointBuilder.VariantSpec s : b.shadows) {
      sh.add(new Variant<>(s.name(), s.uri(), Variant.Role.SHADOW, 0, b.retainVersions, false));
    }
    this.shadows = List.copyOf(sh);
    for (Variant<T> v : routed) {
      byName.put(v.name, v);
    }
    for (Variant<T> v : shadows) {
      byName.put(v.name, v);
    }
    this.router = new Router<>(routed, b.bandit);
    this.maxConcurrency = b.maxConcurrency;
    this.permits = b.maxConcurrency == 0 ? null : new Limiter(b.maxConcurrency);
    this.asyncQueue = b.asyncQueue;
    this.async = b.asyncQueue == 0 ? null : new ThreadPoolExecutor(b.asyncThreads, b.asyncThreads, 60, TimeUnit.SECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(b.asyncQueue), daemon("mlops-endpoint-" + name + "-async"),
        new ThreadPoolExecutor.AbortPolicy());
    boolean feedback = b.feedbackWindow > 0 && (b.bandit != null || b.rolloutPolicy != null || b.trackFeedback || !b.predictionLogs.isEmpty());
    this.issued = feedback ? new FeedbackWindow(b.feedbackWindow) : null;
    this.idPrefix = name + "-" + Long.toString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFL, 36) + "-";
    this.loader = new Loader<>(this, server, b.warmupRequests);
    this.background = new Handoff("mlops-endpoint-" + name + "-background");
    this.shadowRunner = shadows.isEmpty() ? null : new Shadows<>(this, shadows, background, b.shadowQueue);
    this.sink = b.monitors.isEmpty() && b.predictionLogs.isEmpty() ? null : new PredictionSink<>(this, b, background);
    background.start();
    this.rollout = b.rolloutPolicy == null ? null : new Rollout<>(this, server, b.rolloutPolicy);
    if (b.batching != null) {
      Map<String, Batcher<T>> m = new LinkedHashMap<>();
      for (Variant<T> v : routed) {
        m.put(v.name, new Batcher<>(this, v, b.batching));
      }
      this.batchers = Map.copyOf(m);
    } else {
      this.batchers = null;
    }
    metrics.queues(this);
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The endpoint's name. */
  public String name() {
    return name;
  }

  Class<T> outputType() {
    return outputType;
  }

  /** Every variant, routed ones first, then the shadows. */
  java.util.Collection<Variant<T>> allVariants() {
    return byName.values();
  }

  List<Variant<T>> routed() {
    return routed;
  }

  List<Variant<T>> shadowVariants() {
    return shadows;
  }

  Variant<T> variant(String variant) {
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
    return serve(Request.ofMap(features), stickyKey);
  }

  /** Predicts from a Tribuo example (its output is ignored); unknown, missing and non-finite features are checked as {@link #predict(Map)}. */
  public Served<T> predict(Example<T> example) {
    Validation.notNull("example", example);
    return serve(Request.ofExample(example), null);
  }

  /**
   * Predicts from values in the serving version's feature order ({@link #featureNames()}); values
   * of another number than the features are refused under either policy (they cannot be matched
   * to features), non-finite values are checked as {@link #predict(Map)}.
   */
  public Served<T> predict(double[] values) {
    Validation.notNull("values", values);
    return serve(Request.ofArray(values), null);
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
      rejected.increment();
      metrics.failed(name, "", "capacity");
      throw new CapacityException("endpoint '" + name + "' is at capacity: its async queue of " + asyncQueue + " requests is full");
    }
  }

  private Served<T> serve(Request<T> request, @Nullable String stickyKey) {
    long start = ticker.getAsLong();
    if (closed) {
      throw new EndpointUnavailableException("endpoint '" + name + "' is closed");
    }
    Limiter limiter = permits;
    if (limiter != null && !limiter.tryAcquire()) {
      rejected.increment();
      metrics.failed(name, "", "capacity");
      throw new CapacityException("endpoint '" + name + "' is at capacity: " + maxConcurrency + " requests in flight");
    }
    Variant<T> v = router.choose(stickyKey);
    // the window this request counts in, read once: a request finishing after its window was
    // judged still lands in that window, never in the next one
    WindowStats window = v.window;
    // a canary's place in its window; null once the request counted (or if it never took one)
    WindowStats admitted = null;
    if (rollout != null && rollout.isCanary(v)) {
      if (rollout.admit(window)) {
        admitted = window;
      } else {
        // its window is full and awaiting judgement: the champion answers meanwhile
        v = routed.get(0);
        window = v.window;
      }
    }
    try {
      Variant.Active<T> a = v.active();
      if (a == null) {
        a = fallback(v);
        if (a == null) {
          metrics.failed(name, v.name, "unavailable");
          throw new EndpointUnavailableException("endpoint '" + name + "' has no loaded version of " + v.uri
              + (v.loadProblem == null ? "" : ": " + v.loadProblem));
        }
        v = routed.get(0);
        window = v.window;
      }
      InputSchema.Problems problems = new InputSchema.Problems();
      Example<T> example = request.example(a.schema(), unknown, problems);
      // SERVE_AND_RECORD serves what is usable; with nothing usable left there is nothing to predict from
      boolean nothingLeft = example.size() == 0;
      if (problems.any() || nothingLeft) {
        countProblems(problems.kinds());
        if (policy == InputPolicy.REJECT || nothingLeft) {
          metrics.failed(name, v.name, "invalid_input");
          throw new InvalidInputException(name, problems.list(), nothingLeft && policy != InputPolicy.REJECT);
        }
      }
      loader.remember(example);
      Prediction<T> p;
      try {
        p = batchers == null ? a.loaded().model().predict(example) : batchers.get(v.name).predict(example, a);
      } catch (CapacityException | EndpointUnavailableException e) {
        throw e;
      } catch (RuntimeException e) {
        window.failed(ticker.getAsLong() - start);
        admitted = null;
        metrics.failed(name, v.name, "model_error");
        if (rollout != null) {
          rollout.observed(v, window);
        }
        throw e;
      }
      long[] counter = ids.get();
      long number = ++counter[0];
      long latency = ticker.getAsLong() - start;
      Served<T> served = new Served<>(p, a.loaded().version().name(), a.version(), v.name, idPrefix, number, latency, problems.list());
      window.served(served, latency);
      admitted = null;
      a.meter().served(latency);
      if (issued != null) {
        issued.add(served.requestId(), v, served.outputText(), served.score());
      }
      boolean log = sink != null && sink.sampled();
      if (shadowRunner != null || log) {
        // one object, and at most one copy of the caller's input, for every background lane
        Answered<T> job = new Answered<>(request.detached(example), a.schema(), served);
        if (shadowRunner != null) {
          shadowRunner.offer(job);
        }
        if (log) {
          sink.offer(job);
        }
      }
      if (rollout != null) {
        rollout.observed(v, window);
      }
      return served;
    } finally {
      if (admitted != null) {
        // refused before the canary answered (bad input, nothing loaded): its place goes to another request
        rollout.release(admitted);
      }
      if (limiter != null) {
        limiter.release();
      }
    }
  }

  /** A canary or arm with nothing loaded sends its share to the champion rather than failing it. */
  private Variant.@Nullable Active<T> fallback(Variant<T> v) {
    return v.role == Variant.Role.PRIMARY ? null : routed.get(0).active();
  }

  private void countProblems(List<InputSchema.Kind> kinds) {
    for (InputSchema.Kind kind : kinds) {
      problems.computeIfAbsent(kind.key(), k -> new LongAdder()).increment();
    }
  }

  /**
   * Input problems seen so far, by kind: unknown_feature, missing_feature, wrong_type, non_finite,
   * wrong_count (values in order whose number is not the number of features).
   */
  public Map<String, Long> inputProblems() {
    Map<String, Long> out = new java.util.TreeMap<>();
    problems.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The feature names of the champion's serving version, in the order {@link #predict(double[])} takes. */
  public List<String> featureNames() {
    Variant.Active<T> a = routed.get(0).active();
    if (a == null) {
      throw new EndpointUnavailableException("endpoint '" + name + "' has no loaded version yet");
    }
    return List.of(a.schema().names());
  }

  // ------------------------------------------------------------------ feedback

  /**
   * The true outcome of a request: counted as right or wrong for the variant that answered (its
   * accuracy, the rollout policy's accuracy rule, the A/B summary) and joined to the prediction
   * logs. An answer is remembered before {@code predict} returns, so the label of any of the last
   * {@link EndpointBuilder#feedback feedback window} answers joins; unknown ids and answers older
   * than the window are ignored and return false.
   */
  public boolean feedback(String requestId, T truth) {
    Validation.notNull("truth", truth);
    FeedbackWindow.Issued i = issued == null ? null : issued.get(Validation.notNull("request id", requestId));
    if (i == null) {
      return false;
    }
    boolean right = truth.getSerializableForm(false).equals(i.output());
    i.variant().window.outcome(right);
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
    routed.get(0).weight = Math.max(0, 1 - others - weight);
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
   * @throws LoadFailedException when a load of that version that ends after this call fails (the
   *     previous version keeps serving); the message says why
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
    Variant.Active<T> a = v.retainedVersion(version);
    if (a == null) {
      throw new NotFoundException("version " + version + " of variant '" + variant + "' is not loaded; loaded: " + v.retainedVersions());
    }
    v.flip(a);
    LOG.info("endpoint {}: {} rolled back to v{}", name, variant, version);
  }

  /** Adds a listener for what the rollout policy does. */
  public void onRollout(Consumer<RolloutEvent> listener) {
    rolloutListeners.add(Validation.notNull("listener", listener));
  }

  void announce(RolloutEvent e) {
    for (Consumer<RolloutEvent> l : rolloutListeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        LOG.warn("rollout listener of endpoint {} failed", name, ex);
      }
    }
  }

  void flipped(Variant<T> v, Variant.Active<T> now) {
    if (rollout != null) {
      rollout.flipped(v, now);
    }
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
    Variant<T> primary = routed.get(0);
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
    return new EndpointStatus(name, state, reason, vs, (int) inFlight(),
        shadowRunner == null ? 0 : shadowRunner.depth(), sink == null ? 0 : sink.depth(), shadowRunner == null ? 0 : shadowRunner.dropped(),
        sink == null ? EndpointStatus.Logging.NONE : new EndpointStatus.Logging(sink.rows(), sink.rowsDropped(), sink.labels(),
            sink.labelsDropped(), sink.labelsUnjoined()), rejected.sum());
  }

  /** The A/B summary: each variant's outcome compared with the champion's by a two-proportion z-test. */
  public List<AbSummary> abSummary() {
    return AbSummary.of(routed);
  }

  double queueDepth(String queue) {
    return switch (queue) {
      case "shadow" -> shadowRunner == null ? 0 : shadowRunner.depth();
      case "log" -> sink == null ? 0 : sink.depth();
      case "batch" -> batchers == null ? 0 : batchers.values().stream().mapToInt(Batcher::depth).sum();
      default -> 0;
    };
  }

  /** What a background queue dropped, by item: a shadow {@code request}, a log {@code row} or a log {@code label}. */
  double dropped(String item) {
    return switch (item) {
      case "request" -> shadowRunner == null ? 0 : shadowRunner.dropped();
      case "row" -> sink == null ? 0 : sink.rowsDropped();
      case "label" -> sink == null ? 0 : sink.labelsDropped();
      default -> 0;
    };
  }

  List<String> variantNames() {
    return List.copyOf(byName.keySet());
  }

  double latencyQuantileSeconds(String variant, double q) {
    return LatencyHistogram.quantile(variant(variant).totals().latency, q) / 1e9;
  }

  double inFlight() {
    return permits == null ? 0 : maxConcurrency - permits.availablePermits();
  }

  /** Waits until shadow requests and prediction-log entries queued so far are processed (for tests and shutdown). */
  public boolean awaitBackgroundWork(long timeoutMillis) {
    boolean ok = background.awaitIdle(timeoutMillis);
    if (rollout != null) {
      ok &= rollout.awaitIdle(timeoutMillis);
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
    server.removed(this);
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "Endpoint[" + name + "]";
  }
}
