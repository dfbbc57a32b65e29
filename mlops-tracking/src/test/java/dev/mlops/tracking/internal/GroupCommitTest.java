package dev.mlops.tracking.internal;

import static dev.mlops.tracking.internal.Backends.createRuns;
import static dev.mlops.tracking.internal.Backends.runId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.ConflictException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.testkit.Concurrently;
import dev.mlops.testkit.Eventually;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit of {@code logBatch} on a {@code file:} store: batches that queue while a write runs
 * are committed in one transaction, each caller returns once its own batch is committed or throws
 * the exception it gets alone, and whatever happens to a group (a refused batch, an Error in its
 * leader, an interrupted caller) no batch is lost or written twice. The leader is held inside its
 * write by the combiner's hook, so the groups these tests assert are formed deterministically.
 */
class GroupCommitTest {
  @TempDir
  Path dir;

  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stopCallers() throws InterruptedException {
    callers.shutdownNow();
    assertTrue(callers.awaitTermination(60, TimeUnit.SECONDS), "every caller returned");
  }

  /** Holds the first write's leader until released; records every group's size. */
  private static final class Gate implements GroupCommit.Hook {
    final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    /** Thrown from the write of the group with this index (0-based), if set. */
    volatile int failAt = -1;

    @Override
    public void beforeWrite(int batches) {
      int index;
      synchronized (sizes) {
        sizes.add(batches);
        index = sizes.size() - 1;
      }
      if (index == failAt) {
        throw new SimulatedError();
      }
      if (index == 0) {
        entered.countDown();
        try {
          assertTrue(release.await(60, TimeUnit.SECONDS), "released");
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  /** The Error a leader throws in the tests. */
  private static final class SimulatedError extends Error {
    SimulatedError() {
      super("simulated failure of the writing thread");
    }
  }

  private static List<Metric> points(String key, int from, int count, long timestamp) {
    List<Metric> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new Metric(key, from + i, timestamp, from + i));
    }
    return out;
  }

  private static List<Double> values(TrackingStore store, String run, String key) {
    return store.getMetricHistory(run, key, 10_000, null).items().stream().map(Metric::value).toList();
  }

  /** Starts a caller and waits until its batch is queued behind the held leader. */
  private Future<?> queued(JdbcTrackingStore store, int expectedWaiting, Runnable call) {
    Future<?> f = callers.submit(call);
    Eventually.until(() -> store.batchGroups().waiting() == expectedWaiting, "caller " + expectedWaiting + " queued");
    return f;
  }

  /** Installs {@code gate} and starts a lone caller logging point 0 of "loss" to the first run: the leader, held in its write. */
  private Future<?> heldLeader(JdbcTrackingStore store, Gate gate) throws InterruptedException {
    store.batchGroups().hook(gate);
    Future<?> f = callers.submit(() -> store.logBatch(runId(0), points("loss", 0, 1, 1), Map.of(), Map.of()));
    assertTrue(gate.entered.await(60, TimeUnit.SECONDS), "the leader writes");
    return f;
  }

  /** A fresh file: store's tracking store with experiment e1 and {@code runs} active runs. */
  private JdbcTrackingStore storeWithRuns(StorageBackend backend, int runs) {
    JdbcTrackingStore store = (JdbcTrackingStore) backend.store(TrackingStore.class);
    createRuns(store, runs);
    return store;
  }

  private StorageBackend open(String name) {
    return StorageBackend.open("file:" + dir.resolve(name));
  }

  private static Throwable failureOf(Future<?> f) throws InterruptedException, java.util.concurrent.TimeoutException {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void callersThatQueueBehindAWriteAreCommittedInOneTransaction() throws Exception {
    try (StorageBackend backend = open("one")) {
      JdbcTrackingStore store = storeWithRuns(backend, 2);
      Gate gate = new Gate();
      Future<?> leader = heldLeader(store, gate);
      List<Future<?>> followers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        // two callers to the same run and key, three with several keys, params and tags
        followers.add(queued(store, i + 1, () -> store.logBatch(runId(n % 2), List.of(new Metric("loss", 10 + n, 2, 10 + n),
            new Metric("acc-" + n, n, 2, 10 + n)), Map.of("p" + n, "v" + n), Map.of("t", "caller " + n))));
      }
      gate.release.countDown();
      leader.get(60, TimeUnit.SECONDS);
      for (Future<?> f : followers) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(List.of(1, 5), gate.sizes, "the leader's own batch, then the five queued ones in one transaction");
      assertEquals(List.of(0.0, 10.0, 12.0, 14.0), values(store, runId(0), "loss"));
      assertEquals(List.of(11.0, 13.0), values(store, runId(1), "loss"));
      Run run0 = store.getRun(runId(0)).orElseThrow();
      assertEquals(14.0, run0.latestMetrics().get("loss").value());
      assertEquals(Map.of("p0", "v0", "p2", "v2", "p4", "v4"), run0.params());
      assertEquals("caller 4", run0.tags().get("t"), "tags of one run land in the order the callers queued");
      assertEquals(4.0, run0.latestMetrics().get("acc-4").value());
      assertEquals(0, store.batchGroups().waiting());
    }
  }

  @Test
  void aGroupTakesAtMostItsBoundOfBatchesAndTheRestFollowInTheNext() throws Exception {
    try (StorageBackend backend = open("bound")) {
      JdbcTrackingStore store = storeWithRuns(backend, 1);
      Gate gate = new Gate();
      Future<?> leader = heldLeader(store, gate);
      int callers = GroupCommit.MAX_BATCHES + 6;
      List<Future<?>> followers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        int n = i;
        followers.add(queued(store, i + 1, () -> store.logBatch(runId(0), points("loss", 1 + n, 1, 2), Map.of(), Map.of())));
      }
      gate.release.countDown();
      leader.get(60, TimeUnit.SECONDS);
      for (Future<?> f : followers) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(List.of(1, GroupCommit.MAX_BATCHES, 6), gate.sizes);
      List<Double> expected = new ArrayList<>();
      for (int i = 0; i <= callers; i++) {
        expected.add((double) i);
      }
      assertEquals(expected, values(store, runId(0), "loss"), "every point once, in the order the callers queued");
    }
  }

