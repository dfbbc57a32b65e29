package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.monitoring.Monitor;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * Builds a {@link RetrainingLoop}. Required: {@link #tracker}, {@link #registry}, {@link #model},
 * {@link #data}, a training ({@link #trainer} or {@link #training}) and {@link #blessing}.
 */
public final class RetrainingLoopBuilder<T extends Output<T>> {
  final String name;
  final Class<T> outputType;
  @Nullable Tracker tracker;
  @Nullable ModelRegistry registry;
  @Nullable String model;
  String alias = "champion";
  @Nullable String experiment;
  @Nullable StorageBackend storage;
  final List<Monitor> monitors = new ArrayList<>();
  @Nullable PerformanceSignal performance;
  boolean driftAlone;
  @Nullable Duration schedule;
  boolean catchUp;
  @Nullable LongSupplier labels;
  long labelsEvery;
  Duration cooldown = Duration.ofHours(1);
  int maxFailures = 3;
  @Nullable TrainingDataSource<T> data;
  DataValidation validation = DataValidation.defaults();
  @Nullable Training<T> training;
  double holdoutFraction = 0.2;
  long seed = 42;
  @Nullable ModelEvaluator<T> evaluator;
  @Nullable Blessing blessing;
  Rollout rollout = Rollout.promotionRequest();
  Duration leaseTtl = Duration.ofMinutes(2);
  Duration pollInterval = Duration.ofSeconds(10);
  Clock clock = Clock.systemUTC();
  @Nullable String holder;
  @Nullable Executor executor;
  final List<Consumer<Retraining>> listeners = new ArrayList<>();
  final java.util.Map<String, FlavorLoader<T>> loaders = new java.util.LinkedHashMap<>();

  RetrainingLoopBuilder(String name, Class<T> outputType) {
    this.name = name;
    this.outputType = outputType;
  }

  /** Where retraining runs are tracked (required). */
  public RetrainingLoopBuilder<T> tracker(Tracker tracker) {
    this.tracker = Validation.notNull("tracker", tracker);
    return this;
  }

  /** Where challengers are registered and promoted (required); its storage also keeps the loop's lease and history unless {@link #storage} says otherwise. */
  public RetrainingLoopBuilder<T> registry(ModelRegistry registry) {
    this.registry = Validation.notNull("registry", registry);
    return this;
  }

  /** The registered model the loop maintains (required). */
  public RetrainingLoopBuilder<T> model(String model) {
    this.model = Validation.key("model", model);
    return this;
  }

  /** The alias that serves the champion (default {@code champion}). */
  public RetrainingLoopBuilder<T> alias(String alias) {
    this.alias = Validation.key("alias", alias);
    return this;
  }

  /** The experiment of the retraining runs (default {@code retraining-<name>}). */
  public RetrainingLoopBuilder<T> experiment(String experiment) {
    this.experiment = Validation.key("experiment", experiment);
    return this;
  }

  /** Keeps the lease, trigger queue and history in this backend (default: the registry's). */
  public RetrainingLoopBuilder<T> storage(StorageBackend backend) {
    this.storage = Validation.notNull("storage", backend);
    return this;
  }

  /**
   * Triggers on this monitor's alerts, and re-references it to the new champion's training data after a promotion: its
   * columns the training rows hold as features are profiled from them, the others keep their previous profile.
   */
  public RetrainingLoopBuilder<T> watch(Monitor monitor) {
    monitors.add(Validation.notNull("monitor", monitor));
    return this;
  }

  /** A performance signal: a trigger of its own when it reads degraded, and the confirmation drift alerts need. */
  public RetrainingLoopBuilder<T> performance(PerformanceSignal signal) {
    this.performance = Validation.notNull("performance", signal);
    return this;
  }

  /** Whether a drift or quality alert retrains without a confirming performance drop (default false). */
  public RetrainingLoopBuilder<T> retrainOnDriftAlone(boolean alone) {
    this.driftAlone = alone;
    return this;
  }

  /** Retrains once per {@code every}, aligned to the epoch (the first slot is the next one, not the current). */
  public RetrainingLoopBuilder<T> schedule(Duration every) {
    if (every == null || every.isNegative() || every.isZero()) {
      throw InvalidArgumentException.of("schedule", every, "must be a positive duration");
    }
    this.schedule = every;
    return this;
  }

  /** Whether slots missed while no loop ran are each replayed (default false: only the latest slot fires). */
  public RetrainingLoopBuilder<T> catchUp(boolean catchUp) {
    this.catchUp = catchUp;
    return this;
  }

  /** Retrains every {@code every} new labelled rows, read from {@code totalLabelled} (a running count). */
  public RetrainingLoopBuilder<T> newLabels(LongSupplier totalLabelled, long every) {
    if (every < 1) {
      throw InvalidArgumentException.of("newLabels.every", every, "must be >= 1");
    }
    this.labels = Validation.notNull("totalLabelled", totalLabelled);
    this.labelsEvery = every;
    return this;
  }

  /**
   * The quiet time after each retraining attempt (default 1 hour), counted from when the attempt ended
   * ({@link Retraining#ended()}): a trigger made earlier is recorded {@code COOLDOWN} and starts nothing. Zero refuses
   * no trigger.
   */
  public RetrainingLoopBuilder<T> cooldown(Duration cooldown) {
    if (cooldown == null || cooldown.isNegative()) {
      throw InvalidArgumentException.of("cooldown", cooldown, "must be zero or positive");
    }
    this.cooldown = cooldown;
    return this;
  }

  /** Pauses the loop after this many failed attempts in a row (default 3; 0 never pauses). */
  public RetrainingLoopBuilder<T> maxFailures(int failures) {
    if (failures < 0) {
      throw InvalidArgumentException.of("maxFailures", failures, "must be >= 0");
    }
    this.maxFailures = failures;
    return this;
  }

  /** Where each retraining's rows come from (required). */
  public RetrainingLoopBuilder<T> data(TrainingDataSource<T> source) {
    this.data = Validation.notNull("data", source);
    return this;
  }

  /** The data validation (default {@link DataValidation#defaults()}). */
  public RetrainingLoopBuilder<T> validation(DataValidation validation) {
    this.validation = Validation.notNull("validation", validation);
    return this;
  }

  /** Trains challengers with a Tribuo trainer. */
  public RetrainingLoopBuilder<T> trainer(Trainer<T> trainer) {
    this.training = Training.of(Validation.notNull("trainer", trainer));
    return this;
  }

  /**
   * How the loop loads versions of a flavor other than Tribuo's (the champion, and a registered
   * challenger for its infra check) to evaluate them on the holdout; {@code mlops-onnx}'s
   * {@code OnnxRetraining.loader()} loads {@code onnx} versions. A version of a flavor without a
   * loader is loaded as a Tribuo model.
   */
  public RetrainingLoopBuilder<T> loader(String flavor, FlavorLoader<T> loader) {
    loaders.put(Validation.key("flavor", flavor), Validation.notNull("loader", loader));
    return this;
  }

  /** Trains challengers with any code. */
  public RetrainingLoopBuilder<T> training(Training<T> training) {
    this.training = Validation.notNull("training", training);
    return this;
  }

  /** The share of rows held out when the data source gives no holdout (default 0.2). */
  public RetrainingLoopBuilder<T> holdoutFraction(double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw InvalidArgumentException.of("holdoutFraction", fraction, "must be in (0, 1)");
    }
    this.holdoutFraction = fraction;
    return this;
  }

  /** The seed of the holdout split, recorded on every retraining (default 42). */
  public RetrainingLoopBuilder<T> seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** The evaluator (default: {@link ModelEvaluator#classification()} for labels, {@link ModelEvaluator#regression()} for regressors). */
  public RetrainingLoopBuilder<T> evaluator(ModelEvaluator<T> evaluator) {
    this.evaluator = Validation.notNull("evaluator", evaluator);
    return this;
  }

  /** The blessing rule (required: a loop never decides silently). */
  public RetrainingLoopBuilder<T> blessing(Blessing blessing) {
    this.blessing = Validation.notNull("blessing", blessing);
    return this;
  }

  /** How a blessed challenger is rolled out (default {@link Rollout#promotionRequest()}). */
  public RetrainingLoopBuilder<T> rollout(Rollout rollout) {
    this.rollout = Validation.notNull("rollout", rollout);
    return this;
  }

  /**
   * The lease's time to live (default 2 minutes). A worker pass renews the lease it holds every quarter of it, from the
   * moment it takes it, on a thread of the loop's own that does nothing else; a holder that stalls longer than this
   * (a long GC pause, a suspended VM) loses the lease and writes nothing more to the loop's history.
   */
  public RetrainingLoopBuilder<T> leaseTtl(Duration ttl) {
    if (ttl == null || ttl.toMillis() < 30) {
      throw InvalidArgumentException.of("leaseTtl", ttl, "must be at least 30 ms");
    }
    this.leaseTtl = ttl;
    return this;
  }

  /** How often the loop polls its schedule and signals (default 10 s; zero: only when {@link RetrainingLoop#poll()} is called). */
  public RetrainingLoopBuilder<T> pollInterval(Duration interval) {
    if (interval == null || interval.isNegative()) {
      throw InvalidArgumentException.of("pollInterval", interval, "must be zero or positive");
    }
    this.pollInterval = interval;
    return this;
  }

  /** The clock of triggers, cooldowns and leases (default UTC system clock). */
  public RetrainingLoopBuilder<T> clock(Clock clock) {
    this.clock = Validation.notNull("clock", clock);
    return this;
  }

  /** This instance's lease holder id (default: process name plus a random suffix). */
  public RetrainingLoopBuilder<T> holder(String holder) {
    this.holder = Validation.key("holder", holder);
    return this;
  }

  /** Calls {@code listener} with each retraining when it ends, waits for its rollout, or is found killed. */
  public RetrainingLoopBuilder<T> onRetraining(Consumer<Retraining> listener) {
    listeners.add(Validation.notNull("listener", listener));
    return this;
  }

  /**
   * Runs retrainings on this executor (default: one daemon thread of the loop's own), one worker
   * pass at a time whatever the executor. An executor that refuses a pass (shut down, or full)
   * never makes the polling thread train: the refusal is logged and the next poll asks again.
   */
  public RetrainingLoopBuilder<T> executor(Executor executor) {
    this.executor = Validation.notNull("executor", executor);
    return this;
  }

  /**
   * Builds and starts the loop (polling, alert listening).
   *
   * @throws InvalidArgumentException naming the first missing or inconsistent setting
   */
  @SuppressWarnings("unchecked")
  public RetrainingLoop<T> build() {
    if (tracker == null) {
      throw InvalidArgumentException.of("tracker", "(none)", "a retraining loop tracks its runs: call tracker(...)");
    }
    if (registry == null) {
      throw InvalidArgumentException.of("registry", "(none)", "a retraining loop registers challengers: call registry(...)");
    }
    if (model == null) {
      throw InvalidArgumentException.of("model", "(none)", "name the registered model the loop maintains: call model(...)");
    }
    if (data == null) {
      throw InvalidArgumentException.of("data", "(none)", "a retraining needs rows to train on: call data(...)");
    }
    if (training == null) {
      throw InvalidArgumentException.of("training", "(none)", "call trainer(...) or training(...)");
    }
    if (blessing == null) {
      throw InvalidArgumentException.of("blessing", "(none)",
          "a loop without a blessing rule would roll out every challenger: call blessing(Blessing.of(...))");
    }
    if (!monitors.isEmpty() && performance == null && !driftAlone) {
      throw InvalidArgumentException.of("performance", "(none)", "watched monitors' drift alerts retrain only when a performance signal"
          + " confirms a drop: call performance(...), or retrainOnDriftAlone(true) to retrain on drift alone");
    }
    ModelEvaluator<T> ev = evaluator;
    if (ev == null) {
      if (outputType == Label.class) {
        ev = (ModelEvaluator<T>) (ModelEvaluator<?>) ModelEvaluator.classification();
      } else if (outputType == Regressor.class) {
        ev = (ModelEvaluator<T>) (ModelEvaluator<?>) ModelEvaluator.regression();
      } else {
        throw InvalidArgumentException.of("evaluator", "(none)", "no built-in evaluator for " + outputType.getSimpleName() + ": call evaluator(...)");
      }
    }
    StorageBackend backend = storage != null ? storage : registry.backend();
    if (!backend.offers(RetrainingStore.class)) {
      throw InvalidArgumentException.of("storage", backend.storageUri(), "this backend offers no RetrainingStore (schemes with one: "
          + StorageBackend.knownSchemes() + ")");
    }
    return new RetrainingLoop<>(this, registry, backend.store(RetrainingStore.class), ev, training);
  }
}
