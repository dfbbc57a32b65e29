package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.Concurrently;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.tracking.Tracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/** Two loop instances on one PostgreSQL database (a fleet in one test): each trigger is retrained once, one retraining at a time. */
@Postgres
class PostgresFleetTest {
  /** Triggers a finished retraining took, plus those a promotion superseded. */
  private static long answered(RetrainingLoop<Label> loop) {
    List<Retraining> h = loop.history();
    if (h.stream().anyMatch(r -> !r.state().terminal())) {
      return 0;
    }
    return h.stream().mapToInt(r -> r.triggers().size()).sum()
        + loop.triggers().stream().filter(t -> t.outcome() == TriggerResult.Outcome.SUPERSEDED).count();
  }

  @Test
  void twoInstancesOnOnePostgresRetrainOncePerTriggerAndNeverAtTheSameTime() throws Exception {
    String url = PostgresServer.newDatabase();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlap = new AtomicInteger();
    AtomicInteger trainings = new AtomicInteger();
    AtomicInteger[] passes = {new AtomicInteger(), new AtomicInteger()};
    List<AutoCloseable> open = new ArrayList<>();
    List<RetrainingLoop<Label>> loops = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        StorageBackend backend = StorageBackend.open(url);
        Tracker tracker = Tracker.builder().storage(backend).build();
        ModelRegistry registry = ModelRegistry.builder().storage(backend).principal(() -> "bot").build();
        open.add(backend);
        open.add(tracker);
        open.add(registry);
        if (i == 0) {
          Fixture.champion(registry, "churn", "champion");
        }
        int me = i;
        ExecutorService worker = Executors.newSingleThreadExecutor();
        open.add(worker::shutdownNow);
        // the instance's worker passes, counted as each ends
        Executor counted = task -> worker.execute(() -> {
          try {
            task.run();
          } finally {
            passes[me].incrementAndGet();
          }
        });
        RetrainingLoop<Label> loop = RetrainingLoop.builder("fleet", Label.class).tracker(tracker).registry(registry).model("churn")
            .holder("instance-" + i).cooldown(Duration.ZERO).pollInterval(Duration.ofMillis(50)).leaseTtl(Duration.ofSeconds(5))
            .executor(counted).rollout(Rollout.moveAlias()).data(ctx -> TrainingData.of(Fixture.data(ctx.time(), 300, 3), Map.of()))
            .training((train, ctx) -> {
              if (running.incrementAndGet() > 1) {
                overlap.incrementAndGet();
              }
              trainings.incrementAndGet();
              // the training lasts until the other instance has made a worker pass meanwhile: were the lease not held,
              // that pass would start a second retraining now and be counted as an overlap
              int other = 1 - me;
              int seen = passes[other].get();
              loops.get(other).poll();
              Eventually.until(() -> passes[other].get() > seen, "instance " + other + " makes a worker pass while " + me + " trains");
              running.decrementAndGet();
              return new LogisticRegressionTrainer().train(train);
            })
            .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").atLeast(0.5))).build();
        open.add(0, loop);
        loops.add(loop);
      }
      java.util.Queue<String> outcomes = new java.util.concurrent.ConcurrentLinkedQueue<>();
      // both instances see the same three alerts (as a fleet's monitors would), and each its own manual trigger
      Concurrently.run(2, i -> {
        for (int w = 0; w < 3; w++) {
          outcomes.add(i + ":" + loops.get(i).trigger("drift in window " + w, "alert:traffic:dataset_drift:" + w).outcome());
        }
        loops.get(i).trigger("operator on instance " + i);
      });
      Eventually.until(() -> answered(loops.get(0)) >= 5, () -> "every trigger answered: " + loops.get(0).history());
      List<Retraining> history = loops.get(0).history();
      assertEquals(5, answered(loops.get(0)), "3 shared alerts + 2 manual triggers, each retrained on or superseded by a promotion: "
          + history + " " + loops.get(0).triggers());
      assertEquals(5, loops.get(0).triggers().size());
      assertEquals(0, overlap.get(), "never two retrainings at once");
      assertEquals(history.size(), trainings.get(), "one training per retraining");
      // the last retraining may still write its final record after its trigger was answered: both instances read the
      // one stored history once it settles
      Eventually.until(() -> loops.get(1).history().equals(loops.get(0).history()),
          () -> "both instances read one history: " + loops.get(0).history() + " and " + loops.get(1).history());
      assertEquals(3, outcomes.stream().filter(o -> o.endsWith("DUPLICATE")).count(), outcomes.toString());
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }
}
