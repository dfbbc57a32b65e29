package dev.mlops.tracking.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.testkit.Postgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stores' plans for the common search shapes: the runs table's default query (newest first,
 * the order MLflow's UI and {@code Tracker.searchRuns} use) reads the (experiment, stage, start
 * time) index in order, and a filter with an order by one metric reads that metric's ordered index
 * from the filter's bound; both stop after one page, never a sort of every run. Fails if a full
 * scan and sort returns.
 */
class SearchPlanTest {
  @Test
  void newestRunsFirstReadTheStartTimeIndexInOrder() {
    try (StorageBackend backend = Backends.file()) {
      JdbcTrackingStore store = (JdbcTrackingStore) backend.store(TrackingStore.class);
      store.createExperiment(new Experiment("e1", "plan", "runs:/", LifecycleStage.ACTIVE, 1, 1, Map.of()));
      for (int i = 0; i < 300; i++) {
        String id = String.format("%032x", i + 1L);
        // start times repeat, so the run id breaks ties
        store.createRun(new RunInfo(id, "e1", "run-" + i, RunStatus.FINISHED, "u", 1_000L + i / 3, 5_000L, LifecycleStage.ACTIVE,
            "runs:/" + id, ""), Map.of(), Map.of());
      }
      List<OrderBy> newest = OrderBy.parseAll(List.of("start_time DESC"));
      List<String> plan = store.explainSearch(List.of("e1"), FilterParser.parse(""), newest, ViewType.ACTIVE_ONLY, 100);
      String text = String.join("\n", plan);
      assertTrue(text.contains("runs_experiment_start"), "the start-time index drives the scan:\n" + text);
      assertFalse(text.contains("USE TEMP B-TREE FOR ORDER BY"), "no sort of every run:\n" + text);

      // and the pages it gives are exact: newest first, ties by run id, every run once
      List<String> seen = new ArrayList<>();
      String token = null;
      long lastStart = Long.MAX_VALUE;
      String lastId = "";
      do {
        var page = store.searchRuns(List.of("e1"), FilterParser.parse(""), newest, ViewType.ACTIVE_ONLY, 70, token);
        for (Run r : page.items()) {
          long start = r.info().startTime();
          assertTrue(start < lastStart || start == lastStart && r.id().compareTo(lastId) > 0, "order at " + r.id());
          lastStart = start;
          lastId = r.id();
          seen.add(r.id());
        }
        token = page.nextPageToken().orElse(null);
      } while (token != null);
      assertEquals(300, seen.size());
      assertEquals(300, seen.stream().distinct().count());
    }
  }

  @Test
  void aFilterOrderedByOneMetricReadsThatMetricsIndexFromTheFiltersBoundOnSqlite() {
    aFilterOrderedByOneMetricReadsThatMetricsIndexFromTheFiltersBound("file");
  }

  @Test
  @Postgres
  void aFilterOrderedByOneMetricReadsThatMetricsIndexFromTheFiltersBoundOnPostgres() {
    aFilterOrderedByOneMetricReadsThatMetricsIndexFromTheFiltersBound("postgres");
  }

  private static void aFilterOrderedByOneMetricReadsThatMetricsIndexFromTheFiltersBound(String kind) {
    try (StorageBackend backend = kind.equals("file") ? Backends.file() : Backends.postgres()) {
      JdbcTrackingStore store = (JdbcTrackingStore) backend.store(TrackingStore.class);
      store.createExperiment(new Experiment("e1", "plan", "runs:/", LifecycleStage.ACTIVE, 1, 1, Map.of()));
      String[] models = {"sgd", "cart", "xgb", "svm"};
      Map<String, Double> acc = new java.util.HashMap<>();
      Map<String, String> model = new java.util.HashMap<>();
      int n = 5_000;
      java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
        Random r = new Random(i);
        String id = String.format("%032x", i + 1L);
        String m = models[r.nextInt(4)];
        // a quarter of the values repeat, so the run id breaks ties
        double a = i % 4 == 0 ? 0.75 : r.nextDouble();
        synchronized (acc) {
          acc.put(id, a);
          model.put(id, m);
        }
        store.createRun(new RunInfo(id, "e1", "run-" + i, RunStatus.FINISHED, "u", 1_000L + i, 5_000L, LifecycleStage.ACTIVE,
            "runs:/" + id, ""), Map.of(), Map.of("model", m));
        store.logBatch(id, List.of(new dev.mlops.api.tracking.Metric("acc", a, 1, 0)), Map.of(), Map.of());
      });
      if (kind.equals("postgres")) {
        // the statistics autovacuum keeps in a running database
        dev.mlops.api.internal.jdbc.Database.of(backend).read(c -> {
          try (var st = c.createStatement()) {
            st.execute("ANALYZE");
          }
          return null;
        });
      }
      var filter = FilterParser.parse("metrics.acc > 0.5 AND params.model = 'sgd'");
      List<OrderBy> best = OrderBy.parseAll(List.of("metrics.acc DESC"));
      String text = String.join("\n", store.explainSearch(List.of("e1"), filter, best, ViewType.ACTIVE_ONLY, 100));
      assertTrue(text.contains("latest_metrics_key_ordered"), "the metric's ordered index drives the scan:\n" + text);
      if (kind.equals("file")) {
        assertTrue(text.contains("value>?"), "read from the filter's bound:\n" + text);
        assertFalse(text.contains("USE TEMP B-TREE FOR ORDER BY"), "no sort of every run:\n" + text);
        assertFalse(text.contains("SCAN "), "no full scan:\n" + text);
      } else {
        assertFalse(text.contains("Seq Scan"), "no full scan:\n" + text);
      }

      // the pages are exact: best first, ties by run id, every match once
      List<String> expected = acc.keySet().stream().filter(id -> acc.get(id) > 0.5 && model.get(id).equals("sgd"))
          .sorted(Comparator.<String>comparingDouble(acc::get).reversed().thenComparing(Comparator.naturalOrder())).toList();
      List<String> seen = new ArrayList<>();
      String token = null;
      do {
        var page = store.searchRuns(List.of("e1"), filter, best, ViewType.ACTIVE_ONLY, 97, token);
        page.items().forEach(r -> seen.add(r.id()));
        token = page.nextPageToken().orElse(null);
      } while (token != null);
      assertEquals(expected, seen);
    }
  }
}
