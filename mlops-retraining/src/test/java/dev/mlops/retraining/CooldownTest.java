package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.testkit.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;

/**
 * The cooldown counts from when a retraining ended, not from its last write: a promotion is written PROMOTED first and
 * written again after the monitors are re-referenced and the run is closed, and a trigger made between those writes (a
 * caller that saw PROMOTED and asked again) was refused as COOLDOWN although the cooldown after the end had passed, even
 * with a zero cooldown. The clock moves one millisecond on every read, so the two writes have different times.
 */
class CooldownTest {
  private static final Duration COOLDOWN = Duration.ofMinutes(30);
  private final FakeClock clock = FakeClock.ticking(1_700_000_000_000L);
  private final LoopWorld world = new LoopWorld("cooldown", clock);

  @AfterEach
  void close() {
    world.close();
  }

  private Retraining promoteOnce(RetrainingLoop<Label> loop) {
    assertEquals(TriggerResult.Outcome.QUEUED, loop.trigger("first").outcome());
    List<Retraining> history = loop.history();
    assertEquals(1, history.size(), history.toString());
    Retraining r = history.get(0);
    assertEquals(Retraining.State.PROMOTED, r.state(), r.toString());
    assertTrue(r.ended() > r.created() && r.ended() < r.updated(),
        "ended at its first terminal write, before its last write: " + r.created() + " < " + r.ended() + " < " + r.updated());
    return r;
  }

  /** Sets the ticking clock so that its next read returns {@code millis} (back in time too: it places a trigger's stamp). */
  private void nextReadAt(long millis) {
    long now = clock.millis();
    clock.advance(millis - now - 1);
  }

  @Test
  @DisplayName("a trigger once the cooldown after the end has passed is queued, even before the cooldown after the last write")
  void countsFromTheEnd() {
    Fixture.champion(world.registry(), "churn", "champion");
    try (RetrainingLoop<Label> loop = world.loop("cool").cooldown(COOLDOWN).build()) {
      Retraining r = promoteOnce(loop);
      nextReadAt(r.ended() + COOLDOWN.toMillis() - 1);
      TriggerResult early = loop.trigger("one millisecond early");
      assertEquals(TriggerResult.Outcome.COOLDOWN, early.outcome(), early.toString());
      assertTrue(early.detail().contains(java.time.Instant.ofEpochMilli(r.ended()).toString()), early.detail());
      nextReadAt(r.ended() + COOLDOWN.toMillis());
      TriggerResult due = loop.trigger("due");
      assertEquals(TriggerResult.Outcome.QUEUED, due.outcome(), "cooldown counted from the last write " + r.updated() + ": " + due);
      assertEquals(2, loop.history().size());
    }
  }

  @Test
  @DisplayName("a zero cooldown refuses no trigger, made between a retraining's end and its last write")
  void zeroRefusesNothing() {
    Fixture.champion(world.registry(), "churn", "champion");
    try (RetrainingLoop<Label> loop = world.loop("zero").cooldown(Duration.ZERO).build()) {
      Retraining r = promoteOnce(loop);
      nextReadAt((r.ended() + r.updated()) / 2); // stamped between its end and its last write, as a caller that saw PROMOTED
      TriggerResult again = loop.trigger("at once");
      assertEquals(TriggerResult.Outcome.QUEUED, again.outcome(), again.toString());
      assertEquals(2, loop.history().size());
    }
  }
}
