package dev.mlops.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.ConflictException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Page;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link TrackingStore} must meet. A backend author extends this class, returns
 * a fresh, empty store from {@link #newStore()}, and runs it with JUnit 5:
 *
 * <pre>{@code
 * class MyTrackingStoreTest extends TrackingStoreContract {
 *   protected TrackingStore newStore() { return new MyTrackingStore(...); }
 * }
 * }</pre>
 */
public abstract class TrackingStoreContract extends StoreContract<TrackingStore> {
  /** For subclasses: one per backend under test. */
  protected TrackingStoreContract() {}

  /** The clock the tests advance by hand; starts at 2023-11-14T22:13:20Z. */
  protected final FakeClock clock = new FakeClock(1_700_000_000_000L);
  private final AtomicInteger ids = new AtomicInteger();

  /** Creates an active experiment with that name. */
  protected Experiment experiment(String name) {
    long now = clock.tick();
    return store.createExperiment(new Experiment("e" + ids.incrementAndGet(), name, "runs:/", LifecycleStage.ACTIVE, now, now, Map.of()));
  }

  /** Creates a RUNNING run with that name in the experiment. */
  protected RunInfo run(Experiment e, String name) {
    String id = String.format("%032x", ids.incrementAndGet() * 7919L);
    RunInfo info = new RunInfo(id, e.id(), name, RunStatus.RUNNING, "alice", clock.tick(), -1, LifecycleStage.ACTIVE, "runs:/" + id, "");
    store.createRun(info, Map.of("mlops.runName", name), Map.of());
    return info;
  }

  /** A metric point at the clock's next tick. */
  protected Metric metric(String key, double value, long step) {
    return new Metric(key, value, clock.tick(), step);
  }

  /** Searches the store with a parsed filter and order. */
  protected Page<Run> search(List<String> exps, String filter, List<String> order, int max, String token) {
    return store.searchRuns(exps, FilterParser.parse(filter), OrderBy.parseAll(order), ViewType.ACTIVE_ONLY, max, token);
  }

  /** The names of the runs a search returns, in order. */
  protected List<String> searchNames(Experiment e, String filter, String... order) {
    List<String> names = new ArrayList<>();
    for (Run r : search(List.of(e.id()), filter, List.of(order), 1000, null).items()) {
      names.add(r.info().runName());
    }
    return names;
  }

  @Nested
  @DisplayName("experiments")
  class Experiments {
    @Test
    @DisplayName("are found by id and by name, and listed in creation order")
    void createAndGet() {
      Experiment a = experiment("alpha");
      Experiment b = experiment("beta");
      assertEquals(a, store.getExperiment(a.id()).orElseThrow());
      assertEquals(b, store.getExperimentByName("beta").orElseThrow());
      assertEquals(List.of(a, b), store.listExperiments(ViewType.ALL));
      assertTrue(store.getExperiment("nope").isEmpty());
    }

    @Test
    @DisplayName("names are unique, deleted ones included")
    void uniqueNames() {
      Experiment a = experiment("alpha");
      assertThrows(AlreadyExistsException.class, () -> experiment("alpha"));
      store.setExperimentLifecycle(a.id(), LifecycleStage.DELETED, clock.tick());
      assertThrows(AlreadyExistsException.class, () -> experiment("alpha"));
      assertEquals(List.of(), store.listExperiments(ViewType.ACTIVE_ONLY));
      assertEquals(1, store.listExperiments(ViewType.DELETED_ONLY).size());
    }

    @Test
    @DisplayName("rename refuses a taken name and unknown ids")
    void rename() {
      Experiment a = experiment("alpha");
      experiment("beta");
      store.renameExperiment(a.id(), "gamma", clock.tick());
      assertEquals("gamma", store.getExperiment(a.id()).orElseThrow().name());
      assertThrows(AlreadyExistsException.class, () -> store.renameExperiment(a.id(), "beta", clock.tick()));
      assertThrows(NotFoundException.class, () -> store.renameExperiment("missing", "x", clock.tick()));
    }

    @Test
    @DisplayName("delete takes the runs along and restore brings back only those")
    void deleteRestore() {
      Experiment e = experiment("alpha");
      RunInfo r1 = run(e, "r1");
      RunInfo r2 = run(e, "r2");
      store.setRunLifecycle(r2.runId(), LifecycleStage.DELETED);
      store.setExperimentLifecycle(e.id(), LifecycleStage.DELETED, clock.tick());
      assertEquals(LifecycleStage.DELETED, store.getRun(r1.runId()).orElseThrow().info().lifecycleStage());
      store.setExperimentLifecycle(e.id(), LifecycleStage.ACTIVE, clock.tick());
      assertEquals(LifecycleStage.ACTIVE, store.getRun(r1.runId()).orElseThrow().info().lifecycleStage());
      assertEquals(LifecycleStage.DELETED, store.getRun(r2.runId()).orElseThrow().info().lifecycleStage());
    }

    @Test
    @DisplayName("tags are set and overwritten")
    void tags() {
      Experiment e = experiment("alpha");
      store.setExperimentTag(e.id(), "team", "fraud", clock.tick());
      store.setExperimentTag(e.id(), "team", "risk", clock.tick());
      assertEquals(Map.of("team", "risk"), store.getExperiment(e.id()).orElseThrow().tags());
      assertThrows(NotFoundException.class, () -> store.setExperimentTag("missing", "k", "v", 1));
    }
  }

  @Nested
  @DisplayName("runs")
  class Runs {
    @Test
    @DisplayName("round-trip every field and can be updated, deleted and restored")
    void roundTrip() {
      Experiment e = experiment("alpha");
      RunInfo info = run(e, "first");
      Run r = store.getRun(info.runId()).orElseThrow();
      assertEquals(info, r.info());
      assertEquals(Map.of("mlops.runName", "first"), r.tags());
      store.updateRun(info.runId(), RunStatus.FINISHED, info.startTime() + 5, "renamed");
      RunInfo u = store.getRun(info.runId()).orElseThrow().info();
      assertEquals(RunStatus.FINISHED, u.status());
      assertEquals(info.startTime() + 5, u.endTime());
      assertEquals("renamed", u.runName());
      store.setRunLifecycle(info.runId(), LifecycleStage.DELETED);
      assertEquals(LifecycleStage.DELETED, store.getRun(info.runId()).orElseThrow().info().lifecycleStage());
      store.setRunLifecycle(info.runId(), LifecycleStage.ACTIVE);
      assertEquals(LifecycleStage.ACTIVE, store.getRun(info.runId()).orElseThrow().info().lifecycleStage());
    }

    @Test
    @DisplayName("refuse duplicate ids and unknown experiments")
    void errors() {
      Experiment e = experiment("alpha");
      RunInfo info = run(e, "first");
      assertThrows(AlreadyExistsException.class, () -> store.createRun(info, Map.of(), Map.of()));
      RunInfo orphan = new RunInfo("f".repeat(32), "missing", "x", RunStatus.RUNNING, "u", 1, -1, LifecycleStage.ACTIVE, "a", "");
      assertThrows(NotFoundException.class, () -> store.createRun(orphan, Map.of(), Map.of()));
      assertTrue(store.getRun("0".repeat(32)).isEmpty());
      assertThrows(NotFoundException.class, () -> store.updateRun("0".repeat(32), RunStatus.FAILED, 1, null));
      assertThrows(NotFoundException.class, () -> store.logBatch("0".repeat(32), List.of(), Map.of("a", "b"), Map.of()));
    }

    @Test
    @DisplayName("a deleted run refuses logging")
    void deletedRunRefusesLogging() {
      RunInfo info = run(experiment("alpha"), "r");
      store.setRunLifecycle(info.runId(), LifecycleStage.DELETED);
      assertThrows(ConflictException.class, () -> store.logBatch(info.runId(), List.of(metric("m", 1, 0)), Map.of(), Map.of()));
    }
  }

  @Nested
  @DisplayName("params, tags and inputs")
  class Data {
    @Test
    @DisplayName("params are write-once: same value is a no-op, another value a conflict")
    void writeOnce() {
      RunInfo info = run(experiment("alpha"), "r");
      store.logBatch(info.runId(), List.of(), Map.of("lr", "0.1"), Map.of());
      store.logBatch(info.runId(), List.of(), Map.of("lr", "0.1"), Map.of());
      ConflictException ex = assertThrows(ConflictException.class,
          () -> store.logBatch(info.runId(), List.of(), Map.of("lr", "0.2"), Map.of()));
      assertTrue(ex.getMessage().contains("lr"), ex.getMessage());
      assertEquals(Map.of("lr", "0.1"), store.getRun(info.runId()).orElseThrow().params());
    }

    @Test
    @DisplayName("a batch is atomic: a conflicting param writes none of its metrics, params or tags")
    void batchAtomic() {
      RunInfo info = run(experiment("alpha"), "r");
      store.logBatch(info.runId(), List.of(), Map.of("lr", "0.1"), Map.of());
      Map<String, String> params = new LinkedHashMap<>();
      params.put("a", "1");
      params.put("lr", "0.3");
      assertThrows(ConflictException.class,
          () -> store.logBatch(info.runId(), List.of(metric("acc", 0.5, 0)), params, Map.of("t", "v")));
      Run r = store.getRun(info.runId()).orElseThrow();
      assertEquals(Map.of("lr", "0.1"), r.params());
      assertFalse(r.tags().containsKey("t"));
      assertTrue(r.latestMetrics().isEmpty());
      assertEquals(0, store.getMetricHistory(info.runId(), "acc", 10, null).items().size());
    }

    @Test
    @DisplayName("tags are overwritten and deleted")
    void tags() {
      RunInfo info = run(experiment("alpha"), "r");
      store.logBatch(info.runId(), List.of(), Map.of(), Map.of("k", "1"));
      store.logBatch(info.runId(), List.of(), Map.of(), Map.of("k", "2"));
      assertEquals("2", store.getRun(info.runId()).orElseThrow().tags().get("k"));
      store.deleteTag(info.runId(), "k");
      assertFalse(store.getRun(info.runId()).orElseThrow().tags().containsKey("k"));
      assertThrows(NotFoundException.class, () -> store.deleteTag(info.runId(), "k"));
    }

    @Test
    @DisplayName("dataset inputs are recorded once per name, digest and context")
    void inputs() {
      RunInfo info = run(experiment("alpha"), "r");
      Dataset d = new Dataset("iris", "abc123", "file:/data/iris.csv", "{\"x\":\"double\"}", 150);
      store.logInputs(info.runId(), List.of(new DatasetInput(d, "training")));
      store.logInputs(info.runId(), List.of(new DatasetInput(d, "training"), new DatasetInput(d, "evaluation")));
      List<DatasetInput> in = store.getRun(info.runId()).orElseThrow().inputs();
      assertEquals(2, in.size());
      assertEquals(Set.of("training", "evaluation"), Set.of(in.get(0).context(), in.get(1).context()));
      assertEquals(d, in.get(0).dataset());
    }
  }

  @Nested
  @DisplayName("metrics")
  class Metrics {
    @Test
    @DisplayName("of two points with the same step and timestamp, the larger value is the latest (as in MLflow), in one batch or two")
    void latestTieBreak() {
      RunInfo info = run(experiment("alpha"), "r");
      store.logBatch(info.runId(), List.of(new Metric("m", 5, 100, 3)), Map.of(), Map.of());
      store.logBatch(info.runId(), List.of(new Metric("m", 2, 100, 3)), Map.of(), Map.of());
      assertEquals(5.0, store.getRun(info.runId()).orElseThrow().latestMetrics().get("m").value());
      store.logBatch(info.runId(), List.of(new Metric("m", 7, 100, 3)), Map.of(), Map.of());
      assertEquals(7.0, store.getRun(info.runId()).orElseThrow().latestMetrics().get("m").value());
      store.logBatch(info.runId(), List.of(new Metric("n", 9, 100, 3), new Metric("n", 4, 100, 3)), Map.of(), Map.of());
      assertEquals(9.0, store.getRun(info.runId()).orElseThrow().latestMetrics().get("n").value());
      store.logBatch(info.runId(), List.of(new Metric("m", 1, 101, 3)), Map.of(), Map.of());
      assertEquals(1.0, store.getRun(info.runId()).orElseThrow().latestMetrics().get("m").value(), "a later timestamp wins");
    }

    @Test
    @DisplayName("-0.0 keeps its sign as the latest value and in history")
    void negativeZero() {
      RunInfo info = run(experiment("alpha"), "r");
      store.logBatch(info.runId(), List.of(new Metric("z", -0.0, 100, 0)), Map.of(), Map.of());
      double latest = store.getRun(info.runId()).orElseThrow().latestMetrics().get("z").value();
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(latest), "latest is -0.0, not 0.0");
      double inHistory = store.getMetricHistory(info.runId(), "z", 10, null).items().get(0).value();
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(inHistory));
      assertEquals(1, search(List.of(info.experimentId()), "metrics.z = 0", List.of(), 10, null).items().size(),
          "-0.0 still equals 0 in a search");
    }

    @Test
    @DisplayName("NaN, +Inf and -Inf round-trip exactly, as latest values and in history")
    void specialValues() {
      RunInfo info = run(experiment("alpha"), "r");
      double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE};
      for (int i = 0; i < values.length; i++) {
        store.logBatch(info.runId(), List.of(new Metric("m" + i, values[i], 5, 0)), Map.of(), Map.of());
        store.logBatch(info.runId(), List.of(new Metric("h", values[i], 5, i)), Map.of(), Map.of());
      }
      Run r = store.getRun(info.runId()).orElseThrow();
      assertTrue(Double.isNaN(r.latestMetrics().get("m0").value()));
      assertEquals(Double.POSITIVE_INFINITY, r.latestMetrics().get("m1").value());
      assertEquals(Double.NEGATIVE_INFINITY, r.latestMetrics().get("m2").value());
      assertEquals(0.0, r.latestMetrics().get("m3").value(), 0.0);
      assertEquals(Double.MIN_VALUE, r.latestMetrics().get("m4").value());
      assertEquals(Double.MAX_VALUE, r.latestMetrics().get("m5").value());
      List<Metric> h = store.getMetricHistory(info.runId(), "h", 100, null).items();
      for (int i = 0; i < values.length; i++) {
        assertEquals(Double.doubleToLongBits(values[i]), Double.doubleToLongBits(h.get(i).value()), "history point " + i);
      }
    }

    @Test
    @DisplayName("the latest value is the highest step, then the latest timestamp")
    void latest() {
      RunInfo info = run(experiment("alpha"), "r");
      store.logBatch(info.runId(), List.of(new Metric("loss", 0.5, 100, 2), new Metric("loss", 0.9, 200, 1)), Map.of(), Map.of());
      assertEquals(0.5, store.getRun(info.runId()).orElseThrow().latestMetrics().get("loss").value());
      store.logBatch(info.runId(), List.of(new Metric("loss", 0.4, 150, 2)), Map.of(), Map.of());
      assertEquals(0.4, store.getRun(info.runId()).orElseThrow().latestMetrics().get("loss").value());
      store.logBatch(info.runId(), List.of(new Metric("loss", 0.1, 50, 1)), Map.of(), Map.of());
      assertEquals(0.4, store.getRun(info.runId()).orElseThrow().latestMetrics().get("loss").value());
    }

    @Test
    @DisplayName("history keeps every point in logged order and pages across batches")
    void historyPaging() {
      RunInfo info = run(experiment("alpha"), "r");
      List<Metric> all = new ArrayList<>();
      for (int batch = 0; batch < 7; batch++) {
        List<Metric> b = new ArrayList<>();
        for (int i = 0; i <= batch; i++) {
          b.add(new Metric("acc", batch * 10 + i, 1000 + batch, batch * 10 + i));
        }
        store.logBatch(info.runId(), b, Map.of(), Map.of());
        all.addAll(b);
      }
      for (int pageSize : new int[] {1, 3, 7, 28, 100}) {
        List<Metric> got = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
          Page<Metric> p = store.getMetricHistory(info.runId(), "acc", pageSize, token);
          assertTrue(p.items().size() <= pageSize);
          got.addAll(p.items());
          token = p.nextPageToken().orElse(null);
          assertTrue(++pages <= 30, "paging must end");
        } while (token != null);
        assertEquals(all, got, "page size " + pageSize);
      }
      assertThrows(InvalidArgumentException.class, () -> store.getMetricHistory(info.runId(), "acc", 5, "garbage!"));
      assertThrows(NotFoundException.class, () -> store.getMetricHistory("0".repeat(32), "acc", 5, null));
    }
  }

  @Nested
  @DisplayName("search")
  class Search {
    Experiment exp;
    Map<String, RunInfo> runs = new LinkedHashMap<>();

    @BeforeEach
    void populate() {
      exp = experiment("search");
      String[][] rows = {
          // name, model, acc, loss, tag
          {"a", "sgd", "0.91", "0.3", "gold"},
          {"b", "cart", "0.85", "NaN", "silver"},
          {"c", "sgd", "0.97", "0.1", ""},
          {"d", "xgb", "", "0.2", "Gold"},
          {"e", "cart", "0.60", "", "bronze"}};
      for (String[] row : rows) {
        RunInfo r = run(exp, row[0]);
        runs.put(row[0], r);
        List<Metric> m = new ArrayList<>();
        if (!row[2].isEmpty()) {
          m.add(metric("acc", Double.parseDouble(row[2]), 0));
        }
        if (!row[3].isEmpty()) {
          m.add(metric("loss", Double.parseDouble(row[3]), 0));
        }
        store.logBatch(r.runId(), m, Map.of("model", row[1]), row[4].isEmpty() ? Map.of() : Map.of("medal", row[4]));
      }
      store.logInputs(runs.get("a").runId(), List.of(new DatasetInput(new Dataset("iris", "d1", "", "", 10), "training")));
      store.updateRun(runs.get("e").runId(), RunStatus.FAILED, clock.tick(), null);
    }

    @Test
    @DisplayName("MLflow comparisons on metrics, params, tags and attributes")
    void comparisons() {
      assertEquals(List.of("a", "c"), searchNames(exp, "metrics.acc > 0.9", "run_name"));
      assertEquals(List.of("a", "c"), searchNames(exp, "params.model = 'sgd'", "run_name"));
      assertEquals(List.of("b", "d", "e"), searchNames(exp, "params.model != 'sgd'", "run_name"));
      assertEquals(List.of("e"), searchNames(exp, "attributes.status = 'FAILED'", "run_name"));
      assertEquals(List.of("a", "b", "c", "d", "e"), searchNames(exp, "start_time > 0", "run_name"));
      assertEquals(List.of("e"), searchNames(exp, "end_time > 0", "run_name"));
      assertEquals(List.of("c"), searchNames(exp, "run_name = 'c'", "run_name"));
    }

    @Test
    @DisplayName("OR, NOT, parentheses, IN, NOT IN, IS NULL, IS NOT NULL")
    void extensions() {
      assertEquals(List.of("a", "b", "c", "e"), searchNames(exp, "params.model = 'sgd' OR metrics.acc < 0.9", "run_name"));
      assertEquals(List.of("b", "d", "e"), searchNames(exp, "NOT (params.model = 'sgd')", "run_name"));
      assertEquals(List.of("c"), searchNames(exp, "(params.model = 'sgd' OR params.model = 'xgb') AND metrics.loss < 0.15", "run_name"));
      assertEquals(List.of("b", "d", "e"), searchNames(exp, "params.model IN ('cart', 'xgb')", "run_name"));
      assertEquals(List.of("a", "c"), searchNames(exp, "params.model NOT IN ('cart', 'xgb')", "run_name"));
      assertEquals(List.of("d"), searchNames(exp, "metrics.acc IS NULL", "run_name"));
      assertEquals(List.of("a", "b", "c", "e"), searchNames(exp, "metrics.acc IS NOT NULL", "run_name"));
      assertEquals(List.of("c"), searchNames(exp, "tags.medal IS NULL", "run_name"));
      assertEquals(List.of("a"), searchNames(exp, "datasets.name = 'iris' AND datasets.context = 'training'", "run_name"));
      assertEquals(List.of("b", "c", "d", "e"), searchNames(exp, "datasets.name IS NULL", "run_name"));
    }

    @Test
    @DisplayName("NaN equals nothing, differs from everything, and a missing key matches no comparison")
    void nanAndMissing() {
      assertEquals(List.of("a", "c", "d"), searchNames(exp, "metrics.loss >= 0", "run_name"));
      assertEquals(List.of("a", "b", "c", "d"), searchNames(exp, "metrics.loss != 5", "run_name"));
      assertEquals(List.of(), searchNames(exp, "metrics.loss = NaN", "run_name"));
      assertEquals(List.of("e"), searchNames(exp, "NOT (metrics.loss != 5)", "run_name"));
      assertEquals(List.of("a", "b", "c", "d"), searchNames(exp, "metrics.loss NOT IN (7, 8)", "run_name"));
    }

    @Test
    @DisplayName("LIKE is case-sensitive and ILIKE is not")
    void like() {
      assertEquals(List.of("a"), searchNames(exp, "tags.medal LIKE 'g%'", "run_name"));
      assertEquals(List.of("a", "d"), searchNames(exp, "tags.medal ILIKE 'G%D'", "run_name"));
      assertEquals(List.of("b"), searchNames(exp, "tags.medal LIKE '_ilver'", "run_name"));
      assertEquals(List.of("b", "c", "d", "e"), searchNames(exp, "NOT tags.medal LIKE 'gold'", "run_name"));
    }

    @Test
    @DisplayName("ORDER BY several keys, missing and NaN last in both directions, run id breaking ties")
    void ordering() {
      assertEquals(List.of("c", "a", "b", "e", "d"), searchNames(exp, "", "metrics.acc DESC"));
      assertEquals(List.of("e", "b", "a", "c", "d"), searchNames(exp, "", "metrics.acc ASC"));
      assertEquals(List.of("c", "d", "a", "b", "e"), searchNames(exp, "", "metrics.loss"));
      assertEquals(List.of("a", "d", "c", "b", "e"), searchNames(exp, "", "metrics.loss DESC"));
      assertEquals(List.of("e", "b", "a", "c", "d"), searchNames(exp, "", "params.model", "metrics.acc"));
      assertEquals(List.of("e", "d", "c", "b", "a"), searchNames(exp, ""));
    }

    @Test
    @DisplayName("pages concatenate to the whole result, and tokens survive concurrent inserts")
    void paging() {
      List<String> all = searchNames(exp, "", "metrics.acc DESC", "params.model");
      for (int size = 1; size <= 6; size++) {
        List<String> got = new ArrayList<>();
        String token = null;
        int inserted = 0;
        do {
          Page<Run> p = search(List.of(exp.id()), "", List.of("metrics.acc DESC", "params.model"), size, token);
          p.items().forEach(r -> got.add(r.info().runName()));
          token = p.nextPageToken().orElse(null);
          if (token != null && inserted++ == 0) {
            // a new run between pages sorts before the page already read: it must not shift the next page
            RunInfo extra = run(exp, "z" + size);
            store.logBatch(extra.runId(), List.of(metric("acc", 2.0, 0)), Map.of(), Map.of());
          }
        } while (token != null);
        assertEquals(all, got, "page size " + size);
        for (RunInfo r : store.searchRuns(List.of(exp.id()), FilterParser.parse("run_name LIKE 'z%'"), OrderBy.DEFAULT,
            ViewType.ACTIVE_ONLY, 100, null).items().stream().map(Run::info).toList()) {
          store.setRunLifecycle(r.runId(), LifecycleStage.DELETED);
        }
      }
    }

    @Test
    @DisplayName("a token of another query is refused with the invalid-argument exception")
    void foreignToken() {
      String token = search(List.of(exp.id()), "", List.of("metrics.acc"), 2, null).nextPageToken().orElseThrow();
      assertThrows(InvalidArgumentException.class, () -> search(List.of(exp.id()), "", List.of("metrics.loss"), 2, token));
      assertThrows(InvalidArgumentException.class, () -> search(List.of(exp.id()), "", List.of("metrics.acc"), 2, "bm90IGEgdG9rZW4"));
    }

    @Test
    @DisplayName("views and experiment lists restrict the runs searched")
    void views() {
      Experiment other = experiment("other");
      run(other, "x");
      store.setRunLifecycle(runs.get("a").runId(), LifecycleStage.DELETED);
      assertEquals(4, search(List.of(exp.id()), "", List.of(), 100, null).items().size());
      assertEquals(5, search(List.of(exp.id(), other.id()), "", List.of(), 100, null).items().size());
      assertEquals(1, store.searchRuns(List.of(exp.id()), FilterParser.parse(""), OrderBy.DEFAULT, ViewType.DELETED_ONLY, 100, null)
          .items().size());
      assertEquals(5, store.searchRuns(List.of(exp.id()), FilterParser.parse(""), OrderBy.DEFAULT, ViewType.ALL, 100, null)
          .items().size());
    }
  }

  @Nested
  @DisplayName("concurrency")
  class Concurrency {
    @Test
    @DisplayName("many threads logging to one run lose nothing")
    void manyWriters() throws Exception {
      RunInfo info = run(experiment("alpha"), "r");
      int threads = 8;
      int perThread = 200;
      Concurrently.run(threads, thread -> {
        for (int i = 0; i < perThread; i++) {
          store.logBatch(info.runId(), List.of(new Metric("m", thread * 1000 + i, 1, i)), Map.of("p" + thread + "_" + (i % 5), "v"),
              Map.of("t" + thread, Integer.toString(i)));
        }
      });
      List<Metric> h = new ArrayList<>();
      String token = null;
      do {
        Page<Metric> p = store.getMetricHistory(info.runId(), "m", 500, token);
        h.addAll(p.items());
        token = p.nextPageToken().orElse(null);
      } while (token != null);
      assertEquals(threads * perThread, h.size());
      Set<Double> values = new HashSet<>();
      h.forEach(m -> values.add(m.value()));
      assertEquals(threads * perThread, values.size());
      Run r = store.getRun(info.runId()).orElseThrow();
      assertEquals(threads * 5, r.params().size());
      assertEquals(perThread - 1, r.latestMetrics().get("m").step());
    }

    @Test
    @DisplayName("two writers racing on one param with different values: exactly one wins, the other gets a conflict")
    void paramRace() throws Exception {
      Experiment e = experiment("race");
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 20; round++) {
          RunInfo info = run(e, "r" + round);
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Boolean>> fs = new ArrayList<>();
          for (String v : List.of("left", "right")) {
            fs.add(pool.submit(() -> {
              go.await();
              try {
                store.logBatch(info.runId(), List.of(), Map.of("choice", v), Map.of());
                return true;
              } catch (ConflictException c) {
                return false;
              }
            }));
          }
          go.countDown();
          int wins = 0;
          for (Future<Boolean> f : fs) {
            wins += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
          }
          assertEquals(1, wins, "round " + round);
          String stored = store.getRun(info.runId()).orElseThrow().params().get("choice");
          assertTrue(stored.equals("left") || stored.equals("right"));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
