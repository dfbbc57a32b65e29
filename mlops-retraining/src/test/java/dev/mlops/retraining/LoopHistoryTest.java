package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;

/** A loop's history read back through {@link LoopHistory}, the one owner of its layout in the store, as another process reads it. */
class LoopHistoryTest {

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @DisplayName("on a file: store reopened after the loop closed")
  class Reopened {
    private final FakeClock clock = new FakeClock(1_700_000_000_000L);
    private List<Retraining> written;
    private List<TriggerResult> decided;
    private Instant resumedAt;
    private int champion;
    private String uri;

    /**
     * One loop on a {@code file:} store: a failed retraining pauses it (one failure is enough), a trigger while paused is
     * recorded PAUSED, a resume, then a retraining that is promoted; everything closed before the tests read.
     */
    @BeforeAll
    void runALoopAndCloseIt(@TempDir Path dir) {
      uri = "file:" + dir.resolve("store");
      AtomicBoolean failNext = new AtomicBoolean(true);
      try (LoopWorld world = new LoopWorld(StorageBackend.open(uri), clock)) {
        Fixture.champion(world.registry(), "churn", "champion");
        try (RetrainingLoop<Label> loop = world.loop("churn-loop").maxFailures(1).cooldown(Duration.ZERO).data(ctx -> {
          if (failNext.getAndSet(false)) {
            throw new IllegalStateException("the feature store is down");
          }
          return TrainingData.of(Fixture.data(ctx.time(), 400, 3), Map.of("source", "shifted world"));
        }).build()) {
          loop.trigger("first", "manual:first");
          clock.advance(1000);
          loop.trigger("while paused", "manual:paused");
          clock.advance(1000);
          resumedAt = Instant.ofEpochMilli(clock.millis());
          loop.resume();
          clock.advance(1000);
          loop.trigger("after the resume", "manual:after");
          written = loop.history();
          decided = loop.triggers();
          champion = world.registry().aliases("churn").get("champion");
        }
      }
    }

    private <V> V read(java.util.function.Function<LoopHistory, V> what) {
      try (StorageBackend reopened = StorageBackend.open(uri)) {
        return what.apply(LoopHistory.open(reopened, "churn-loop"));
      }
    }

    @Test
    @DisplayName("the loops that used the store are listed by name")
    void loopsAreListed() {
      try (StorageBackend reopened = StorageBackend.open(uri)) {
        assertEquals(List.of("churn-loop"), LoopHistory.loops(reopened));
      }
    }

    @Test
    @DisplayName("its retrainings read back as the loop wrote them, oldest first")
    void retrainingsReadBack() {
      List<LoopHistory.Entry<Retraining>> stored = read(LoopHistory::retrainings);
      assertEquals(List.of(Retraining.State.FAILED, Retraining.State.PROMOTED), written.stream().map(Retraining::state).toList());
      assertEquals(written, stored.stream().map(e -> e.value().orElseThrow()).toList());
      assertEquals(written.stream().map(Retraining::id).toList(), stored.stream().map(LoopHistory.Entry::key).toList());
      assertTrue(stored.get(0).value().orElseThrow().error().contains("the feature store is down"), stored.get(0).toString());
    }

    @Test
    @DisplayName("one retraining is found by its id")
    void oneRetraining() {
      String id = written.get(1).id();
      assertEquals(written.get(1), read(h -> h.retraining(id)).orElseThrow().value().orElseThrow());
      assertTrue(read(h -> h.retraining("rt-none")).isEmpty());
    }

    @Test
    @DisplayName("its promotions are the retrainings whose challenger reached the alias")
    void promotions() {
      List<Retraining> promotions = read(LoopHistory::promotions);
      assertEquals(1, promotions.size());
      assertEquals(champion, promotions.get(0).challengerVersion(), "the alias serves the promoted challenger");
    }

    @Test
    @DisplayName("its triggers read back with what the loop decided, and a resume point is not one of them")
    void triggersReadBack() {
      List<LoopHistory.Entry<TriggerResult>> stored = read(LoopHistory::triggers);
      assertEquals(List.of(TriggerResult.Outcome.QUEUED, TriggerResult.Outcome.PAUSED, TriggerResult.Outcome.QUEUED),
          stored.stream().map(e -> e.value().orElseThrow().outcome()).toList());
      assertEquals(List.of("manual:first", "manual:paused", "manual:after"), stored.stream().map(LoopHistory.Entry::key).toList());
      assertEquals(decided, stored.stream().map(e -> e.value().orElseThrow()).toList());
    }

    @Test
    @DisplayName("the resume point is kept with its time")
    void resumes() {
      assertEquals(List.of(resumedAt), read(LoopHistory::resumes));
    }

    @Test
    @DisplayName("a loop that never stored anything reads empty")
    void unknownLoop() {
      try (StorageBackend reopened = StorageBackend.open(uri)) {
        LoopHistory none = LoopHistory.open(reopened, "no-such-loop");
        assertTrue(none.retrainings().isEmpty() && none.triggers().isEmpty() && none.resumes().isEmpty());
      }
    }
  }

  @Test
  @DisplayName("a damaged record reads as a problem in the history and fails the loop's own strict read")
  void aDamagedRecordSaysWhy() {
    FakeClock clock = new FakeClock(1_700_000_000_000L);
    try (LoopWorld world = new LoopWorld("damaged", clock)) {
      RetrainingStore store = world.backend.store(RetrainingStore.class);
      RetrainingStore.Lease lease = store.acquire("churn-loop", "test", clock.millis(), 60_000).orElseThrow();
      assertTrue(store.begin(lease, clock.millis(), new RetrainingStore.StoredRetraining("churn-loop", "rt-1", clock.millis(), clock.millis(),
          "RUNNING", lease.epoch(), "{not json"), List.of()));
      LoopHistory.Entry<Retraining> e = LoopHistory.open(world.backend, "churn-loop").retrainings().get(0);
      assertTrue(e.value().isEmpty());
      assertEquals("rt-1", e.key());
      assertTrue(e.problem().orElseThrow().contains("Retraining"), e.toString());
      try (RetrainingLoop<Label> loop = world.loop("churn-loop").build()) {
        StorageException thrown = assertThrows(StorageException.class, loop::history);
        assertTrue(thrown.getMessage().contains("rt-1"), thrown.getMessage());
      }
    }
  }

  @Test
  @DisplayName("a name that is no loop's name is refused with the field, the value and the rule")
  void hostileNamesAreRefused() {
    try (StorageBackend backend = StorageBackend.open("mem:loop-history-names")) {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> LoopHistory.open(backend, "churn\nloop"));
      assertTrue(e.getMessage().contains("loop name"), e.getMessage());
      assertThrows(InvalidArgumentException.class, () -> LoopHistory.open(null, "churn"));
    }
  }
}
