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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The embedded store's plan for the runs table's default query (newest first, the order MLflow's
 * UI and {@code Tracker.searchRuns} use): read from the (experiment, stage, start time) index in
 * order and stopped after one page, never a sort of every run. Fails if a full sort returns.
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
}
