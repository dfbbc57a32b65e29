package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The background worker's share of a core ({@link Handoff.Pacer}), on a clock the test moves: a
 * burst runs free, debt is paid back by pausing, and over a long run work takes the share.
 */
class HandoffPacingTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void aBurstUpToTheBudgetRunsWithoutAPauseAndDebtIsPaidBackAtTheShare() {
    Handoff.Pacer p = new Handoff.Pacer(0.25, 0);
    assertEquals(4 * MS, Handoff.BURST_NANOS);
    // 1 ms of work from a full budget of 4 ms: no pause (the budget refilled by 0.25 ms, capped at 4)
    assertEquals(0, p.worked(1 * MS, 1 * MS));
    // 4 ms more: the budget is 3 + 1 (refilled) - 4 = 0, still no pause
    assertEquals(0, p.worked(5 * MS, 4 * MS));
    // 1 ms more: 0 + 0.25 - 1 = -0.75 ms of debt, paid back by 3 ms at a quarter of a core
    assertEquals(3 * MS, p.worked(6 * MS, 1 * MS));
    // after that pause the debt is gone
    assertEquals(0, p.worked(9 * MS, 0));
  }

  @Test
  void aWorkerThatAlwaysHasWorkAndPausesAsToldTakesItsShareOfTheTime() {
    for (double share : new double[] {0.1, 0.25, 0.5, 0.9}) {
      Handoff.Pacer p = new Handoff.Pacer(share, 0);
      long now = 0;
      long work = 0;
      for (int i = 0; i < 100_000; i++) {
        long slice = 50_000 + (i % 7) * 30_000; // 50-230 us of work between readings
        now += slice;
        work += slice;
        now += p.worked(now, slice);
      }
      double taken = (double) work / now;
      // the first 4 ms ran free; over 10+ s of simulated time that is within 0.1 % of the share
      assertTrue(Math.abs(taken - share) < 0.001 * share + 1e-9, share + ": took " + taken);
    }
  }

  @Test
  void idleTimeRefillsTheBudgetOnlyUpToOneBurst() {
    Handoff.Pacer p = new Handoff.Pacer(0.5, 0);
    // an hour idle, then 5 ms of work: only 4 ms were saved up, so 1 ms of debt costs 2 ms at half a core
    assertEquals(2 * MS, p.worked(3_600_000 * MS, 5 * MS));
  }

  @Test
  void theShareIsCheckedWhereTheEndpointIsBuilt() {
    for (double bad : new double[] {0, -0.5, 1.01, Double.NaN}) {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
          () -> new EndpointBuilder<>(null, "e", org.tribuo.classification.Label.class).backgroundShare(bad));
      assertTrue(e.getMessage().contains("background share") && e.getMessage().contains("must be above 0 and at most 1"), e.getMessage());
    }
  }
}
