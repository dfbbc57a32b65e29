package dev.mlops.retraining;

import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/** A fresh store ({@code mem:} unless given) with a tracker and a registry on one clock, and the loop most tests start from. */
final class LoopWorld implements AutoCloseable {
  final StorageBackend backend;
  final Tracker tracker;
  private final Clock clock;
  private ModelRegistry registry;

  LoopWorld(String name, Clock clock) {
    this(StorageBackend.open("mem:" + name + "-" + UUID.randomUUID()), clock);
  }

  /** The world on {@code backend} (closed with it). */
  LoopWorld(StorageBackend backend, Clock clock) {
    this.clock = clock;
    this.backend = backend;
    this.tracker = Tracker.builder().storage(backend).clock(clock).build();
    this.registry = registry("ct-bot", b -> b);
  }

  /** The registry the loops use (principal {@code ct-bot}). */
  ModelRegistry registry() {
    return registry;
  }

  /** Another registry on the store, for {@code principal}, with {@code settings} (protected aliases, gates). */
  ModelRegistry registry(String principal, UnaryOperator<ModelRegistry.Builder> settings) {
    return settings.apply(ModelRegistry.builder().storage(backend).clock(clock).principal(() -> principal)).build();
  }

  /** Replaces the loops' registry with one built with {@code settings}. */
  ModelRegistry replaceRegistry(UnaryOperator<ModelRegistry.Builder> settings) {
    registry.close();
    registry = registry("ct-bot", settings);
    return registry;
  }

  /**
   * A loop maintaining {@code churn@champion}: worker on the calling thread, no polling, a 30-minute cooldown, the
   * alias moved at once, trained on 400 rows of the shifted world, blessed at 0.7 accuracy and at most 0.01 worse.
   */
  RetrainingLoopBuilder<Label> loop(String name) {
    return RetrainingLoop.builder(name, Label.class).tracker(tracker).registry(registry).model("churn").clock(clock)
        .executor(Runnable::run).pollInterval(Duration.ZERO).cooldown(Duration.ofMinutes(30)).rollout(Rollout.moveAlias())
        .data(ctx -> TrainingData.of(Fixture.data(ctx.time(), 400, 3), Map.of("source", "shifted world")))
        .trainer(new LogisticRegressionTrainer())
        .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.01).atLeast(0.7)));
  }

  @Override
  public void close() {
    tracker.close();
    registry.close();
    backend.close();
  }
}