  @Test
  void aRefusedBatchFailsAloneWithTheExceptionItGetsOnItsOwnAndTheRestOfItsGroupIsStored() throws Exception {
    try (StorageBackend backend = open("refused")) {
      JdbcTrackingStore store = storeWithRuns(backend, 4);
      String good = runId(0);
      String deleted = runId(1);
      String withParam = runId(2);
      String other = runId(3);
      String missing = runId(99);
      store.logBatch(deleted, points("loss", 0, 1, 1), Map.of(), Map.of());
      store.setRunLifecycle(deleted, LifecycleStage.DELETED);
      store.logBatch(withParam, List.of(), Map.of("lr", "0.1"), Map.of());
      Gate gate = new Gate();
      Future<?> leader = heldLeader(store, gate);
      Runnable toDeleted = () -> store.logBatch(deleted, points("loss", 1, 2, 2), Map.of(), Map.of());
      // the new param is written before the conflicting one is found: undoing the batch must undo it
      Map<String, String> conflictingParams = new LinkedHashMap<>();
      conflictingParams.put("batch", "64");
      conflictingParams.put("lr", "0.2");
      Runnable conflicting = () -> store.logBatch(withParam, points("loss", 0, 2, 2), conflictingParams, Map.of("note", "from the refused batch"));
      Runnable toMissing = () -> store.logBatch(missing, points("loss", 0, 1, 2), Map.of(), Map.of());
      List<Future<?>> fs = new ArrayList<>();
      fs.add(queued(store, 1, () -> store.logBatch(good, points("loss", 1, 2, 2), Map.of("seed", "7"), Map.of("t", "a"))));
      fs.add(queued(store, 2, toDeleted));
      fs.add(queued(store, 3, conflicting));
      fs.add(queued(store, 4, toMissing));
      fs.add(queued(store, 5, () -> store.logBatch(withParam, points("acc", 0, 2, 3), Map.of("epochs", "3"), Map.of("t", "b"))));
      fs.add(queued(store, 6, () -> store.logBatch(other, points("loss", 5, 1, 3), Map.of(), Map.of())));
      gate.release.countDown();
      leader.get(60, TimeUnit.SECONDS);
      fs.get(0).get(60, TimeUnit.SECONDS);
      Throwable deletedFailure = failureOf(fs.get(1));
      Throwable conflictFailure = failureOf(fs.get(2));
      Throwable missingFailure = failureOf(fs.get(3));
      fs.get(4).get(60, TimeUnit.SECONDS);
      fs.get(5).get(60, TimeUnit.SECONDS);
      assertEquals(List.of(1, 6), gate.sizes, "the refused batches were in the group");

      // what the group stored: everything but the three refused batches
      assertEquals(List.of(0.0, 1.0, 2.0), values(store, good, "loss"));
      assertEquals(Map.of("seed", "7"), store.getRun(good).orElseThrow().params());
      assertEquals(List.of(0.0), values(store, deleted, "loss"));
      Run param = store.getRun(withParam).orElseThrow();
      assertEquals(Map.of("lr", "0.1", "epochs", "3"), param.params(), "the refused batch's other param was undone with it");
      assertEquals(Map.of("t", "b"), param.tags());
      assertEquals(List.of(), values(store, withParam, "loss"));
      assertEquals(List.of(0.0, 1.0), values(store, withParam, "acc"));
      assertEquals(List.of(5.0), values(store, other, "loss"));

      // each refused batch got exactly what it gets alone
      store.batchGroups().hook(batches -> { });
      assertSameFailure(assertThrows(ConflictException.class, toDeleted::run), deletedFailure);
      assertEquals("run '" + deleted + "' is deleted; restore it before logging", deletedFailure.getMessage());
      assertSameFailure(assertThrows(ConflictException.class, conflicting::run), conflictFailure);
      assertEquals("param 'lr' of run '" + withParam + "' already has value '0.1'; params are write-once (tried '0.2')",
          conflictFailure.getMessage());
      assertSameFailure(assertThrows(NotFoundException.class, toMissing::run), missingFailure);
      assertEquals(List.of(0.0), values(store, deleted, "loss"));
      assertEquals(Map.of("lr", "0.1", "epochs", "3"), store.getRun(withParam).orElseThrow().params());
    }
  }

