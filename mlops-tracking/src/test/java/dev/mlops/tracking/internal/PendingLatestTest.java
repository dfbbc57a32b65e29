package dev.mlops.tracking.internal;

import static dev.mlops.tracking.internal.Backends.createRuns;
import static dev.mlops.tracking.internal.Backends.runId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.ConflictException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On {@code file:} a metric point marks its key pending and the latest value is folded in when it
 * is read: every reader of latest values (a run, a search's filter, order and page) sees every
 * committed point, whichever process or store instance wrote it, also after a reopen; folding at
 * any moment gives the latest values the in-memory store gives; and a writer that is never read
 * does not let pending keys pile up.
 */
class PendingLatestTest {
  @TempDir
  Path dir;

  /** A fresh file: store under {@code name} with experiment e1 and one active run. */
  private StorageBackend withOneRun(String name) {
    StorageBackend backend = StorageBackend.open("file:" + dir.resolve(name));
    createRuns(backend.store(TrackingStore.class), 1);
    return backend;
  }

  private static boolean anyPending(StorageBackend backend) {
    return Database.of(backend).read(MetricChunks::anyPending);
  }

  @Test
  void foldingAtAnyMomentGivesTheLatestValuesOfTheMemoryStore() {
    Random r = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      try (StorageBackend file = StorageBackend.open("file:" + dir.resolve("t" + trial)); StorageBackend mem = Backends.mem()) {
        List<TrackingStore> stores = List.of(file.store(TrackingStore.class), mem.store(TrackingStore.class));
        stores.forEach(s -> createRuns(s, 3));
        for (int op = 0; op < 200; op++) {
          String run = runId(r.nextInt(3));
          // few steps, timestamps and values, so ties (also with NaN and -0.0) are common
          double[] values = {1, 2, -0.0, 0.0, Double.NaN, Double.POSITIVE_INFINITY};
          List<Metric> batch = new ArrayList<>();
          int n = r.nextInt(4) == 0 ? 1 + r.nextInt(4) : 1;
          String key = "k" + r.nextInt(2);
          for (int i = 0; i < n; i++) {
            batch.add(new Metric(r.nextInt(3) == 0 ? "k" + r.nextInt(2) : key, values[r.nextInt(values.length)], r.nextInt(3), r.nextInt(3)));
          }
          stores.forEach(s -> s.logBatch(run, batch, Map.of(), Map.of()));
          if (r.nextInt(10) == 0) {
            for (int i = 0; i < 3; i++) {
              assertEquals(latest(stores.get(1), runId(i)), latest(stores.get(0), runId(i)), "trial " + trial + ", op " + op);
            }
            assertFalse(anyPending(file), "a read folds every pending key");
          }
        }
        for (int i = 0; i < 3; i++) {
          assertEquals(latest(stores.get(1), runId(i)), latest(stores.get(0), runId(i)), "trial " + trial);
        }
      }
    }
  }

  /** Latest values with NaN and -0.0 spelled out, since Metric's equality compares doubles by value. */
  private static String latest(TrackingStore store, String runId) {
    Map<String, Metric> m = new java.util.TreeMap<>(store.getRun(runId).orElseThrow().latestMetrics());
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(k).append('=').append(Double.doubleToRawLongBits(v.value())).append('@').append(v.step())
        .append('/').append(v.timestamp()).append(' '));
    return sb.toString();
  }

  @Test
  void searchesSeePointsWrittenByAnotherStoreInstanceAndAfterAReopen() {
    String uri = "file:" + dir.resolve("shared");
    try (StorageBackend writer = StorageBackend.open(uri)) {
      TrackingStore w = writer.store(TrackingStore.class);
      createRuns(w, 4);
      for (int i = 0; i < 4; i++) {
        w.logBatch(runId(i), List.of(new Metric("acc", 0.1 * i, 1, 0)), Map.of(), Map.of());
      }
      try (StorageBackend reader = StorageBackend.open(uri)) {
        TrackingStore rd = reader.store(TrackingStore.class);
        assertEquals(List.of(runId(3), runId(2)), ids(rd, "metrics.acc > 0.15", "metrics.acc DESC"));
        // the writer goes on; the other instance's next search folds again
        w.logBatch(runId(0), List.of(new Metric("acc", 0.9, 2, 1)), Map.of(), Map.of());
        assertTrue(anyPending(writer));
        assertEquals(List.of(runId(0), runId(3), runId(2)), ids(rd, "metrics.acc > 0.15", "metrics.acc DESC"));
        assertEquals(0.9, rd.getRun(runId(0)).orElseThrow().latestMetrics().get("acc").value());
      }
      // pending again, then the store is closed without any read: nothing committed is lost
      w.logBatch(runId(1), List.of(new Metric("acc", 0.95, 3, 1)), Map.of(), Map.of());
      assertTrue(anyPending(writer));
    }
    try (StorageBackend reopened = StorageBackend.open(uri)) {
      TrackingStore s = reopened.store(TrackingStore.class);
      assertEquals(List.of(runId(1), runId(0)), ids(s, "metrics.acc > 0.5", "metrics.acc DESC"));
      assertFalse(anyPending(reopened));
    }
  }

  private static List<String> ids(TrackingStore store, String filter, String order) {
    return store.searchRuns(List.of("e1"), FilterParser.parse(filter), OrderBy.parseAll(List.of(order)), ViewType.ACTIVE_ONLY, 100, null)
        .items().stream().map(Run::id).toList();
  }

  @Test
  void readersInsideATransactionOfTheSameStoreFoldInItAndTheFoldFollowsItsOutcome() {
    try (StorageBackend backend = withOneRun("nested")) {
      TrackingStore store = backend.store(TrackingStore.class);
      Database db = Database.of(backend);
      String run = runId(0);
      store.logBatch(run, List.of(new Metric("loss", 0.5, 10, 1)), Map.of(), Map.of());
      assertTrue(anyPending(backend));
      // another store's transaction (a registry gate, say) reads the run, then fails: the fold it joined is undone with it
      IllegalStateException failed = assertThrows(IllegalStateException.class, () -> db.transaction(c -> {
        assertEquals(0.5, store.getRun(run).orElseThrow().latestMetrics().get("loss").value());
        assertEquals(List.of(run), ids(store, "metrics.loss < 1", "metrics.loss ASC"));
        throw new IllegalStateException("the enclosing work fails");
      }));
      assertEquals("the enclosing work fails", failed.getMessage());
      assertTrue(anyPending(backend), "the fold rolled back with the transaction it joined");
      // every path that folds (a read, a single point, a batch of two keys, the run's end) commits with the enclosing transaction
      db.transaction(c -> {
        store.logBatch(run, List.of(new Metric("loss", 0.25, 11, 2)), Map.of(), Map.of());
        assertEquals(0.25, store.getRun(run).orElseThrow().latestMetrics().get("loss").value());
        store.logBatch(run, List.of(new Metric("loss", 0.2, 12, 3), new Metric("acc", 0.9, 12, 3)), Map.of(), Map.of());
        store.updateRun(run, RunStatus.FINISHED, 5_000, null);
        return null;
      });
      assertFalse(anyPending(backend));
      Run ended = store.getRun(run).orElseThrow();
      assertEquals(0.2, ended.latestMetrics().get("loss").value());
      assertEquals(0.9, ended.latestMetrics().get("acc").value());
      assertEquals(RunStatus.FINISHED, ended.info().status());
    }
  }

  @Test
  void aPointForADeletedRunWritesNothingAndIsRefused() {
    try (StorageBackend backend = withOneRun("deleted")) {
      TrackingStore store = backend.store(TrackingStore.class);
      String run = runId(0);
      store.logBatch(run, List.of(new Metric("loss", 1, 1, 0)), Map.of(), Map.of());
      store.logBatch(run, List.of(new Metric("loss", 2, 2, 1)), Map.of(), Map.of());
      store.setRunLifecycle(run, LifecycleStage.DELETED);
      // the run's key is known, so this takes the single guarded INSERT, which must write no row
      assertThrows(ConflictException.class, () -> store.logBatch(run, List.of(new Metric("loss", 3, 3, 2)), Map.of(), Map.of()));
      assertEquals(2, store.getMetricHistory(run, "loss", 10, null).items().size());
      store.setRunLifecycle(run, LifecycleStage.ACTIVE);
      store.logBatch(run, List.of(new Metric("loss", 4, 4, 3)), Map.of(), Map.of());
      assertEquals(List.of(1.0, 2.0, 4.0), store.getMetricHistory(run, "loss", 10, null).items().stream().map(Metric::value).toList());
      assertEquals(4.0, store.getRun(run).orElseThrow().latestMetrics().get("loss").value());
    }
  }

  @Test
  void foldingReadsOnlyThePendingKeysNewChunks() {
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("plan"))) {
      backend.store(TrackingStore.class);
      List<String> plan = Database.of(backend).read(c -> {
        List<String> lines = new ArrayList<>();
        try (var ps = c.prepareStatement("EXPLAIN QUERY PLAN " + MetricChunks.SQLITE_FOLD); var rs = ps.executeQuery()) {
          while (rs.next()) {
            lines.add(rs.getString(4));
          }
        }
        return lines;
      });
      String text = String.join("\n", plan);
      assertTrue(text.contains("SCAN p"), text);
      assertTrue(text.contains("SEARCH c USING PRIMARY KEY (run_key=? AND key=? AND chunk_id>?)"), "a range of each key's chunks:\n" + text);
      assertFalse(text.contains("SCAN c"), "never every chunk:\n" + text);
    }
  }

  @Test
  void aWriterThatIsNeverReadFoldsItselfAndAnEndedRunLeavesNothingPending() {
    try (StorageBackend backend = withOneRun("writer")) {
      TrackingStore store = backend.store(TrackingStore.class);
      String run = runId(0);
      // single points (one guarded INSERT each, once the run's key is known) and batches of two keys (the full path)
      for (int step = 0; step < PendingLatest.FOLD_EVERY + 1; step++) {
        List<Metric> points = step % 3 == 0 ? List.of(new Metric("loss", step, step, step), new Metric("acc", step, step, step))
            : List.of(new Metric("loss", step, step, step));
        store.logBatch(run, points, Map.of(), Map.of());
      }
      long pendingChunks = Database.of(backend).read(c -> {
        try (var ps = c.prepareStatement("SELECT COUNT(*) FROM metric_chunks c JOIN metric_pending p ON p.run_key = c.run_key"
            + " AND p.key = c.key AND c.chunk_id >= p.from_chunk"); var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertTrue(pendingChunks <= PendingLatest.FOLD_EVERY, "chunks waiting to be folded: " + pendingChunks);
      store.logBatch(run, List.of(new Metric("loss", -1, 0, PendingLatest.FOLD_EVERY + 5)), Map.of(), Map.of());
      assertTrue(anyPending(backend));
      store.updateRun(run, RunStatus.FINISHED, 5_000, null);
      assertFalse(anyPending(backend), "ending the run folded its latest values");
      Metric last = store.getRun(run).orElseThrow().latestMetrics().get("loss");
      assertEquals(PendingLatest.FOLD_EVERY + 5, last.step());
      assertEquals(-1.0, last.value());
    }
  }
}
