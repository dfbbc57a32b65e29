package dev.mlops.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.Lineage;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.ModelVersionStatus;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RegistryStore} must meet: typed round trips, all-or-nothing
 * transactions, and transactions that never interleave, which is what keeps version numbers gap-free,
 * alias moves atomic, the audit chain linear and events ordered. Extend it and return a fresh store.
 */
public abstract class RegistryStoreContract {
  /** A fresh, empty store; closed after each test. */
  protected abstract RegistryStore newStore();

  /** Called after each test once the store is closed. */
  protected void afterStore() {}

  protected RegistryStore store;
  protected final FakeClock clock = new FakeClock(1_700_000_000_000L);

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
    afterStore();
  }

  protected static ModelVersion version(String model, int n) {
    return new ModelVersion(model, n, ModelVersionStatus.READY, ModelVersion.GENERIC, "file:/m", "ab" + n, 10, "d", Map.of("k", "v"),
        ModelSignature.NONE, new Lineage("run", "exp", Map.of("lr", "0.1"), Map.of("acc", 0.9), List.of("iris@1 (training)"), ""),
        new ModelCard("use", "", List.of(), Map.of("acc", Double.NaN), "", "", List.of("ann")), "alice", 1, 2);
  }

  @Nested
  @DisplayName("entities")
  class Entities {
    @Test
    @DisplayName("models, versions, aliases and requests round-trip")
    void roundTrip() {
      RegisteredModel m = new RegisteredModel("fraud", "desc", 1, 2, Map.of("team", "risk"), 3);
      ModelVersion v = version("fraud", 1);
      PromotionRequest r = new PromotionRequest("r1", "fraud", "champion", 1, "alice", "why", PromotionRequest.Status.OPEN,
          List.of(new PromotionRequest.Decision("bob", true, "ok", 5)), List.of(), 4, -1);
      store.transaction(tx -> {
        tx.putModel(m);
        tx.putVersion(v);
        tx.putAlias("fraud", "champion", 1);
        tx.putRequest(r);
        return null;
      });
      store.transaction(tx -> {
        assertEquals(m, tx.model("fraud").orElseThrow());
        ModelVersion back = tx.version("fraud", 1).orElseThrow();
        assertEquals(v.sha256(), back.sha256());
        assertEquals(v.lineage(), back.lineage());
        assertTrue(Double.isNaN(back.card().evaluationMetrics().get("acc")));
        assertEquals(v.signature(), back.signature());
        assertEquals(Map.of("champion", 1), tx.aliases("fraud"));
        assertEquals(r, tx.request("r1").orElseThrow());
        assertEquals(List.of(r), tx.requests("fraud"));
        assertEquals(List.of(m), tx.models());
        return null;
      });
      store.transaction(tx -> {
        tx.deleteAlias("fraud", "champion");
        tx.deleteVersion("fraud", 1);
        return null;
      });
      store.transaction(tx -> {
        assertTrue(tx.aliases("fraud").isEmpty());
        assertTrue(tx.versions("fraud").isEmpty());
        tx.deleteModel("fraud");
        return null;
      });
      assertTrue(store.transaction(tx -> tx.model("fraud")).isEmpty());
    }

    @Test
    @DisplayName("a transaction that throws leaves nothing behind")
    void rollback() {
      assertThrows(IllegalStateException.class, () -> store.transaction(tx -> {
        tx.putModel(new RegisteredModel("m", "", 1, 1, Map.of(), 1));
        tx.appendAudit(AuditChain.next(null, 1, "a", "X", "m", "", "", ""));
        tx.appendEvent("m", "X", "", 1);
        throw new IllegalStateException("boom");
      }));
      assertTrue(store.transaction(tx -> tx.model("m")).isEmpty());
      assertTrue(store.audit(0, 10).isEmpty());
      assertTrue(store.events(0, 10).isEmpty());
    }

    @Test
    @DisplayName("durable cursors are stored per consumer")
    void cursors() {
      assertEquals(0, store.cursor("a"));
      store.saveCursor("a", 7);
      store.saveCursor("a", 9);
      store.saveCursor("b", 1);
      assertEquals(9, store.cursor("a"));
      assertEquals(1, store.cursor("b"));
    }
  }

  @Nested
  @DisplayName("concurrency")
  class Concurrency {
    @Test
    @DisplayName("concurrent read-modify-write transactions lose nothing: version numbers stay gap-free")
    void numbering() throws Exception {
      store.transaction(tx -> {
        tx.putModel(new RegisteredModel("m", "", 1, 1, Map.of(), 1));
        return null;
      });
      int threads = 6;
      int each = 15;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<List<Integer>>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          fs.add(pool.submit(() -> {
            List<Integer> mine = new ArrayList<>();
            for (int i = 0; i < each; i++) {
              mine.add(store.transaction(tx -> {
                RegisteredModel m = tx.model("m").orElseThrow();
                int n = m.nextVersion();
                tx.putModel(new RegisteredModel("m", "", 1, 1, Map.of(), n + 1));
                tx.putVersion(version("m", n));
                return n;
              }));
            }
            return mine;
          }));
        }
        Set<Integer> all = new HashSet<>();
        for (Future<List<Integer>> f : fs) {
          all.addAll(f.get(120, TimeUnit.SECONDS));
        }
        assertEquals(threads * each, all.size(), "no duplicates");
        for (int n = 1; n <= threads * each; n++) {
          assertTrue(all.contains(n), "no gap at " + n);
        }
        assertEquals(threads * each, store.transaction(tx -> tx.versions("m")).size());
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName("an alias move is seen whole: readers never see the alias without a target or a half-made pair")
    void aliasMoves() throws Exception {
      store.transaction(tx -> {
        tx.putModel(new RegisteredModel("m", "", 1, 1, Map.of(), 3));
        tx.putVersion(version("m", 1));
        tx.putVersion(version("m", 2));
        tx.putAlias("m", "champion", 1);
        tx.putAlias("m", "challenger", 2);
        return null;
      });
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        Future<?> writer = pool.submit(() -> {
          for (int i = 0; i < 60; i++) {
            store.transaction(tx -> {
              Map<String, Integer> a = tx.aliases("m");
              tx.putAlias("m", "champion", a.get("challenger"));
              tx.putAlias("m", "challenger", a.get("champion"));
              return null;
            });
          }
          stop.set(true);
          return null;
        });
        List<Future<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          readers.add(pool.submit(() -> {
            int reads = 0;
            while (!stop.get()) {
              Map<String, Integer> a = store.transaction(tx -> tx.aliases("m"));
              assertEquals(2, a.size());
              assertEquals(Set.of(1, 2), Set.of(a.get("champion"), a.get("challenger")), "swap seen half-done: " + a);
              reads++;
            }
            return reads;
          }));
        }
        writer.get(120, TimeUnit.SECONDS);
        for (Future<Integer> r : readers) {
          assertTrue(r.get(60, TimeUnit.SECONDS) >= 0);
        }
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName("audit entries and events appended from many threads form one valid chain and one ordered log")
    void auditAndEvents() throws Exception {
      int threads = 4;
      int each = 20;
      Concurrently.run(threads, thread -> {
        for (int i = 0; i < each; i++) {
          int n = i;
          store.transaction(tx -> {
            AuditEntry prev = tx.lastAudit().orElse(null);
            tx.appendAudit(AuditChain.next(prev, clock.tick(), "t" + thread, "ACT", "m/" + n, "", "x", ""));
            tx.appendEvent("m", "ACT", "thread=" + thread + ";i=" + n, 1);
            return null;
          });
        }
      });
      List<AuditEntry> audit = store.audit(0, 1000);
      assertEquals(threads * each, audit.size());
      AuditChain.Verification v = AuditChain.verify(audit, null);
      assertTrue(v.valid(), v.problems().toString());
      List<RegistryEvent> events = store.events(0, 1000);
      assertEquals(threads * each, events.size());
      for (int i = 1; i < events.size(); i++) {
        assertTrue(events.get(i).seq() > events.get(i - 1).seq(), "event seqs increase");
      }
      int[] lastPerThread = {-1, -1, -1, -1};
      for (RegistryEvent e : events) {
        int t = Integer.parseInt(e.get("thread"));
        int i = Integer.parseInt(e.get("i"));
        assertEquals(lastPerThread[t] + 1, i, "each writer's events stay in order");
        lastPerThread[t] = i;
      }
      assertEquals(events.subList(5, 15), store.events(events.get(4).seq(), 10));
    }
  }
}
