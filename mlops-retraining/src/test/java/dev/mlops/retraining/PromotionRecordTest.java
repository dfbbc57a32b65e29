package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.FakeClock;
import dev.mlops.tracking.Tracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * What a retraining records once its challenger may have reached the alias: the record follows the alias's history,
 * never the other way round. A promotion's new monitor reference holds only what the training rows hold.
 */
class PromotionRecordTest {
  private final FakeClock clock = new FakeClock(1_700_000_000_000L);
  private LoopWorld world;

  @BeforeEach
  void open() {
    world = new LoopWorld("record", clock);
  }

  @AfterEach
  void close() {
    world.close();
  }

  /** The rows of the unshifted world as a table: x1, x2 and, when asked, the label as a 0/1 {@code target} column. */
  private static Profile reference(boolean x2, boolean target) {
    MutableDataset<Label> d = Fixture.data(5, 2000, 0);
    List<double[]> rows = new ArrayList<>();
    for (Example<Label> e : d) {
      double[] r = new double[3];
      e.forEach(f -> r[f.getName().equals("x1") ? 0 : 1] = f.getValue());
      r[2] = e.getOutput().getLabel().equals("yes") ? 1 : 0;
      rows.add(r);
    }
    List<Column> columns = new ArrayList<>();
    columns.add(Column.numerical("x1", rows.stream().mapToDouble(r -> r[0]).toArray()));
    if (target) {
      columns.add(Column.numerical("target", rows.stream().mapToDouble(r -> r[2]).toArray()));
    }
    if (x2) {
      columns.add(Column.numerical("x2", rows.stream().mapToDouble(r -> r[1]).toArray()));
    }
    return Profile.of(Table.of(columns));
  }

  private Monitor monitor(String name, Profile reference) {
    return Monitor.builder(name).reference(reference).windowRows(300).clock(clock).executor(Runnable::run).build();
  }

  private static List<String> columns(Profile p) {
    return p.columns().stream().map(ColumnProfile::name).toList();
  }

  @Test
  void aMonitorWatchingFewerColumnsThanTheChallengerUsesIsReReferencedAndTheRetrainingIsPromoted() {
    Fixture.champion(world.registry(), "churn", "champion");
    try (Monitor monitor = monitor("x1-only", reference(false, false));
        RetrainingLoop<Label> loop = world.loop("partial").watch(monitor).retrainOnDriftAlone(true).build()) {
      loop.trigger("new quarter");
      Retraining rt = loop.history().get(0);
      assertEquals(rt.challengerVersion(), world.registry().aliases("churn").get("champion"), "the alias moved to the challenger");
      assertEquals(Retraining.State.PROMOTED, rt.state(), rt.toString());
      assertEquals(List.of("x1"), columns(monitor.reference()), "the monitor keeps its own columns");
      assertEquals(320, monitor.reference().column("x1").count(), "x1 now comes from the challenger's 320 training rows");
      assertEquals("PROMOTED", world.tracker.getRun(rt.runId()).tags().get("mlops.retraining.outcome"));
      assertEquals(List.of(new Retraining.Reference("x1-only", List.of("x1"), List.of())), rt.references());
      assertTrue(rt.warnings().isEmpty(), rt.warnings().toString());
    }
  }