  @Test
  void aGroupWhoseTransactionFailsIsWrittenOneBatchPerTransactionByItsOwnCallers() throws Exception {
    try (StorageBackend backend = open("fallback")) {
      JdbcTrackingStore store = storeWithRuns(backend, 2);
      // a tag without a value: the store leaves that check to the database, whose refusal fails the whole group transaction
      Map<String, String> nullTag = new HashMap<>();
      nullTag.put("broken", null);
      Runnable bad = () -> store.logBatch(runId(1), points("loss", 0, 2, 2), Map.of(), nullTag);
      Gate gate = new Gate();
      Future<?> leader = heldLeader(store, gate);
      Future<?> before = queued(store, 1, () -> store.logBatch(runId(0), points("loss", 1, 1, 2), Map.of("a", "1"), Map.of()));
      Future<?> refused = queued(store, 2, bad);
      Future<?> after = queued(store, 3, () -> store.logBatch(runId(1), points("acc", 0, 1, 2), Map.of(), Map.of("t", "x")));
      gate.release.countDown();
      leader.get(60, TimeUnit.SECONDS);
      before.get(60, TimeUnit.SECONDS);
      after.get(60, TimeUnit.SECONDS);
      Throwable grouped = failureOf(refused);
      assertEquals(List.of(1, 3), gate.sizes, "the failed group is not retried as a group");
      assertEquals(List.of(0.0, 1.0), values(store, runId(0), "loss"));
      assertEquals(Map.of("a", "1"), store.getRun(runId(0)).orElseThrow().params());
      assertEquals(List.of(), values(store, runId(1), "loss"));
      assertEquals(List.of(0.0), values(store, runId(1), "acc"));
      assertEquals(Map.of("t", "x"), store.getRun(runId(1)).orElseThrow().tags());
      assertSameFailure(assertThrows(MlopsException.class, bad::run), grouped);
    }
  }

