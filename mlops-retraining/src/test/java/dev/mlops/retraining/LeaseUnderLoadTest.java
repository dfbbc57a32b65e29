package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.Slow;
import dev.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/**
 * A one-second lease on a {@code file:} store, on a machine whose every core is kept busy by spinning threads while the
 * loop polls every 20 ms and trains for three lease lifetimes at a time: the holder never loses its lease. The load
 * varies from run to run; the assertion does not (no lease lost, every retraining promoted under the epoch it began).
 */
@Slow
class LeaseUnderLoadTest {
  private static final Duration TTL = Duration.ofSeconds(1);

  @TempDir
  Path dir;

  @Test
  void aHolderWithAOneSecondLeaseOnABusyMachineNeverLosesIt() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong spins = new AtomicLong();
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
      Thread t = new Thread(() -> {
        long x = 0;
        while (!stop.get()) {
          x = x * 6364136223846793005L + 1442695040888963407L;
        }
        spins.addAndGet(x);
      }, "spinner-" + i);
      t.setDaemon(true);
      t.start();
      spinners.add(t);
    }
    String uri = "file:" + dir.resolve("store");
    try (StorageBackend backend = StorageBackend.open(uri); Tracker tracker = Tracker.builder().storage(backend).build();
        ModelRegistry registry = ModelRegistry.builder().storage(backend).principal(() -> "ct-bot").build()) {
      Fixture.champion(registry, "churn", "champion");
      try (RetrainingLoop<Label> loop = RetrainingLoop.builder("busy", Label.class).tracker(tracker).registry(registry).model("churn")
          .leaseTtl(TTL).pollInterval(Duration.ofMillis(20)).cooldown(Duration.ZERO).rollout(Rollout.moveAlias())
          .data(ctx -> TrainingData.of(Fixture.data(ctx.time(), 400, 3), Map.of()))
          .training((train, ctx) -> {
            // work (not sleep) for three lease lifetimes: train again and again until the wall clock has passed them
            long until = System.nanoTime() + 3 * TTL.toNanos();
            Model<Label> m;
            do {
              m = new LogisticRegressionTrainer().train(train);
            } while (System.nanoTime() < until);
            return m;
          })
          .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").atLeast(0.5))).build()) {
        for (int i = 1; i <= 3; i++) {
          TriggerResult asked = loop.trigger("retraining " + i);
          assertEquals(TriggerResult.Outcome.QUEUED, asked.outcome(), "retraining " + i + " asked for: " + asked + "; " + loop.history());
          int done = i;
          Eventually.until(() -> loop.history().size() == done && loop.history().get(done - 1).state().terminal(),
              () -> "retraining " + done + " ends: " + loop.history());
        }
        List<Retraining> history = loop.history();
        assertEquals(0, loop.leaseLosses(), "leases lost by the live holder: " + history);
        for (Retraining r : history) {
          assertEquals(Retraining.State.PROMOTED, r.state(), r.toString());
        }
        RetrainingStore store = backend.store(RetrainingStore.class);
        assertEquals(history.get(2).epoch(), store.lease("busy").orElseThrow().epoch(), "the last pass's lease was never taken over");
      }
    } finally {
      stop.set(true);
      for (Thread t : spinners) {
        t.join();
      }
    }
  }
}
