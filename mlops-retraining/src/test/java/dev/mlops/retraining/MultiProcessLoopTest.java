package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.ChildJvm;
import dev.mlops.testkit.Eventually;
import dev.mlops.tracking.Tracker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/** Loops in several processes on one file: store: one retraining per trigger, and recovery after a SIGKILL. */
@ChildJvm
class MultiProcessLoopTest {
  @TempDir
  Path dir;

  private Process child(String mode, String uri, String holder, Path markers, int processes) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), LoopChild.class.getName(), mode, uri, holder, markers.toString(), Integer.toString(processes))
        .redirectErrorStream(true).redirectOutput(dir.resolve(holder + ".log").toFile()).start();
  }

  private String log(String holder) throws Exception {
    return Files.readString(dir.resolve(holder + ".log"), StandardCharsets.UTF_8);
  }

  private static int champion(String uri) {
    try (ModelRegistry registry = ModelRegistry.builder().storage(uri).build()) {
      return Fixture.champion(registry, "churn", "champion");
    }
  }

  @Test
  void twoProcessesSeeingTheSameTriggerRetrainOnce() throws Exception {
    String uri = "file:" + dir.resolve("store");
    int champion = champion(uri);
    Path markers = Files.createDirectories(dir.resolve("markers"));
    Process a = child("race", uri, "jvm-a", markers, 2);
    Process b = child("race", uri, "jvm-b", markers, 2);
    assertTrue(a.waitFor(180, TimeUnit.SECONDS) && b.waitFor(180, TimeUnit.SECONDS), "children finish");
    assertEquals(0, a.exitValue(), log("jvm-a"));
    assertEquals(0, b.exitValue(), log("jvm-b"));
    String logs = log("jvm-a") + log("jvm-b");
    assertTrue(logs.contains("trigger QUEUED") && logs.contains("trigger DUPLICATE"), logs);
    try (Tracker tracker = Tracker.builder().storage(uri).build(); ModelRegistry registry = ModelRegistry.builder().storage(uri).build();
        RetrainingLoop<Label> loop = observer(tracker, registry, Clock.systemUTC())) {
      List<Retraining> history = loop.history();
      assertEquals(1, history.size(), history.toString());
      assertEquals(Retraining.State.PROMOTED, history.get(0).state(), history.toString());
      assertEquals(2, registry.versions("churn").size(), "one challenger beside the champion");
      assertEquals(champion + 1, registry.aliases("churn").get("champion"));
      assertEquals(1, markers(markers, "training-"), "one process trained");
    }
  }

  private static boolean marker(Path markers, String prefix) throws Exception {
    try (Stream<Path> files = Files.list(markers)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith(prefix));
    }
  }

  private static long markers(Path markers, String prefix) throws Exception {
    try (Stream<Path> files = Files.list(markers)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix)).count();
    }
  }

  private static RetrainingLoop<Label> observer(Tracker tracker, ModelRegistry registry, Clock clock) {
    return RetrainingLoop.builder("fleet", Label.class).tracker(tracker).registry(registry).model("churn").clock(clock).cooldown(Duration.ZERO)
        .pollInterval(Duration.ZERO).executor(Runnable::run).leaseTtl(Duration.ofSeconds(1)).rollout(Rollout.moveAlias())
        .data(ctx -> TrainingData.of(Fixture.data(77, 400, 3), Map.of("source", "shared rows")))
        .trainer(new LogisticRegressionTrainer())
        .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.01).atLeast(0.7))).build();
  }

  @Test
  void aProcessKilledMidRetrainingLeavesAKilledRunAndNoDuplicateVersionAfterRestart() throws Exception {
    String uri = "file:" + dir.resolve("store");
    int champion = champion(uri);
    Path markers = Files.createDirectories(dir.resolve("markers"));
    Process p = child("hang-in-rollout", uri, "doomed", markers, 1);
    Eventually.until(() -> {
      assertTrue(p.isAlive(), () -> "the child died early: " + safeLog("doomed"));
      return marker(markers, "registered-");
    }, Duration.ofMinutes(3), "the child registers its challenger and hangs in the rollout");
    p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    // the observer's clock starts where the dead process's lease ends, so the lease is expired for it without waiting
    long expiry;
    try (StorageBackend backend = StorageBackend.open(uri)) {
      expiry = backend.store(RetrainingStore.class).lease("fleet").orElseThrow().until();
    }
    Clock afterExpiry = Clock.offset(Clock.systemUTC(), Duration.ofMillis(Math.max(0, expiry - System.currentTimeMillis())));
    try (Tracker tracker = Tracker.builder().storage(uri).build(); ModelRegistry registry = ModelRegistry.builder().storage(uri).build();
        RetrainingLoop<Label> loop = observer(tracker, registry, afterExpiry)) {
      assertEquals(2, registry.versions("churn").size(), "the killed retraining had registered its challenger");
      loop.poll();
      List<Retraining> history = loop.history();
      assertEquals(2, history.size(), history.toString());
      Retraining killed = history.get(0);
      Retraining retried = history.get(1);
      assertEquals(Retraining.State.KILLED, killed.state());
      assertTrue(killed.error().contains("doomed"), killed.error());
      assertEquals(RunStatus.KILLED, tracker.getRun(killed.runId()).info().status(), "never FINISHED");
      assertEquals(killed.key(), retried.key(), "the same triggers, the same idempotency key");
      assertEquals(2, retried.attempt());
      assertEquals(Retraining.State.PROMOTED, retried.state(), retried.toString());
      assertEquals(killed.challengerVersion(), retried.challengerVersion(), "the registered challenger was found, not registered again");
      assertEquals(2, registry.versions("churn").size(), "no duplicate version");
      assertEquals(champion + 1, registry.aliases("churn").get("champion"));
    }
  }

  private String safeLog(String holder) {
    try {
      return log(holder);
    } catch (Exception e) {
      return e.toString();
    }
  }

}