  private static void assertSameFailure(MlopsException alone, Throwable grouped) {
    assertEquals(alone.getClass(), grouped.getClass());
    assertEquals(alone.getMessage(), grouped.getMessage());
  }

  @Test
  void aLeaderThatThrowsAnErrorLeavesNoFollowerWaitingAndLosesOnlyItsOwnBatch() throws Exception {
    try (StorageBackend backend = open("error")) {
      JdbcTrackingStore store = storeWithRuns(backend, 1);
      Gate gate = new Gate();
      gate.failAt = 1;
      Future<?> leader = heldLeader(store, gate);
      List<Future<?>> followers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        followers.add(queued(store, i + 1, () -> store.logBatch(runId(0), points("f" + n, 0, 2, 2), Map.of(), Map.of("f" + n, "x"))));
      }
      gate.release.countDown();
      leader.get(60, TimeUnit.SECONDS);
      // the follower that led the queued group threw the Error; the other two wrote their own batches
      List<Integer> failed = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        try {
          followers.get(i).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          assertInstanceOf(SimulatedError.class, e.getCause());
          failed.add(i);
        }
      }
      assertEquals(1, failed.size(), "only the leader of the failed group throws");
      assertEquals(List.of(1, 3), gate.sizes);
      Run run = store.getRun(runId(0)).orElseThrow();
      for (int i = 0; i < 3; i++) {
        List<Double> expected = failed.contains(i) ? List.of() : List.of(0.0, 1.0);
        assertEquals(expected, values(store, runId(0), "f" + i), "follower " + i);
        assertEquals(!failed.contains(i), run.tags().containsKey("f" + i), "follower " + i);
      }
      // the combiner is free again: a lone call leads and writes
      store.logBatch(runId(0), points("loss", 1, 1, 3), Map.of(), Map.of());
      assertEquals(List.of(0.0, 1.0), values(store, runId(0), "loss"));
      assertEquals(0, store.batchGroups().waiting());
    }
  }

  @Test
  void aCallFromWorkTheDatabaseRunsOnTheCallersThreadWritesWithoutWaitingForALeader() throws Exception {
    try (StorageBackend backend = open("nested")) {
      JdbcTrackingStore store = storeWithRuns(backend, 1);
      Database db = Database.of(backend);
      Gate gate = new Gate();
      Future<?> leader = heldLeader(store, gate);
      // this thread holds SQLite's writer connection, which the held leader will need: queuing behind it would never end
      callers.submit(() -> db.read(c -> {
        store.logBatch(runId(0), points("loss", 1, 1, 2), Map.of(), Map.of());
        return null;
      })).get(60, TimeUnit.SECONDS);
      callers.submit(() -> db.transaction(c -> {
        store.logBatch(runId(0), points("loss", 2, 1, 3), Map.of("p", "1"), Map.of());
        return null;
      })).get(60, TimeUnit.SECONDS);
      assertEquals(List.of(1.0, 2.0), values(store, runId(0), "loss"), "written while the leader is still held");
      gate.release.countDown();
      leader.get(60, TimeUnit.SECONDS);
      assertEquals(List.of(1.0, 2.0, 0.0), values(store, runId(0), "loss"));
      assertEquals(List.of(1), gate.sizes);
    }
  }

  @Test
  void aCallerInterruptedWhileItsBatchWaitsLearnsThatItWasWritten() throws Exception {
    try (StorageBackend backend = open("interrupt")) {
      JdbcTrackingStore store = storeWithRuns(backend, 1);
      Gate gate = new Gate();
      Future<?> leader = heldLeader(store, gate);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean interruptedOnReturn = new AtomicBoolean();
      Thread caller = new Thread(() -> {
        try {
          store.logBatch(runId(0), points("loss", 1, 2, 2), Map.of(), Map.of());
        } catch (Throwable t) {
          failure.set(t);
        }
        interruptedOnReturn.set(Thread.currentThread().isInterrupted());
      });
      caller.start();
      Eventually.until(() -> store.batchGroups().waiting() == 1, "the caller queued");
      caller.interrupt();
      gate.release.countDown();
      leader.get(60, TimeUnit.SECONDS);
      caller.join(60_000);
      assertFalse(caller.isAlive());
      assertNull(failure.get());
      assertTrue(interruptedOnReturn.get(), "the caller keeps its interrupt status");
      assertEquals(List.of(0.0, 1.0, 2.0), values(store, runId(0), "loss"));
    }
  }

  @Test
  void manyThreadsLoggingToSharedAndOwnRunsStoreEveryPointOnceInTheirOrderAlsoAfterAReopen() throws Exception {
    int threads = 8;
    int batches = 150;
    int runs = 4;
    String uri = "file:" + dir.resolve("many");
    try (StorageBackend backend = StorageBackend.open(uri)) {
      JdbcTrackingStore store = (JdbcTrackingStore) backend.store(TrackingStore.class);
      createRuns(store, runs);
      List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
      store.batchGroups().hook(sizes::add);
      Concurrently.run(threads, t -> {
        String run = runId(t % runs);
        for (int i = 0; i < batches; i++) {
          List<Metric> metrics = new ArrayList<>();
          if (i % 5 == 0) {
            // one key: the single-INSERT path when the call is alone
            metrics.add(new Metric("solo", value(t, i), t, i));
          } else {
            for (int k = 0; k < 4; k++) {
              metrics.add(new Metric("k" + k, value(t, i), t, i));
            }
          }
          store.logBatch(run, metrics, i % 7 == 0 ? Map.of("p-" + t + "-" + i, "v" + i) : Map.of(), Map.of("last-" + t, "" + i));
        }
      });
      assertEquals(threads * batches, sizes.stream().mapToInt(Integer::intValue).sum(), "every batch written by a leader, once");
      assertEverything(store, threads, batches, runs);
    }
    try (StorageBackend reopened = StorageBackend.open(uri)) {
      assertEverything(reopened.store(TrackingStore.class), threads, batches, runs);
    }
  }

  private static double value(int thread, int batch) {
    return thread * 1_000 + batch;
  }

  /** Every point once, each thread's points in the order it logged them, the latest values by step, every param and tag. */
  private static void assertEverything(TrackingStore store, int threads, int batches, int runs) {
    for (int r = 0; r < runs; r++) {
      String run = runId(r);
      Run stored = store.getRun(run).orElseThrow();
      Map<String, String> params = new HashMap<>();
      Map<String, String> tags = new HashMap<>();
      for (String key : List.of("solo", "k0", "k1", "k2", "k3")) {
        List<Metric> history = store.getMetricHistory(run, key, 100_000, null).items();
        Map<Long, List<Double>> byThread = new HashMap<>();
        for (Metric m : history) {
          byThread.computeIfAbsent(m.timestamp(), x -> new ArrayList<>()).add(m.value());
        }
        List<Metric> expectedAll = new ArrayList<>();
        for (int t = r; t < threads; t += runs) {
          List<Double> expected = new ArrayList<>();
          for (int i = 0; i < batches; i++) {
            if ((i % 5 == 0) == key.equals("solo")) {
              expected.add(value(t, i));
              expectedAll.add(new Metric(key, value(t, i), t, i));
            }
          }
          assertEquals(expected, byThread.get((long) t), "run " + r + ", key " + key + ", thread " + t + ": each point once, in its order");
        }
        assertEquals(expectedAll.size(), history.size(), "run " + r + ", key " + key);
        Metric latest = expectedAll.stream().max(Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp)
            .thenComparingDouble(Metric::value)).orElseThrow();
        assertEquals(latest.value(), stored.latestMetrics().get(key).value(), "run " + r + ", latest " + key);
      }
      for (int t = r; t < threads; t += runs) {
        for (int i = 0; i < batches; i += 7) {
          params.put("p-" + t + "-" + i, "v" + i);
        }
        tags.put("last-" + t, "" + (batches - 1));
      }
      assertEquals(params, stored.params(), "run " + r);
      assertEquals(tags, stored.tags(), "run " + r);
    }
  }
}
