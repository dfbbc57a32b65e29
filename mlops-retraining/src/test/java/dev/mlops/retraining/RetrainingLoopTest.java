package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.monitoring.Alert;
import dev.mlops.monitoring.AlertKind;
import dev.mlops.monitoring.AlertRule;
import dev.mlops.monitoring.Monitor;
import dev.mlops.registry.Gates;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.FakeClock;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.Sweep;
import dev.mlops.tracking.Tracker;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/** The loop end to end on an in-memory store with a fake clock and small Tribuo models; every executor runs inline. */
class RetrainingLoopTest {
  private static final PerformanceSignal DROPPED = () -> Optional.of(new PerformanceCheck("w1", "test labels", "accuracy", 0.55, 0.8, true));
  private final FakeClock clock = new FakeClock(1_700_000_000_000L);
  private LoopWorld world;
  private StorageBackend backend;
  private Tracker tracker;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    world = new LoopWorld("ct", clock);
    backend = world.backend;
    tracker = world.tracker;
    registry = world.registry();
  }

  @AfterEach
  void close() {
    world.close();
  }

  private RetrainingLoopBuilder<Label> loop(String name) {
    return world.loop(name);
  }

  private Monitor monitor(String name) {
    return Monitor.builder(name).reference(Fixture.profile(5, 2000, 0)).windowRows(300).alert(AlertRule.datasetDrift()).clock(clock)
        .executor(Runnable::run).build();
  }

  /**
   * A watched monitor sees 300 rows like the reference, then 300 shifted ones: its drift alert, confirmed by a performance
   * drop, fires a retraining that is promoted. Each test checks one consequence.
   */
  @Nested
  @DisplayName("an injected drift")
  class InjectedDrift {
    private final Random r = new Random(11);
    private int champion;
    private Monitor monitor;
    private RetrainingLoop<Label> loop;
    private boolean calmWindowRetrained;
    private Retraining rt;

    @BeforeEach
    void driftTheWatchedMonitor() {
      champion = Fixture.champion(registry, "churn", "champion");
      monitor = monitor("traffic");
      loop = loop("churn-loop").watch(monitor).performance(DROPPED).build();
      for (int i = 0; i < 300; i++) {
        monitor.log(Fixture.row(r, 0));
      }
      calmWindowRetrained = !loop.history().isEmpty();
      for (int i = 0; i < 300; i++) {
        monitor.log(Fixture.row(r, 3));
      }
      rt = loop.history().get(0);
    }

    @AfterEach
    void closeTheLoop() {
      loop.close();
      monitor.close();
    }

    @Test
    @DisplayName("fires exactly one retraining, for the drift window only, confirmed by the performance drop")
    void firesExactlyOneRetraining() {
      assertFalse(calmWindowRetrained, "no drift, no retraining");
      assertEquals(1, loop.history().size(), loop.history().toString());
      assertEquals(Trigger.Kind.DRIFT, rt.triggers().get(0).kind());
      assertTrue(rt.triggers().get(0).detail().get("confirmed_by").contains("accuracy"), rt.triggers().toString());
    }

    @Test
    @DisplayName("promotes a challenger better than the champion on the same held-out rows")
    void promotesABetterChallenger() {
      assertEquals(Retraining.State.PROMOTED, rt.state(), rt.toString());
      assertEquals(champion, rt.championVersion());
      assertEquals(rt.challengerVersion(), registry.aliases("churn").get("champion"));
      assertTrue(rt.challengerMetrics().get("accuracy") > rt.championMetrics().get("accuracy"), rt.toString());
    }

    @Test
    @DisplayName("re-references the monitor to the challenger's training rows")
    void reReferencesTheMonitor() {
      assertNotNull(rt.referenceDigest());
      assertEquals(320, monitor.reference().rows(), "the new reference is the challenger's training rows (400 minus the 20 % holdout)");
    }

    @Test
    @DisplayName("records the trigger, the data, both models' metrics and the decision on a finished run")
    void recordsEverythingOnTheRun() {
      Run run = tracker.getRun(rt.runId());
      assertEquals(RunStatus.FINISHED, run.info().status());
      assertEquals("PROMOTED", run.tags().get("mlops.retraining.outcome"));
      assertTrue(run.latestMetrics().containsKey("accuracy") && run.latestMetrics().containsKey("champion.accuracy"));
      assertEquals(2, run.inputs().size());
      assertTrue(tracker.artifacts().list(rt.runId(), "trigger").stream().anyMatch(a -> a.path().endsWith(".html")));
      assertEquals(rt.runId(), registry.getVersion("churn", rt.challengerVersion()).lineage().runId());
    }

    @Test
    @DisplayName("counts the same alert delivered again once: a duplicate")
    void theSameAlertAgainIsADuplicate() {
      Alert again = new Alert("traffic", "dataset_drift", 1, clock.millis(), "dataset drift", AlertKind.DATASET_DRIFT, null);
      assertEquals(TriggerResult.Outcome.DUPLICATE, loop.onAlert(again).outcome());
    }

    @Test
    @DisplayName("records and skips another window's alert within the cooldown")
    void anotherAlertWithinTheCooldownIsSkipped() {
      Alert later = new Alert("traffic", "dataset_drift", 2, clock.millis(), "again", AlertKind.DATASET_DRIFT, null);
      assertEquals(TriggerResult.Outcome.COOLDOWN, loop.onAlert(later).outcome());
      assertEquals(1, loop.history().size());
    }

    @Test
    @DisplayName("raises no more drift on the shifted world once the monitor is re-referenced")
    void theDriftSubsides() {
      for (int i = 0; i < 600; i++) {
        monitor.log(Fixture.row(r, 3));
      }
      assertTrue(monitor.reports().stream().skip(2).noneMatch(w -> w.drift().datasetDrift()), monitor.reports().toString());
      assertEquals(1, loop.history().size());
      assertTrue(loop.timelineHtml().contains("PROMOTED"));
    }
  }

  @Test
  void anExecutorThatRefusesAPassNeverTrainsOnTheCallerAndTheNextPollAsksAgain() {
    Fixture.champion(registry, "churn", "champion");
    dev.mlops.testkit.HeldExecutor executor = new dev.mlops.testkit.HeldExecutor().refuse(true);
    try (RetrainingLoop<Label> loop = loop("refused").executor(executor).build()) {
      TriggerResult t = loop.trigger("by hand");
      assertEquals(TriggerResult.Outcome.QUEUED, t.outcome(), t.toString());
      assertEquals(1, executor.refused());
      assertTrue(loop.history().isEmpty(), "a refused pass trained on the caller's thread");
      executor.refuse(false);
      loop.poll();
      assertEquals(1, executor.size());
      executor.runAll();
      List<Retraining> history = loop.history();
      assertEquals(1, history.size(), history.toString());
      assertEquals(Retraining.State.PROMOTED, history.get(0).state(), history.toString());
    }
  }

  @Test
  void driftWithoutAPerformanceDropIsRecordedAndSuppressed() {
    Fixture.champion(registry, "churn", "champion");
    PerformanceSignal fine = () -> Optional.of(new PerformanceCheck("w1", "labels", "accuracy", 0.93, 0.8, false));
    try (Monitor monitor = monitor("m"); RetrainingLoop<Label> loop = loop("l").watch(monitor).performance(fine).build()) {
      TriggerResult t = loop.onAlert(new Alert("m", "dataset_drift", 4, clock.millis(), "dataset drift: 2 of 2 columns", AlertKind.DATASET_DRIFT,
          null));
      assertEquals(TriggerResult.Outcome.SUPPRESSED, t.outcome());
      assertTrue(t.detail().contains("0.93"), t.detail());
      assertTrue(loop.history().isEmpty());
      assertEquals(TriggerResult.Outcome.SUPPRESSED, loop.triggers().get(0).outcome());
    }
    try (Monitor monitor = monitor("m2")) {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> loop("l2").watch(monitor).build());
      assertTrue(e.getMessage().contains("performance"), e.getMessage());
    }
  }

  /** A rule of the application's own that fires on every window, of the given kind. */
  private static AlertRule always(String name, AlertKind kind) {
    return AlertRule.of(name, kind, report -> Optional.of("window " + report.window() + " looked at"));
  }

  @Test
  void anAlertTriggersByItsKindNeverByItsRuleName() {
    Fixture.champion(registry, "churn", "champion");
    PerformanceSignal fine = () -> Optional.of(new PerformanceCheck("w1", "labels", "accuracy", 0.93, 0.8, false));
    Random r = new Random(8);
    try (Monitor monitor = Monitor.builder("named").reference(Fixture.profile(5, 2000, 0)).windowRows(300)
        .alert(always("column_drift:score", AlertKind.CUSTOM)).alert(always("no_drift_seen", AlertKind.CUSTOM))
        .alert(always("inputs_moved", AlertKind.COLUMN_DRIFT)).alert(AlertRule.datasetDrift()).clock(clock).executor(Runnable::run).build();
        RetrainingLoop<Label> loop = loop("named-loop").watch(monitor).performance(fine).build()) {
      for (int i = 0; i < 300; i++) {
        monitor.log(Fixture.row(r, 3));
      }
      Map<String, Trigger.Kind> kinds = new java.util.TreeMap<>();
      loop.triggers().forEach(t -> kinds.put(t.trigger().detail().get("rule"), t.trigger().kind()));
      assertEquals(Map.of("column_drift:score", Trigger.Kind.ALERT, "no_drift_seen", Trigger.Kind.ALERT, "inputs_moved", Trigger.Kind.DRIFT,
          "dataset_drift", Trigger.Kind.DRIFT), kinds, "custom rules named like drift are other alerts; rules of a drift kind are drift");
    }
  }

  @Test
  void triggersDuringARetrainingAreCoalescedIntoOneFollowUpAfterTheCooldown() {
    Fixture.champion(registry, "churn", "champion");
    AtomicReference<RetrainingLoop<Label>> self = new AtomicReference<>();
    AtomicInteger trainings = new AtomicInteger();
    try (RetrainingLoop<Label> loop = loop("coalesce").training((train, ctx) -> {
      if (trainings.incrementAndGet() == 1) {
        for (int i = 0; i < 3; i++) {
          TriggerResult t = self.get().trigger("arrived during the retraining " + i);
          assertEquals(TriggerResult.Outcome.QUEUED, t.outcome());
          assertTrue(t.detail().contains("coalesced"), t.detail());
        }
        return Fixture.mislabelling(4, 3); // not blessed: the champion stays, so the queued triggers still stand
      }
      return new LogisticRegressionTrainer().train(train);
    }).build()) {
      self.set(loop);
      assertTrue(loop.trigger("first").queued());
      assertEquals(1, loop.history().size(), "the follow-up waits for the cooldown");
      loop.poll();
      assertEquals(1, loop.history().size());
      clock.advance(Duration.ofMinutes(31).toMillis());
      loop.poll();
      List<Retraining> h = loop.history();
      assertEquals(2, h.size());
      assertEquals(3, h.get(1).triggers().size(), "the three triggers became one follow-up");
      assertEquals(2, trainings.get());
      assertEquals(Retraining.State.PROMOTED, h.get(1).state());
    }
  }

  @Test
  void triggersQueuedDuringAPromotingRetrainingAreSupersededByThePromotion() {
    Fixture.champion(registry, "churn", "champion");
    AtomicReference<RetrainingLoop<Label>> self = new AtomicReference<>();
    try (RetrainingLoop<Label> loop = loop("supersede").cooldown(Duration.ZERO).training((train, ctx) -> {
      if (self.get().history().size() == 1) {
        self.get().trigger("about the old champion");
      }
      return new LogisticRegressionTrainer().train(train);
    }).build()) {
      self.set(loop);
      loop.trigger("first");
      loop.poll();
      assertEquals(1, loop.history().size(), loop.history().toString());
      assertEquals(Retraining.State.PROMOTED, loop.history().get(0).state());
      TriggerResult closed = loop.triggers().stream().filter(x -> x.trigger().reason().equals("about the old champion")).findFirst()
          .orElseThrow();
      assertEquals(TriggerResult.Outcome.SUPERSEDED, closed.outcome());
      assertTrue(closed.detail().contains(loop.history().get(0).id()), closed.detail());
    }
  }

  @Test
  void aWorseChallengerIsNeverRolledOutAndTheReasonIsRecorded() {
    int champion = Fixture.champion(registry, "churn", "champion");
    try (RetrainingLoop<Label> loop = loop("worse").data(ctx -> TrainingData.of(Fixture.data(9, 400, 0), Map.of()))
        .training((train, ctx) -> Fixture.mislabelling(3, 0)).build()) {
      loop.trigger("weekly");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.NOT_BLESSED, rt.state());
      assertNotNull(rt.blessing());
      assertFalse(rt.blessing().blessed());
      assertTrue(rt.blessing().reason().contains("accuracy change"), rt.blessing().reason());
      assertNull(rt.challengerVersion());
      assertEquals(champion, registry.aliases("churn").get("champion"));
      assertEquals(1, registry.versions("churn").size(), "nothing registered");
      assertEquals("false", tracker.getRun(rt.runId()).tags().get("mlops.retraining.blessed"));
    }
  }

  @Test
  void badTrainingDataIsRefusedBeforeTraining() {
    int champion = Fixture.champion(registry, "churn", "champion");
    AtomicBoolean trained = new AtomicBoolean();
    try (RetrainingLoop<Label> loop = loop("bad").data(ctx -> TrainingData.of(Fixture.oneClass(2, 400), Map.of()))
        .training((train, ctx) -> {
          trained.set(true);
          return new LogisticRegressionTrainer().train(train);
        }).build()) {
      loop.trigger("manual");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.DATA_REFUSED, rt.state());
      assertFalse(trained.get(), "nothing was trained");
      assertTrue(rt.validation().failures().get(0).contains("1 class(es)"), rt.validation().failures().toString());
      assertEquals(champion, registry.aliases("churn").get("champion"));
    }
  }

  @Test
  void aRetrainingThatStoppedBeforeItsBlessingSaysSoWithoutANull() {
    Fixture.champion(registry, "churn", "champion");
    try (RetrainingLoop<Label> loop = loop("refused").data(ctx -> TrainingData.of(Fixture.oneClass(2, 400), Map.of())).build()) {
      loop.trigger("manual");
      List<String> lines = new ArrayList<>();
      for (Retraining r : loop.history()) {   // as the README's loop prints a history
        lines.add(r.state() + " " + r.blessingDecision().map(BlessingDecision::reason).orElse("(stopped before the blessing)"));
      }
      assertEquals(List.of("DATA_REFUSED (stopped before the blessing)"), lines);
      assertNull(loop.history().get(0).blessing(), "the component is null, as documented");
    }
  }

  @Test
  void aTrainingExceptionLeavesTheChampionServingAndRepeatedFailuresPauseTheLoop() {
    int champion = Fixture.champion(registry, "churn", "champion");
    List<Retraining> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (RetrainingLoop<Label> loop = loop("failing").maxFailures(2).onRetraining(events::add).training((train, ctx) -> {
      throw new IllegalStateException("out of memory in the trainer");
    }).build()) {
      loop.trigger("one");
      Retraining rt = loop.history().get(0);
      assertEquals(1, events.size());
      assertEquals(Retraining.State.FAILED, events.get(0).state(), "the failure is published as an event");
      assertEquals(Retraining.State.FAILED, rt.state());
      assertTrue(rt.error().contains("out of memory in the trainer"));
      assertEquals(RunStatus.FAILED, tracker.getRun(rt.runId()).info().status());
      assertEquals(champion, registry.aliases("churn").get("champion"));
      clock.advance(Duration.ofHours(1).toMillis());
      assertTrue(loop.trigger("two").queued(), "the loop keeps listening after a failure");
      assertEquals(2, loop.history().size());
      assertTrue(loop.paused());
      clock.advance(Duration.ofHours(1).toMillis());
      assertEquals(TriggerResult.Outcome.PAUSED, loop.trigger("three").outcome());
      loop.resume();
      assertFalse(loop.paused());
      assertTrue(loop.trigger("four").queued());
      assertEquals(3, loop.history().size());
    }
  }

  @Test
  void thePromotionGoesThroughGatesAndApprovalsWithTheAuditTrailVerified() {
    registry = world.replaceRegistry(b -> b.protectAlias("champion", 1).gate("champion", Gates.metricAtLeast("accuracy", 0.8)));
    int champion = Fixture.champion(registry, "churn", "staging");
    registry.overrideProtectedAlias("churn", "champion", champion, "first model, set by hand");
    try (Monitor monitor = monitor("gov");
        RetrainingLoop<Label> loop = loop("governed").watch(monitor).performance(DROPPED).rollout(Rollout.promotionRequest()).build();
        ModelRegistry alice = world.registry("alice", b -> b.protectAlias("champion", 1).gate("champion",
            Gates.metricAtLeast("accuracy", 0.8)))) {
      long rowsBefore = monitor.reference().rows();
      loop.trigger("drift seen by the on-call");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.ROLLOUT_PENDING, rt.state(), rt.toString());
      assertEquals(champion, registry.aliases("churn").get("champion"), "nothing moves before approval");
      String requestId = rt.rollout().figures().get("request");
      PromotionRequest approved = alice.approve(requestId, "looks good");
      assertEquals(PromotionRequest.Status.APPROVED, approved.status());
      assertEquals(rowsBefore, monitor.reference().rows());
      loop.poll();
      Retraining done = loop.retraining(rt.id()).orElseThrow();
      assertEquals(Retraining.State.PROMOTED, done.state(), done.toString());
      assertTrue(done.rollout().detail().contains("alice"), done.rollout().detail());
      assertNotEquals(rowsBefore, monitor.reference().rows(), "the monitor now compares with the new champion's training data");
      assertTrue(registry.verifyAudit().valid(), registry.verifyAudit().toString());
      assertTrue(registry.audit().stream().anyMatch(a -> a.actor().equals("alice")));
    }
  }

  @Test
  void aGateFailureRejectsThePromotionWithTheGateNamed() {
    registry = world.replaceRegistry(b -> b.protectAlias("champion", 1).gate("champion", Gates.metricAtLeast("accuracy", 0.999)));
    int champion = Fixture.champion(registry, "churn", "staging");
    registry.overrideProtectedAlias("churn", "champion", champion, "first model");
    try (RetrainingLoop<Label> loop = loop("gated").rollout(Rollout.promotionRequest()).build()) {
      loop.trigger("manual");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.REJECTED, rt.state(), rt.toString());
      assertTrue(rt.rollout().detail().contains("accuracy"), rt.rollout().detail());
      assertEquals(champion, registry.aliases("churn").get("champion"));
    }
  }

  @Test
  void scheduleFiresOncePerSlotWithoutCatchUpAndNewLabelsTriggerByCount() {
    Fixture.champion(registry, "churn", "champion");
    AtomicInteger labelled = new AtomicInteger();
    try (RetrainingLoop<Label> loop = loop("sched").cooldown(Duration.ZERO).schedule(Duration.ofHours(1))
        .newLabels(labelled::get, 1000).build()) {
      loop.poll();
      assertTrue(loop.triggers().isEmpty(), "the first slot is the next one");
      clock.advance(Duration.ofHours(5).toMillis());
      loop.poll();
      assertEquals(1, loop.triggers().size(), "missed slots are not replayed");
      labelled.set(999);
      loop.poll();
      assertEquals(1, loop.triggers().size());
      labelled.set(1500);
      loop.poll();
      assertEquals(2, loop.triggers().size());
      assertTrue(loop.triggers().stream().anyMatch(t -> t.trigger().kind() == Trigger.Kind.NEW_DATA));
      assertEquals(2, loop.history().size());
    }
    try (RetrainingLoop<Label> loop = loop("catchup").cooldown(Duration.ZERO).schedule(Duration.ofHours(1)).catchUp(true).build()) {
      clock.advance(Duration.ofHours(3).toMillis());
      loop.poll();
      assertEquals(3, loop.triggers().size(), "with catch-up each missed slot is a trigger");
      assertEquals(3, loop.history().size(), "each replayed slot is a retraining of its own, one after the other");
    }
  }

  @Test
  void theFirstModelFollowsTheExplicitPolicy() {
    try (RetrainingLoop<Label> loop = loop("first").build()) {
      loop.trigger("bootstrap");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.PROMOTED, rt.state(), rt.toString());
      assertTrue(rt.blessing().firstModel());
      assertTrue(rt.blessing().reason().startsWith("first model"), rt.blessing().reason());
    }
    try (RetrainingLoop<Label> loop = loop("refuse").model("other")
        .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").atLeast(0.5)).firstModel(Blessing.FirstModelPolicy.REFUSE)).build()) {
      loop.trigger("bootstrap");
      assertEquals(Retraining.State.NOT_BLESSED, loop.history().get(0).state());
    }
  }

  @Test
  void aSweepChoosesTheChallengerOnItsOwnSplitAndNeverSeesTheHoldout() {
    Fixture.champion(registry, "churn", "champion");
    Sweep sweep = Sweep.grid(Map.of("epochs", List.of(1, 3), "lr", List.of(0.01, 0.5))).objective("accuracy", true).parallelism(1);
    try (RetrainingLoop<Label> loop = loop("sweep").training(Training.sweep(tracker, "retraining-sweep", sweep,
        p -> new LinearSGDTrainer(new LogMulticlass(), new AdaGrad((Double) p.get("lr")), (Integer) p.get("epochs"), 1L),
        ModelEvaluator.classification(), 0.25)).build()) {
      loop.trigger("monthly");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.PROMOTED, rt.state(), rt.toString());
      Run run = tracker.getRun(rt.runId());
      String sweepRun = run.tags().get("mlops.retraining.sweep_run_id");
      assertNotNull(sweepRun, run.tags().toString());
      assertEquals(rt.runId(), tracker.getRun(sweepRun).tags().get("mlops.parentRunId"), "the sweep is a child of the retraining's run");
      List<Run> trials = tracker.searchAll(RunQuery.builder().experiments("retraining-sweep")
          .filter("tags.`mlops.parentRunId` = '" + sweepRun + "'").build());
      assertEquals(4, trials.size());
      assertTrue(trials.stream().allMatch(t -> rt.id().equals(t.tags().get("mlops.retraining.id"))));
      int trainRows = rt.trainRows();
      assertTrue(trials.stream().allMatch(t -> t.latestMetrics().containsKey("accuracy")));
      assertEquals(320, trainRows, "the loop's holdout (80 of 400 rows) stays out of the sweep");
    }
  }

  @Test
  void aLoopWithoutABlessingRuleOrDataDoesNotBuild() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> RetrainingLoop.builder("x", Label.class).tracker(tracker).registry(registry).model("m").data(ctx -> null)
            .trainer(new LogisticRegressionTrainer()).build());
    assertTrue(e.getMessage().contains("blessing"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> RetrainingLoop.builder("x", Label.class).tracker(tracker).registry(registry)
        .model("m").build());
    assertTrue(e.getMessage().contains("data"), e.getMessage());
  }
}
