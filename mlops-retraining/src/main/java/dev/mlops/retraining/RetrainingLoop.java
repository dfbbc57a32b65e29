package dev.mlops.retraining;

import dev.mlops.api.internal.DaemonThreads;
import dev.mlops.api.internal.Digests;
import dev.mlops.api.internal.SerialDrain;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.monitoring.Alert;
import dev.mlops.monitoring.Monitor;
import dev.mlops.registry.ModelRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Output;
import org.tribuo.classification.Label;

/**
 * Continuous training of one registered model: triggers (monitor alerts, a performance signal, a
 * schedule, new labelled rows, a manual call) become retrainings that validate fresh data, train a
 * challenger, evaluate it and the champion on the same held-out rows, decide by a blessing rule, and
 * roll the challenger out only through the registry's governance. After a promotion the watched
 * monitors compare with the new champion's training data. Everything is recorded: a tracked parent
 * run per retraining, and the loop's history in the store.
 *
 * <pre>{@code
 * RetrainingLoop<Label> loop = RetrainingLoop.builder("churn", Label.class)
 *     .tracker(tracker).registry(registry).model("churn").alias("champion")
 *     .watch(monitor).performance(PerformanceSignal.predictionLog(log, "accuracy", 0.8))
 *     .data(context -> TrainingData.of(recentLabelledRows(), Map.of("source", "last 7 days")))
 *     .trainer(new LogisticRegressionTrainer())
 *     .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.005).atLeast(0.7)))
 *     .rollout(Rollout.promotionRequest())
 *     .build();
 * }</pre>
 *
 * <p>Guarantees. At most one retraining of a loop runs at a time across every process on the store:
 * a lease in the store with an epoch (a fencing token) decides which, and every write that follows
 * from it (the retraining's record, the registration, the rollout, the re-reference) is checked
 * against the epoch first, so a process whose lease passed to another cannot act. Triggers are
 * deduplicated by idempotency key; triggers arriving during a retraining are coalesced into one
 * follow-up, which starts after the cooldown (unless that retraining promoted a new champion: the
 * triggers were about the replaced one, and are closed as {@code SUPERSEDED}); a trigger within the cooldown after a retraining is
 * recorded and skipped; missed schedule slots are not replayed unless {@link RetrainingLoopBuilder#catchUp}; after
 * {@link RetrainingLoopBuilder#maxFailures} failed attempts in a row the loop pauses until {@link #resume()}. A
 * drift or quality alert retrains only when the performance signal confirms a drop, unless
 * {@link RetrainingLoopBuilder#retrainOnDriftAlone}. A retraining whose process died is found by the next lease
 * holder, its run marked KILLED (never FINISHED), and its triggers queued again under the same
 * idempotency key, which finds an already registered challenger instead of registering twice.
 *
 * <p>The record follows the registry. Every check that can refuse a challenger runs before the rollout starts; once
 * the registry's event history shows the alias moved to the challenger, the retraining is PROMOTED, and anything that
 * failed afterwards (a monitor's re-reference, the rollout's own report, a write to the run, a lost lease) is in
 * {@link Retraining#warnings()}: no record says a champion was kept that was in fact replaced.
 */
