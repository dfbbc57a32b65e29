package dev.mlops.retraining;

import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/**
 * A loop in a process of its own, for the multi-process tests. Arguments: mode ({@code race} or
 * {@code hang-in-rollout}), store URI, holder id, marker directory.
 */
public final class LoopChild {
  private LoopChild() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String uri = args[1];
    String holder = args[2];
    Path markers = Path.of(args[3]);
    try (Tracker tracker = Tracker.builder().storage(uri).build();
        ModelRegistry registry = ModelRegistry.builder().storage(uri).principal(() -> holder).build()) {
      Rollout rollout = Rollout.moveAlias();
      if (mode.equals("hang-in-rollout")) {
        rollout = target -> {
          try {
            Files.writeString(markers.resolve("registered-" + target.version()), holder);
            Thread.sleep(600_000);
          } catch (Exception e) {
            Thread.currentThread().interrupt();
          }
          throw new IllegalStateException("unreachable: the test kills this process");
        };
      }
      // both modes are about processes, not about renewal (renewal under a 1 s lease on a busy machine is
      // LeaseUnderLoadTest's): a lease that outlives a starved child JVM on an overloaded machine. The killed holder's
      // lease need not be short: the observer's clock starts where that lease ends
      Duration ttl = Duration.ofSeconds(10);
      RetrainingLoop<Label> loop = RetrainingLoop.builder("fleet", Label.class).tracker(tracker).registry(registry).model("churn")
          .holder(holder).cooldown(Duration.ZERO).leaseTtl(ttl).pollInterval(Duration.ofMillis(100)).rollout(rollout)
          .data(ctx -> TrainingData.of(Fixture.data(77, 400, 3), Map.of("source", "shared rows")))
          .training((train, ctx) -> {
            Files.writeString(markers.resolve("training-" + holder), ctx.retrainingId());
            Thread.sleep(700); // long enough for the other process to try for the lease meanwhile
            return new LogisticRegressionTrainer().train(train);
          })
          .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.01).atLeast(0.7))).build();
      Files.writeString(markers.resolve("ready-" + holder), "");
      while (Files.list(markers).filter(p -> p.getFileName().toString().startsWith("ready-")).count() < Long.parseLong(args[4])) {
        Thread.sleep(20);
      }
      TriggerResult t = loop.trigger("drift in window 7", "alert:traffic:dataset_drift:7");
      System.out.println(holder + " trigger " + t.outcome());
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline
          && loop.history().stream().noneMatch(r -> r.state().terminal())) {
        Thread.sleep(50);
      }
      Thread.sleep(500); // a last poll round in which a duplicate retraining would show
      System.out.println(holder + " history " + loop.history());
      loop.close();
    }
  }
}
