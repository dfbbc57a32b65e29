package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.RolloutPolicy;
import dev.mlops.serving.Served;
import dev.mlops.testkit.Eventually;
import dev.mlops.tracking.Tracker;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/** A blessed challenger handed to a serving endpoint's canary: promoted when it holds up on live traffic, rejected when rolled back. */
class CanaryRolloutTest {
  private StorageBackend backend;
  private Tracker tracker;
  private ModelRegistry registry;
  private int champion;

  @BeforeEach
  void open() {
    backend = StorageBackend.open("mem:canary-" + UUID.randomUUID());
    tracker = Tracker.builder().storage(backend).build();
    registry = ModelRegistry.builder().storage(backend).principal(() -> "ct-bot").build();
    champion = Fixture.champion(registry, "churn", "champion");
    registry.setAlias("churn", "canary", champion);
  }

  @AfterEach
  void close() {
    tracker.close();
    registry.close();
    backend.close();
  }

  private RetrainingLoop<Label> loop(double trainingShift) {
    return RetrainingLoop.builder("canary-loop", Label.class).tracker(tracker).registry(registry).model("churn")
        .executor(Runnable::run).pollInterval(Duration.ZERO).rollout(Rollout.canary("canary"))
        .data(ctx -> TrainingData.of(Fixture.data(31, 400, trainingShift), Map.of()))
        .trainer(new LogisticRegressionTrainer())
        .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").atLeast(0.7))
            .firstModel(Blessing.FirstModelPolicy.BLESS_ON_VALUE_BOUNDS))
        .build();
  }

  /** Live traffic from the unshifted world, each answer followed by its true label. */
  private static void traffic(Endpoint<Label> e, int requests, long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < requests; i++) {
      Map<String, Object> row = Fixture.row(r, 0);
      Served<Label> answer = e.predict(row);
      e.feedback(answer.requestId(), new Label(((Double) row.get("x1")) > 0 ? "yes" : "no"));
    }
  }

  private Endpoint<Label> endpoint(ModelServer server) {
    return server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.5)
        .rollout(RolloutPolicy.builder().window(100).minAccuracyDelta(-0.10, 30).restoreAlias(true).promoteAfter(300, "champion").build())
        .build();
  }

  @Test
  void aCanaryThatHoldsUpIsPromotedByTheEndpointAndTheLoopRecordsIt() {
    try (ModelServer server = ModelServer.builder().registry(registry).build(); RetrainingLoop<Label> loop = loop(0)) {
      Endpoint<Label> e = endpoint(server);
      loop.trigger("weekly");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.ROLLOUT_PENDING, rt.state(), rt.toString());
      assertEquals(champion, registry.aliases("churn").get("champion"), "only the canary moved");
      AtomicLong seed = new AtomicLong();
      Eventually.until(() -> {
        traffic(e, 200, seed.incrementAndGet());
        return rt.challengerVersion().equals(registry.aliases("churn").get("champion"));
      }, "the endpoint promotes the canary after clean traffic");
      loop.poll();
      Retraining done = loop.retraining(rt.id()).orElseThrow();
      assertEquals(Retraining.State.PROMOTED, done.state(), done.toString());
      assertTrue(done.rollout().detail().contains("passed"), done.rollout().detail());
    }
  }

  @Test
  void aCanaryRolledBackOnLiveAccuracyIsRejected() {
    // trained and blessed on a shifted world, the challenger is wrong on the live (unshifted) traffic
    try (ModelServer server = ModelServer.builder().registry(registry).build(); RetrainingLoop<Label> loop = loop(4)) {
      Endpoint<Label> e = endpoint(server);
      loop.trigger("drift");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.ROLLOUT_PENDING, rt.state(), rt.toString());
      AtomicLong seed = new AtomicLong();
      Eventually.until(() -> {
        traffic(e, 200, seed.incrementAndGet());
        return !rt.challengerVersion().equals(registry.aliases("churn").get("canary"));
      }, "the endpoint rolls the canary back and moves @canary off it");
      loop.poll();
      Retraining done = loop.retraining(rt.id()).orElseThrow();
      assertEquals(Retraining.State.REJECTED, done.state(), done.toString());
      assertTrue(done.rollout().detail().contains("rolled back"), done.rollout().detail());
      assertEquals(champion, registry.aliases("churn").get("champion"));
    }
  }
}