public final class RetrainingLoop<T extends Output<T>> implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger(RetrainingLoop.class);
  /** The version tag holding the idempotency key of the retraining that registered it. */
  public static final String KEY_TAG = "mlops.retraining.key";
  /** The run tag naming the loop a retraining run belongs to. */
  public static final String LOOP_TAG = "mlops.retraining.loop";

  /** What the worker needs, fixed at build time. */
  final LoopConfig<T> config;
  /** What this instance remembers while it runs, shared with the worker. */
  final LoopState state;
  private final @Nullable PerformanceSignal performance;
  private final boolean driftAlone;
  private final @Nullable Duration schedule;
  private final boolean catchUp;
  private final @Nullable LongSupplier labels;
  private final long labelsEvery;
  private final @Nullable ExecutorService ownedExecutor;
  private final ScheduledExecutorService timer;
  private final ScheduledExecutorService leaseTimer;
  /** Runs the worker's passes one at a time on the executor; a refusing executor is counted and retried on the next poll. */
  private final SerialDrain worker;
  private final Object pollLock = new Object();
  private long lastSlot = Long.MIN_VALUE;
  private long lastLabelBucket = Long.MIN_VALUE;
  private volatile boolean closed;

  RetrainingLoop(RetrainingLoopBuilder<T> b, ModelRegistry registry, RetrainingStore store, ModelEvaluator<T> evaluator, Training<T> training) {
    String holder = b.holder != null ? b.holder
        : ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    this.config = new LoopConfig<>(b.name, b.outputType, b.tracker, registry, b.model, b.alias,
        b.experiment == null ? "retraining-" + b.name : b.experiment, store, LoopHistory.of(store, b.name), b.monitors, b.data, b.validation,
        training, b.holdoutFraction, b.seed, evaluator, b.blessing, b.rollout, b.leaseTtl, b.cooldown, b.maxFailures, b.clock, holder,
        b.loaders);
    this.performance = b.performance;
    this.driftAlone = b.driftAlone;
    this.schedule = b.schedule;
    this.catchUp = b.catchUp;
    this.labels = b.labels;
    this.labelsEvery = b.labelsEvery;
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("mlops-retraining-timer-" + b.name));
    this.leaseTimer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("mlops-retraining-lease-" + b.name));
    Executor executor;
    if (b.executor == null) {
      this.ownedExecutor = Executors.newSingleThreadExecutor(DaemonThreads.named("mlops-retraining-" + b.name));
      executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      executor = b.executor;
    }
    this.state = new LoopState(b.name, leaseTimer, this::requestDrain);
    this.worker = new SerialDrain("retraining loop " + b.name, executor, this::workerPass);
    config.tracker().getOrCreateExperiment(config.experiment());
    long now = config.clock().millis();
    if (schedule != null) {
      this.lastSlot = now / schedule.toMillis();
    }
    if (labels != null) {
      this.lastLabelBucket = labels.getAsLong() / labelsEvery;
    }
    b.listeners.forEach(state::addListener);
    for (Monitor m : config.monitors()) {
      m.onAlert(this::onAlert);
    }
    if (!b.pollInterval.isZero()) {
      long ms = b.pollInterval.toMillis();
      timer.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /** A builder of the loop named {@code name} (unique per store: the lease and the history are keyed by it) for models of {@code outputType}. */
  public static <T extends Output<T>> RetrainingLoopBuilder<T> builder(String name, Class<T> outputType) {
    return new RetrainingLoopBuilder<>(Validation.key("name", name), Validation.notNull("outputType", outputType));
  }

  /** The loop's name. */
  public String name() {
    return config.name();
  }

  /** This loop instance's lease holder id (process name and a random suffix unless set). */
  public String holder() {
    return config.holder();
  }

  // ------------------------------------------------------------------ triggers

  /** Asks for a retraining now, for {@code reason}; each call is a distinct trigger. */
  public TriggerResult trigger(String reason) {
    return trigger(reason, "manual:" + UUID.randomUUID());
  }

  /** Asks for a retraining with the caller's idempotency key: a second call with the same key is a {@code DUPLICATE}. */
  public TriggerResult trigger(String reason, String idempotencyKey) {
    Validation.notNull("reason", reason);
    Validation.key("idempotencyKey", idempotencyKey);
    return offer(new Trigger(Trigger.Kind.MANUAL, reason, idempotencyKey, config.clock().millis(), Map.of()));
  }

  /**
   * Takes a monitor alert (watched monitors deliver theirs here; wire others with
   * {@code monitor.onAlert(loop::onAlert)}). The trigger's kind follows the alert's kind, never its
   * rule's name: drift ({@link dev.mlops.monitoring.AlertKind#isDrift()}) is {@code DRIFT}, quality
   * {@code QUALITY}, a metric below its bound {@code PERFORMANCE}, any other alert {@code ALERT}. Its
   * idempotency key is the monitor, rule and window, so the same alert delivered twice counts once.
   */
  public TriggerResult onAlert(Alert alert) {
    String rule = alert.rule();
    Trigger.Kind kind = switch (alert.kind()) {
      case DATASET_DRIFT, COLUMN_DRIFT -> Trigger.Kind.DRIFT;
      case QUALITY -> Trigger.Kind.QUALITY;
      case METRIC -> Trigger.Kind.PERFORMANCE;
      case WINDOWS_DROPPED, RULE_FAILED, CUSTOM -> Trigger.Kind.ALERT;
    };
    return offer(new Trigger(kind, alert.message(), "alert:" + alert.monitor() + ":" + rule + ":" + alert.window(), config.clock().millis(),
        Map.of("monitor", alert.monitor(), "rule", rule, "kind", alert.kind().name(), "window", Long.toString(alert.window()))));
  }

  private TriggerResult record(Trigger t, TriggerResult.Outcome outcome, String detail, @Nullable String marker) {
    boolean added = config.store().addTrigger(config.history().stored(new TriggerResult(outcome, t, detail), marker));
    if (!added) {
      return new TriggerResult(TriggerResult.Outcome.DUPLICATE, t, "a trigger with key " + t.key() + " was already received");
    }
    LOG.info("retraining loop {}: {} trigger {} ({}): {}", config.name(), t.kind(), t.key(), outcome, detail);
    return new TriggerResult(outcome, t, detail);
  }

  TriggerResult offer(Trigger offered) {
    Trigger t = offered;
    if (closed) {
      throw new IllegalStateException("retraining loop " + config.name() + " is closed");
    }
    List<Retraining> history = history();
    if (config.paused(history)) {
      return record(t, TriggerResult.Outcome.PAUSED, "the loop is paused after " + config.maxFailures() + " failed attempts in a row: call resume()",
          "paused");
    }
    if ((t.kind() == Trigger.Kind.DRIFT || t.kind() == Trigger.Kind.QUALITY || t.kind() == Trigger.Kind.ALERT) && !driftAlone) {
      Optional<PerformanceCheck> check = performance == null ? Optional.empty() : performance.check();
      if (check.isEmpty() || !check.get().degraded()) {
        Trigger.Kind kind = t.kind();
        String why = check.map(c -> String.format(Locale.ROOT, "%s alert without a performance drop: %s = %.4g (floor %.4g, %s)",
            kind.name().toLowerCase(Locale.ROOT), c.metric(), c.value(), c.threshold(), c.source()))
            .orElse(kind.name().toLowerCase(Locale.ROOT) + " alert without a performance reading to confirm it");
        return record(t, TriggerResult.Outcome.SUPPRESSED, why, "suppressed");
      }
      PerformanceCheck c = check.get();
      Map<String, String> detail = new HashMap<>(t.detail());
      detail.put("confirmed_by", String.format(Locale.ROOT, "%s = %.4g below %.4g (%s)", c.metric(), c.value(), c.threshold(), c.source()));
      t = new Trigger(t.kind(), t.reason(), t.key(), t.time(), detail);
    }
    boolean busy = history.stream().anyMatch(r -> !r.state().terminal()) || !config.history().pending(1).isEmpty();
    if (!busy && config.inCooldown(history, t.time())) {
      long lastEnd = LoopConfig.lastEnd(history);
      return record(t, TriggerResult.Outcome.COOLDOWN, "within the cooldown of " + config.cooldown() + " after the retraining that ended at "
          + java.time.Instant.ofEpochMilli(lastEnd), "cooldown");
    }
    TriggerResult r = record(t, TriggerResult.Outcome.QUEUED, busy ? "queued behind the running retraining: coalesced into one follow-up"
        : "queued", null);
    if (r.queued()) {
      requestDrain();
    }
    return r;
  }

  /**
   * Checks the schedule, the new-label count and the performance signal now, takes over work a dead
   * process left, resolves pending rollouts, and starts a retraining if one is due. The loop calls
   * this every poll interval; calling it directly is for tests and for loops built without polling.
   */
  public void poll() {
    if (closed) {
      return;
    }
    long now = config.clock().millis();
    synchronized (pollLock) {
      if (schedule != null) {
        long slot = now / schedule.toMillis();
        if (slot > lastSlot) {
          long from = catchUp ? Math.max(lastSlot + 1, slot - 1000) : slot;
          for (long s = from; s <= slot; s++) {
            offer(new Trigger(Trigger.Kind.SCHEDULE, "scheduled every " + schedule, "schedule:" + s, now,
                Map.of("slot_start", java.time.Instant.ofEpochMilli(s * schedule.toMillis()).toString())));
          }
          lastSlot = slot;
        }
      }
      if (labels != null) {
        long total = labels.getAsLong();
        long bucket = total / labelsEvery;
        if (bucket > lastLabelBucket) {
          offer(new Trigger(Trigger.Kind.NEW_DATA, total + " labelled rows (a retraining every " + labelsEvery + " new ones)",
              "labels:" + bucket, now, Map.of("labelled_rows", Long.toString(total))));
          lastLabelBucket = bucket;
        }
      }
      if (performance != null) {
        performance.check().filter(PerformanceCheck::degraded).ifPresent(c -> offer(new Trigger(Trigger.Kind.PERFORMANCE,
            String.format(Locale.ROOT, "%s = %.4g below %.4g (%s)", c.metric(), c.value(), c.threshold(), c.source()),
            "performance:" + c.key(), now, Map.of("metric", c.metric(), "value", Double.toString(c.value()),
                "threshold", Double.toString(c.threshold())))));
      }
    }
    applyLatestReference();
    requestDrain();
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("retraining loop {}: poll failed", config.name(), e);
    }
  }

  // ------------------------------------------------------------------ the worker

  /** Asks the worker for a pass after this call (see {@link SerialDrain}: never on the caller's thread, one pass at a time). */
  void requestDrain() {
    if (!closed) {
      worker.request();
    }
  }

  private void workerPass() {
    if (closed) {
      return;
    }
    try {
      new Worker<>(config, state).runOnce();
    } catch (RuntimeException e) {
      LOG.warn("retraining loop {}: a pass of the worker failed; the next poll retries", config.name(), e);
    }
  }

  /** Waits until the worker is idle (no pass running or asked for); true if it became idle within {@code timeout}. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return worker.awaitIdle(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Points the watched monitors at the newest promoted challenger's training data, once per promotion, in this process (so
   * every process of a fleet follows the promotion one process made), while the alias still serves that challenger.
   */
  void applyLatestReference() {
    if (config.monitors().isEmpty()) {
      return;
    }
    Optional<Retraining> latest = config.history().promotions().stream().filter(r -> r.referenceDigest() != null).reduce((x, y) -> y);
    ModelRegistry registry = config.registry();
    // only while the alias still serves that retraining's challenger: a champion set by other means has its own reference
    if (latest.isPresent() && !state.referenceApplied(latest.get().id()) && registry.getModel(config.model()).isPresent()
        && latest.get().challengerVersion() != null
        && latest.get().challengerVersion().equals(registry.aliases(config.model()).get(config.alias()))) {
      for (String problem : References.apply(config, latest.get())) {
        LOG.warn("retraining loop {}: after retraining {}: {}", config.name(), latest.get().id(), problem);
      }
      state.markReferenceApplied(latest.get().id());
    }
  }

  /** Calls {@code listener} with each retraining when it ends, waits for its rollout, or is found killed (on the worker's thread). */
  public void onRetraining(java.util.function.Consumer<Retraining> listener) {
    state.addListener(listener);
  }

  /** How many leases this instance lost while it held them. */
  int leaseLosses() {
    return state.leaseLosses();
  }

  // ------------------------------------------------------------------ history

  /** Every retraining of this loop, oldest first (its stored form: {@link LoopHistory}). */
  public List<Retraining> history() {
    return config.records();
  }

  /** One retraining. */
  public Optional<Retraining> retraining(String id) {
    return config.history().retraining(id).map(LoopHistory.Entry::require);
  }

  /** Every trigger received, oldest first, with what the loop decided (duplicates are not stored, only reported to the caller). */
  public List<TriggerResult> triggers() {
    return config.history().triggers().stream().map(LoopHistory.Entry::require).toList();
  }

  /** Whether the loop is paused: the last {@code maxFailures} retraining attempts since the last {@link #resume()} all failed. */
  public boolean paused() {
    return config.paused(history());
  }

  /** Ends a pause: failures before now no longer count. */
  public void resume() {
    config.store().addTrigger(config.history().resumePoint(config.clock().millis()));
    LOG.info("retraining loop {}: resumed", config.name());
    requestDrain();
  }

  /** The history as a self-contained HTML timeline (no scripts or network). */
  public String timelineHtml() {
    return Timeline.render(this);
  }

  /** Writes {@link #timelineHtml()} to {@code file}. */
  public Path writeTimeline(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return Files.writeString(file, timelineHtml(), StandardCharsets.UTF_8);
  }

  /** Stops polling and the worker; a retraining in progress is interrupted (the next lease holder records it KILLED). */
  @Override
  public void close() {
    closed = true;
    worker.close();
    timer.shutdownNow();
    leaseTimer.shutdownNow();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "RetrainingLoop[" + config.name() + " maintains " + config.model() + "@" + config.alias() + ", holder " + config.holder() + "]";
  }

  static String digest(String text) {
    return Digests.sha256(text);
  }
}