  @Test
  void aMonitorColumnTheTrainingRowsDoNotHoldKeepsItsPreviousProfileInsteadOfInventedZeros() {
    Fixture.champion(world.registry(), "churn", "champion");
    Profile before = reference(true, true);
    long targetCount = before.column("target").count();
    double targetMean = before.column("target").mean();
    try (Monitor monitor = monitor("with-label", before);
        RetrainingLoop<Label> loop = world.loop("label").watch(monitor).retrainOnDriftAlone(true).build()) {
      loop.trigger("new quarter");
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.PROMOTED, rt.state(), rt.toString());
      Profile after = monitor.reference();
      assertEquals(List.of("x1", "target", "x2"), columns(after), "the monitor's columns, in its order");
      assertEquals(320, after.column("x1").count(), "x1 and x2 come from the training rows");
      assertEquals(320, after.column("x2").count());
      assertEquals(targetCount, after.column("target").count(), "target is not in the training rows: its previous profile stays");
      assertEquals(targetMean, after.column("target").mean(), 1e-12);
      assertNotEquals(0.0, after.column("target").max(), "no invented zeros");
      assertEquals(List.of(new Retraining.Reference("with-label", List.of("x1", "x2"), List.of("target"))), rt.references(),
          "the record says which columns kept their previous profile");
      assertTrue(text(loop.timelineHtml()).contains("target kept from the previous reference"), loop.timelineHtml());
    }
  }

  @Test
  void aRolloutThatThrowsAfterMovingTheAliasIsRecordedAsPromoted() {
    int champion = Fixture.champion(world.registry(), "churn", "champion");
    Rollout movesThenThrows = t -> {
      t.registry().setAlias(t.model(), t.alias(), t.version());
      throw new IllegalStateException("the announcement to the on-call channel failed");
    };
    try (RetrainingLoop<Label> loop = world.loop("throws").rollout(movesThenThrows).build()) {
      loop.trigger("new quarter");
      Retraining rt = loop.history().get(0);
      assertNotEquals(champion, world.registry().aliases("churn").get("champion"));
      assertEquals(rt.challengerVersion(), world.registry().aliases("churn").get("champion"));
      assertEquals(Retraining.State.PROMOTED, rt.state(), rt.toString());
      assertNull(rt.error(), "nothing failed before the move");
      assertEquals(1, rt.warnings().size(), rt.warnings().toString());
      assertTrue(rt.warnings().get(0).contains("the announcement to the on-call channel failed")
          && rt.warnings().get(0).contains("nothing was rolled back"), rt.warnings().get(0));
      Run run = world.tracker.getRun(rt.runId());
      assertEquals("PROMOTED", run.tags().get("mlops.retraining.outcome"));
      assertEquals(RunStatus.FINISHED, run.info().status());
      assertTrue(run.tags().get("mlops.retraining.warnings").contains("on-call channel"), run.tags().toString());
      assertTrue(text(loop.timelineHtml()).contains("warning: the rollout reported FAILED"), loop.timelineHtml());
    }
  }

  @Test
  void anApprovedPromotionIsRecordedPromotedThoughTheAliasMovedOnBeforeTheLoopLooked() {
    ModelRegistry registry = world.replaceRegistry(b -> b.protectAlias("champion", 1));
    int champion = Fixture.champion(registry, "churn", "staging");
    registry.overrideProtectedAlias("churn", "champion", champion, "first model, set by hand");
    try (Monitor monitor = monitor("approved", reference(true, false));
        RetrainingLoop<Label> loop = world.loop("approved").watch(monitor).retrainOnDriftAlone(true).rollout(Rollout.promotionRequest()).build();
        ModelRegistry alice = world.registry("alice", b -> b.protectAlias("champion", 1))) {
      loop.trigger("new quarter");
      Retraining pending = loop.history().get(0);
      assertEquals(Retraining.State.ROLLOUT_PENDING, pending.state(), pending.toString());
      assertEquals(PromotionRequest.Status.APPROVED, alice.approve(pending.rollout().figures().get("request"), "ship it").status());
      assertEquals(pending.challengerVersion(), registry.aliases("churn").get("champion"));
      alice.overrideProtectedAlias("churn", "champion", champion, "rolled back by hand before the loop looked");
      long referenceRows = monitor.reference().rows();
      loop.poll();
      Retraining done = loop.retraining(pending.id()).orElseThrow();
      assertEquals(Retraining.State.PROMOTED, done.state(), "the alias did serve the challenger: " + done);
      assertEquals(referenceRows, monitor.reference().rows(), "the alias serves the old champion again: the monitor keeps its reference");
      assertTrue(done.warnings().stream().anyMatch(w -> w.contains("has since moved to version " + champion)), done.warnings().toString());
    }
  }

  @Test
  void aLeaseLostAfterTheAliasMovedLeavesAPromotedRecordNotAKilledOne() {
    Fixture.champion(world.registry(), "churn", "champion");
    try (RetrainingLoop<Label> other = world.loop("lease").holder("b").leaseTtl(Duration.ofSeconds(1)).build()) {
      Rollout stalls = t -> {
        t.registry().setAlias(t.model(), t.alias(), t.version());
        clock.advance(Duration.ofSeconds(5).toMillis()); // a stall longer than the lease right after the move
        Eventually.until(() -> {
          other.poll();
          return other.history().get(0).state().terminal();
        }, "the other instance takes the expired lease and records the retraining");
        return new RolloutResult(RolloutResult.State.PROMOTED, "moved, then stalled", Map.of());
      };
      try (RetrainingLoop<Label> loop = world.loop("lease").holder("a").leaseTtl(Duration.ofSeconds(1)).rollout(stalls).build()) {
        loop.trigger("new quarter");
        List<Retraining> history = loop.history();
        assertEquals(1, history.size(), "the promotion answered the trigger: it is not retrained again: " + history);
        Retraining rt = history.get(0);
        assertEquals(rt.challengerVersion(), world.registry().aliases("churn").get("champion"));
        assertEquals(Retraining.State.PROMOTED, rt.state(), rt.toString());
        assertEquals("PROMOTED", world.tracker.getRun(rt.runId()).tags().get("mlops.retraining.outcome"));
        assertTrue(rt.warnings().stream().anyMatch(w -> w.contains("found by b") && w.contains("recorded PROMOTED")), rt.warnings().toString());
        assertEquals(1, loop.leaseLosses(), "the holder that stalled knows it lost its lease");
      }
    }
  }

  /** What a reader of the page sees: the HTML without its tags (names are isolated in bdi elements). */
  private static String text(String html) {
    return html.replaceAll("<[^>]+>", "");
  }
}
