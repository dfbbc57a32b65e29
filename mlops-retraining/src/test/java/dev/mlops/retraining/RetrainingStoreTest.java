package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.retraining.RetrainingStore.Lease;
import dev.mlops.api.retraining.RetrainingStore.StoredRetraining;
import dev.mlops.api.retraining.RetrainingStore.StoredTrigger;
import dev.mlops.testkit.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The retraining store's lease, fencing, trigger queue and history, on every built-in backend (PostgreSQL is a real embedded server). */
class RetrainingStoreTest {
  @TempDir
  Path dir;

  private StorageBackend open(String kind) {
    return switch (kind) {
      case "mem" -> StorageBackend.open("mem:store-" + UUID.randomUUID());
      case "file" -> StorageBackend.open("file:" + dir.resolve("store"));
      default -> StorageBackend.open(PostgresServer.newDatabase());
    };
  }

  private static StoredRetraining retraining(String id, long time, long epoch) {
    return new StoredRetraining("loop", id, time, time, "RUNNING", epoch, "{\"id\":\"" + id + "\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "file", "postgres"})
  void theLeaseIsExclusiveExpiresAndChangesEpochWhenItChangesHands(String kind) {
    try (StorageBackend b = open(kind)) {
      RetrainingStore s = b.store(RetrainingStore.class);
      Lease a = s.acquire("loop", "A", 1000, 100).orElseThrow();
      assertEquals(1, a.epoch());
      assertTrue(s.acquire("loop", "B", 1050, 100).isEmpty(), "held by A until 1100");
      Lease renewed = s.acquire("loop", "A", 1060, 100).orElseThrow();
      assertEquals(1, renewed.epoch(), "renewing keeps the epoch");
      assertEquals(1160, renewed.until());
      Lease b2 = s.acquire("loop", "B", 1160, 100).orElseThrow();
      assertEquals(2, b2.epoch(), "an expired lease passes on with a new epoch");
      assertFalse(s.release(a), "A's lease is gone");
      assertTrue(s.release(b2));
      assertEquals(3, s.acquire("loop", "A", 1170, 100).orElseThrow().epoch(), "released early, taken with a new epoch");
      assertEquals(1, s.acquire("other", "A", 1170, 100).orElseThrow().epoch(), "leases are per loop");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "file", "postgres"})
  void writesUnderAStaleLeaseAreRefusedAndTriggersAreDeduplicated(String kind) {
    try (StorageBackend b = open(kind)) {
      RetrainingStore s = b.store(RetrainingStore.class);
      assertTrue(s.addTrigger(new StoredTrigger("loop", "alert:m:drift:7", 10, "{}", null)));
      assertFalse(s.addTrigger(new StoredTrigger("loop", "alert:m:drift:7", 11, "{}", null)), "same key: a duplicate");
      assertTrue(s.addTrigger(new StoredTrigger("loop", "manual:1", 12, "{}", null)));
      assertTrue(s.addTrigger(new StoredTrigger("loop", "skipped:1", 13, "{}", "cooldown")));
      assertEquals(List.of("alert:m:drift:7", "manual:1"), s.triggers("loop", true, 0, 10).stream().map(StoredTrigger::key).toList());
      assertEquals(3, s.triggers("loop", false, 0, 10).size());

      Lease old = s.acquire("loop", "A", 100, 50).orElseThrow();
      assertTrue(s.begin(old, 110, retraining("r1", 110, old.epoch()), List.of("alert:m:drift:7", "manual:1")));
      assertTrue(s.triggers("loop", true, 0, 10).isEmpty(), "both triggers taken");
      assertFalse(s.begin(old, 111, retraining("r2", 111, old.epoch()), List.of("manual:1")), "a taken trigger cannot be taken twice");
      assertTrue(s.update(old, 120, new StoredRetraining("loop", "r1", 110, 120, "RUNNING", old.epoch(), "{\"beat\":1}")));

      Lease next = s.acquire("loop", "B", 200, 50).orElseThrow();
      assertFalse(s.update(old, 201, new StoredRetraining("loop", "r1", 110, 201, "FINISHED", old.epoch(), "{}")),
          "the old holder cannot write after its lease passed on");
      assertFalse(s.update(next, 260, new StoredRetraining("loop", "r1", 110, 260, "KILLED", old.epoch(), "{}")),
          "nor can the new one after its own lease expired");
      assertTrue(s.update(next, 210, new StoredRetraining("loop", "r1", 110, 210, "KILLED", old.epoch(), "{\"killed\":true}")));
      assertTrue(s.requeue(next, 211, "r1"));
      assertEquals(2, s.triggers("loop", true, 0, 10).size(), "a killed retraining's triggers are queued again");
      StoredRetraining r1 = s.retraining("loop", "r1").orElseThrow();
      assertEquals("KILLED", r1.state());
      assertEquals("{\"killed\":true}", r1.json());
      assertEquals(old.epoch(), r1.epoch(), "the record keeps the epoch it ran under");
      assertEquals(List.of("r1"), s.retrainings("loop", 0, 10).stream().map(StoredRetraining::id).toList());
      assertEquals(Optional.empty(), s.retraining("loop", "nope"));
      assertFalse(s.close(old, 212, List.of("manual:1"), "superseded:x"), "closing is fenced too");
      assertTrue(s.close(next, 212, List.of("manual:1"), "superseded:x"));
      assertEquals(List.of("alert:m:drift:7"), s.triggers("loop", true, 0, 10).stream().map(StoredTrigger::key).toList());
      assertEquals("superseded:x", s.triggers("loop", false, 0, 10).stream().filter(t -> t.key().equals("manual:1")).findFirst()
          .orElseThrow().retraining());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "file", "postgres"})
  void concurrentAcquirersGetOneLeasePerEpoch(String kind) throws Exception {
    try (StorageBackend b = open(kind)) {
      RetrainingStore s = b.store(RetrainingStore.class);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      Set<String> winners = ConcurrentHashMap.newKeySet();
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          String holder = "H" + t;
          fs.add(pool.submit(() -> {
            start.await();
            s.acquire("race", holder, 5000, 60_000).ifPresent(l -> winners.add(l.holder() + "@" + l.epoch()));
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : fs) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1, winners.size(), winners.toString());
      assertTrue(winners.iterator().next().endsWith("@1"));
    }
  }
}
