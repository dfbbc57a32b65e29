package dev.mlops.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.retraining.RetrainingStore.Lease;
import dev.mlops.api.retraining.RetrainingStore.StoredRetraining;
import dev.mlops.api.retraining.RetrainingStore.StoredTrigger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RetrainingStore} must meet; extend it and return a fresh store. It
 * checks the lease (exclusive, expiring, a new epoch whenever it changes hands, one winner among
 * concurrent takers), fencing (no write under a lease that passed on or expired), the trigger
 * queue's deduplication, and the history.
 */
public abstract class RetrainingStoreContract extends StoreContract<RetrainingStore> {
  /** For subclasses: one per backend under test. */
  protected RetrainingStoreContract() {}

  private static StoredRetraining retraining(String id, long time, long epoch) {
    return new StoredRetraining("loop", id, time, time, "RUNNING", epoch, "{\"id\":\"" + id + "\"}");
  }

  @Test
  @DisplayName("the lease is exclusive, expires, and takes a new epoch whenever it changes hands")
  void lease() {
    Lease a = store.acquire("loop", "A", 1000, 100).orElseThrow();
    assertEquals(1, a.epoch());
    assertTrue(store.acquire("loop", "B", 1050, 100).isEmpty(), "held by A until 1100");
    Lease renewed = store.acquire("loop", "A", 1060, 100).orElseThrow();
    assertEquals(1, renewed.epoch(), "renewing keeps the epoch");
    assertEquals(1160, renewed.until());
    Lease b = store.acquire("loop", "B", 1160, 100).orElseThrow();
    assertEquals(2, b.epoch(), "an expired lease passes on with a new epoch");
    assertFalse(store.release(a), "A's lease is gone");
    assertTrue(store.release(b));
    assertEquals(3, store.acquire("loop", "A", 1170, 100).orElseThrow().epoch(), "released early, taken with a new epoch");
    assertEquals(1, store.acquire("other", "A", 1170, 100).orElseThrow().epoch(), "leases are per loop");
    assertEquals("A", store.lease("loop").orElseThrow().holder());
  }

  @Test
  @DisplayName("writes under a stale lease are refused; triggers are deduplicated, taken once, closed and queued again")
  void fencingAndQueue() {
    assertTrue(store.addTrigger(new StoredTrigger("loop", "alert:m:drift:7", 10, "{}", null)));
    assertFalse(store.addTrigger(new StoredTrigger("loop", "alert:m:drift:7", 11, "{}", null)), "same key: a duplicate");
    assertTrue(store.addTrigger(new StoredTrigger("loop", "manual:1", 12, "{}", null)));
    assertTrue(store.addTrigger(new StoredTrigger("loop", "skipped:1", 13, "{}", "cooldown")));
    assertEquals(List.of("alert:m:drift:7", "manual:1"), store.triggers("loop", true, 0, 10).stream().map(StoredTrigger::key).toList());
    assertEquals(3, store.triggers("loop", false, 0, 10).size());
    assertEquals(1, store.triggers("loop", false, 12, 1).size(), "from a time, limited");

    Lease old = store.acquire("loop", "A", 100, 50).orElseThrow();
    assertTrue(store.begin(old, 110, retraining("r1", 110, old.epoch()), List.of("alert:m:drift:7", "manual:1")));
    assertTrue(store.triggers("loop", true, 0, 10).isEmpty(), "both triggers taken");
    assertFalse(store.begin(old, 111, retraining("r2", 111, old.epoch()), List.of("manual:1")), "a taken trigger cannot be taken twice");
    assertTrue(store.retraining("loop", "r2").isEmpty(), "a refused begin writes nothing");
    assertTrue(store.update(old, 120, new StoredRetraining("loop", "r1", 110, 120, "RUNNING", old.epoch(), "{\"beat\":1}")));

    Lease next = store.acquire("loop", "B", 200, 50).orElseThrow();
    assertFalse(store.update(old, 201, new StoredRetraining("loop", "r1", 110, 201, "FINISHED", old.epoch(), "{}")),
        "the old holder cannot write after its lease passed on");
    assertFalse(store.update(next, 260, new StoredRetraining("loop", "r1", 110, 260, "KILLED", old.epoch(), "{}")),
        "nor can the new one after its own lease expired");
    assertFalse(store.requeue(old, 205, "r1"), "requeueing is fenced");
    assertTrue(store.update(next, 210, new StoredRetraining("loop", "r1", 110, 210, "KILLED", old.epoch(), "{\"killed\":true}")));
    assertTrue(store.requeue(next, 211, "r1"));
    assertEquals(2, store.triggers("loop", true, 0, 10).size(), "a killed retraining's triggers are queued again");
    StoredRetraining r1 = store.retraining("loop", "r1").orElseThrow();
    assertEquals("KILLED", r1.state());
    assertEquals(210, r1.updated());
    assertEquals("{\"killed\":true}", r1.json());
    assertEquals(old.epoch(), r1.epoch(), "the record keeps the epoch it ran under");
    assertEquals(List.of("r1"), store.retrainings("loop", 0, 10).stream().map(StoredRetraining::id).toList());
    assertTrue(store.retrainings("other", 0, 10).isEmpty());
    assertEquals(Optional.empty(), store.retraining("loop", "nope"));
    assertFalse(store.close(old, 212, List.of("manual:1"), "superseded:x"), "closing is fenced too");
    assertTrue(store.close(next, 212, List.of("manual:1"), "superseded:x"));
    assertEquals(List.of("alert:m:drift:7"), store.triggers("loop", true, 0, 10).stream().map(StoredTrigger::key).toList());
    assertEquals("superseded:x", store.triggers("loop", false, 0, 10).stream().filter(t -> t.key().equals("manual:1")).findFirst()
        .orElseThrow().retraining());
  }

  @Test
  @DisplayName("lists the loops with anything stored, sorted")
  void loops() {
    assertTrue(store.loops().isEmpty());
    store.addTrigger(new StoredTrigger("zeta", "k", 1, "{}", null));
    store.acquire("alpha", "A", 0, 10);
    Lease l = store.acquire("mid", "A", 0, 1000).orElseThrow();
    store.begin(l, 1, new StoredRetraining("mid", "r", 1, 1, "RUNNING", l.epoch(), "{}"), List.of());
    assertEquals(List.of("alpha", "mid", "zeta"), store.loops());
  }

  @Test
  @DisplayName("retrainings come back in creation order, from a time")
  void history() {
    Lease l = store.acquire("loop", "A", 0, 1_000_000).orElseThrow();
    for (int i = 0; i < 5; i++) {
      assertTrue(store.begin(l, 10, retraining("r" + i, 100 + i, l.epoch()), List.of()));
    }
    assertEquals(List.of("r2", "r3", "r4"), store.retrainings("loop", 102, 10).stream().map(StoredRetraining::id).toList());
    assertEquals(2, store.retrainings("loop", 0, 2).size());
  }

  @Test
  @DisplayName("of concurrent takers of a free lease, exactly one wins")
  void concurrentAcquire() throws Exception {
    Set<String> winners = ConcurrentHashMap.newKeySet();
    Concurrently.run(4, i -> store.acquire("race", "H" + i, 5000, 60_000).ifPresent(l -> winners.add(l.holder() + "@" + l.epoch())));
    assertEquals(1, winners.size(), winners.toString());
    assertTrue(winners.iterator().next().endsWith("@1"));
  }
}
