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
import dev.mlops.api.StorageException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RegistryStore} must meet: typed round trips, all-or-nothing
 * transactions, and transactions that never interleave, which is what keeps version numbers gap-free,
 * alias moves atomic, the audit chain linear and events ordered. Extend it and return a fresh store.
 */
public abstract class RegistryStoreContract extends StoreContract<RegistryStore> {
  /** For subclasses: one per backend under test. */
  protected RegistryStoreContract() {}

  /** The clock the tests advance by hand; starts at 2023-11-14T22:13:20Z. */
  protected final FakeClock clock = new FakeClock(1_700_000_000_000L);

  /** A READY version {@code n} of {@code model} with a fixed digest. */
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
        tx.appendEvent(new RegistryEvent.ModelCreated(0, "m", 1));
        throw new IllegalStateException("boom");
      }));
      assertTrue(store.transaction(tx -> tx.model("m")).isEmpty());
      assertTrue(store.audit(0, 10).isEmpty());
      assertTrue(store.events(0, 10).isEmpty());
    }

    @Test
    @DisplayName("every event type round-trips with its fields, whatever characters the values hold")
    void typedEvents() {
      String hostile = "x;version=9=\"'\\\n{}";
      List<RegistryEvent> written = List.of(
          new RegistryEvent.ModelCreated(0, hostile, 11),
          new RegistryEvent.ModelRenamed(0, hostile, 12, "old;version=3", hostile),
          new RegistryEvent.ModelDeleted(0, hostile, 13),
          new RegistryEvent.VersionRegistered(0, hostile, 14, 2, "ab;cd"),
          new RegistryEvent.VersionDeleted(0, hostile, 15, 3),
          new RegistryEvent.VersionTagSet(0, hostile, 16, 4, "key=value;version=1"),
          new RegistryEvent.AliasMoved(0, hostile, 17, "champion", 5, 4),
          new RegistryEvent.AliasMoved(0, hostile, 18, "new", 5, 0),
          new RegistryEvent.AliasDeleted(0, hostile, 19, "champion", 5),
          new RegistryEvent.RequestOpened(0, hostile, 20, "r;alias=x", "champion", 6),
          new RegistryEvent.RequestApproved(0, hostile, 21, "r", "champion", 6),
          new RegistryEvent.RequestRejected(0, hostile, 22, "r", "champion", 7));
      assertEquals(0, store.lastEventSeq());
      List<Long> seqs = store.transaction(tx -> written.stream().map(tx::appendEvent).toList());
      List<RegistryEvent> back = store.events(0, 100);
      assertEquals(written.size(), back.size());
      for (int i = 0; i < written.size(); i++) {
        assertEquals(written.get(i).withSeq(seqs.get(i)), back.get(i));
      }
      assertEquals(seqs.get(seqs.size() - 1), store.lastEventSeq());
      assertEquals(back.subList(3, 5), store.events(back.get(2).seq(), 2));
    }

    @Test
    @DisplayName("an audit entry whose seq does not follow the last is refused")
    void auditGap() {
      store.transaction(tx -> {
        tx.appendAudit(AuditChain.next(null, 1, "a", "X", "m", "", "", ""));
        return null;
      });
      AuditEntry first = store.audit(0, 1).get(0);
      AuditEntry skipping = AuditChain.next(first, 2, "a", "X", "m", "", "", "");
      AuditEntry gap = new AuditEntry(first.seq() + 2, skipping.time(), skipping.actor(), skipping.action(), skipping.target(),
          skipping.before(), skipping.after(), skipping.reason(), skipping.prevHash(), skipping.hash());
      assertThrows(StorageException.class, () -> store.transaction(tx -> {
        tx.appendAudit(gap);
        return null;
      }));
      assertEquals(1, store.audit(0, 10).size());
    }

    @Test
    @DisplayName("a snapshot read sees committed state and returns while a writer holds its transaction open")
    void snapshotReadsDoNotWaitForWriters() throws Exception {
      store.transaction(tx -> {
        tx.putModel(new RegisteredModel("m", "before", 1, 1, Map.of(), 1));
        return null;
      });
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        Future<?> w = writer.submit(() -> store.transaction(tx -> {
          tx.putModel(new RegisteredModel("m", "after", 1, 2, Map.of(), 1));
          inside.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        }));
        assertTrue(inside.await(30, TimeUnit.SECONDS));
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
          Future<String> read = reader.submit(() -> store.read(v -> v.model("m").orElseThrow().description()));
          assertEquals("before", read.get(20, TimeUnit.SECONDS), "the read returned the committed state while the writer was open");
        } finally {
          release.countDown();
          reader.shutdownNow();
        }
        w.get(30, TimeUnit.SECONDS);
        assertEquals("after", store.read(v -> v.model("m").orElseThrow().description()));
      } finally {
        release.countDown();
        writer.shutdownNow();
      }
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
            tx.appendEvent(new RegistryEvent.VersionTagSet(0, "m", 1, thread, Integer.toString(n)));
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
        RegistryEvent.VersionTagSet tag = (RegistryEvent.VersionTagSet) e;
        int t = tag.version();
        int i = Integer.parseInt(tag.key());
        assertEquals(lastPerThread[t] + 1, i, "each writer's events stay in order");
        lastPerThread[t] = i;
      }
      assertEquals(events.subList(5, 15), store.events(events.get(4).seq(), 10));
    }
  }
}
