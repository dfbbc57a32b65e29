package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/**
 * A live holder keeps its lease: renewed from the moment it is taken, on a thread that neither polling nor the
 * retraining's own work can hold up. Time is a fake clock the test moves; the waits are for renewals to happen.
 */
class LeaseRenewalTest {
  private static final Duration TTL = Duration.ofSeconds(1);
  private final FakeClock clock = new FakeClock(1_700_000_000_000L);
  private LoopWorld world;
  private RetrainingStore store;

  @BeforeEach
  void open() {
    world = new LoopWorld("lease", clock);
    store = world.backend.store(RetrainingStore.class);
    Fixture.champion(world.registry(), "churn", "champion");
  }

  @AfterEach
  void close() {
    world.close();
  }

  private RetrainingLoopBuilder<Label> loop(String name) {
    return world.loop(name).holder("worker-1").cooldown(Duration.ZERO).leaseTtl(TTL);
  }

  /**
   * Moves the clock on by 0.4 of the lease's time to live, {@code steps} times, each time waiting until the lease is
   * renewed at the new time: the lease never expires while its holder works, if and only if renewals keep coming.
   */
  private void workThroughSeveralLeaseLifetimes(String loop, int steps) {
    for (int i = 0; i < steps; i++) {
      long now = clock.advance(TTL.toMillis() * 2 / 5);
      Eventually.until(() -> store.lease(loop).map(l -> l.until() >= now + TTL.toMillis()).orElse(false),
          () -> "the lease of " + loop + " renewed after the clock moved to " + now + ": " + store.lease(loop));
    }
  }

  @Test
  void aPollStuckOnASlowSignalDoesNotStopTheLeaseFromBeingRenewedDuringTraining() throws Exception {
    CountDownLatch pollStuck = new CountDownLatch(1);
    CountDownLatch unstick = new CountDownLatch(1);
    // only the loop's polling calls the signal here (a manual trigger does not): it hangs the polling thread
    PerformanceSignal slow = () -> {
      pollStuck.countDown();
      try {
        unstick.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    };
    try (RetrainingLoop<Label> loop = loop("slow-poll").pollInterval(Duration.ofMillis(1)).performance(slow).training((train, ctx) -> {
      workThroughSeveralLeaseLifetimes("slow-poll", 6);
      return new LogisticRegressionTrainer().train(train);
    }).build()) {
      pollStuck.await();
      try {
        loop.trigger("retrain while the poll hangs");
        List<Retraining> history = loop.history();
        assertEquals(1, history.size(), history.toString());
        assertEquals(Retraining.State.PROMOTED, history.get(0).state(), history.get(0).toString());
        assertEquals(1, store.lease("slow-poll").orElseThrow().epoch(), "the lease never changed hands");
        assertEquals(0, loop.leaseLosses());
      } finally {
        unstick.countDown();
      }
    }
  }

  @Test
  void theLeaseIsRenewedFromTheMomentItIsTakenWhileAPendingRolloutIsAskedWhereItStands() {
    AtomicBoolean moved = new AtomicBoolean();
    Rollout slowToAnswer = new Rollout() {
      @Override
      public RolloutResult start(Target t) {
        return new RolloutResult(RolloutResult.State.PENDING, "waiting for the canary", Map.of());
      }

      @Override
      public RolloutResult poll(Target t, RolloutResult pending) {
        workThroughSeveralLeaseLifetimes("slow-rollout", 6);
        t.registry().setAlias(t.model(), t.alias(), t.version());
        moved.set(true);
        return new RolloutResult(RolloutResult.State.PROMOTED, "the canary passed", Map.of());
      }
    };
    try (RetrainingLoop<Label> loop = loop("slow-rollout").rollout(slowToAnswer).build()) {
      loop.trigger("retrain");
      assertEquals(Retraining.State.ROLLOUT_PENDING, loop.history().get(0).state());
      loop.poll();
      assertTrue(moved.get());
      Retraining rt = loop.history().get(0);
      assertEquals(Retraining.State.PROMOTED, rt.state(), rt.toString());
      assertEquals(1, loop.history().size(), loop.history().toString());
      assertEquals(0, loop.leaseLosses());
    }
  }

  @Test
  void aHolderStalledPastItsLeaseIsRecordedAsSuchNotAsADeadProcess() {
    AtomicBoolean stalled = new AtomicBoolean();
    try (RetrainingLoop<Label> loop = loop("stall").training((train, ctx) -> {
      if (stalled.compareAndSet(false, true)) {
        clock.advance(TTL.toMillis() * 3); // a stall longer than the lease (a long GC pause, a suspended VM): no renewal can happen
      }
      return new LogisticRegressionTrainer().train(train);
    }).build()) {
      loop.trigger("retrain");
      loop.poll();
      List<Retraining> history = loop.history();
      Retraining killed = history.get(0);
      assertEquals(Retraining.State.KILLED, killed.state(), history.toString());
      assertTrue(killed.error().contains("expired") && killed.error().contains("while its holder worker-1 was still working"),
          killed.error());
      assertFalse(killed.error().contains("stopped renewing") || killed.error().contains("dead"), killed.error());
      assertEquals(2, history.size(), "the triggers were queued again and retrained: " + history);
      assertEquals(Retraining.State.PROMOTED, history.get(1).state(), history.toString());
      assertEquals(1, loop.leaseLosses());
    }
  }
}
