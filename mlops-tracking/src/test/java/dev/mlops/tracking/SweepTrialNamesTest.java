package dev.mlops.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A sweep names each trial by its index in the sweep and its params, and the index of a combination
 * is the same in every JVM: a fixed-seed sweep names its best trial the same way run after run.
 */
class SweepTrialNamesTest {
  /** A space in a map with no order of its own: a HashMap iterates these keys as epochs_or_depth, model, learning_rate. */
  private static Map<String, List<?>> space() {
    Map<String, List<?>> space = new HashMap<>();
    space.put("model", List.of("logistic", "cart"));
    space.put("learning_rate", List.of(0.1, 1.0));
    space.put("epochs_or_depth", List.of(2, 5));
    return space;
  }

  @Test
  void aGridOverAnUnorderedMapTakesItsKeysInNameOrder() {
    List<Map<String, Object>> trials = Sweep.grid(space()).trials();
    assertEquals(8, trials.size());
    assertEquals(List.of("epochs_or_depth", "learning_rate", "model"), List.copyOf(trials.get(0).keySet()));
    assertEquals(Map.of("epochs_or_depth", 2, "learning_rate", 0.1, "model", "logistic"), trials.get(0));
    assertEquals(Map.of("epochs_or_depth", 2, "learning_rate", 0.1, "model", "cart"), trials.get(1));
    assertEquals(Map.of("epochs_or_depth", 5, "learning_rate", 1.0, "model", "cart"), trials.get(7));
    // Map.of's order changes between JVMs; the trials do not
    assertEquals(trials, Sweep.grid(Map.copyOf(space())).trials());
    assertEquals(trials, Sweep.grid(new TreeMap<>(space())).trials());
    assertEquals(Sweep.random(new TreeMap<>(space()), 6, 7).trials(), Sweep.random(space(), 6, 7).trials());
  }

  @Test
  void eachTrialIsNamedByItsIndexAndParams() {
    try (Tracker tracker = Tracker.builder().storage("mem:sweep-names-" + System.nanoTime()).build()) {
      Sweep.Result result = Sweep.grid(Map.of("model", List.of("logistic", "cart"), "depth", List.of(2, 5, 10, 20, 40, 80)))
          .objective("score", true).parallelism(2).name("churn-sweep")
          .run(tracker, "sweep-names", (params, run) -> run.logMetric("score", (Integer) params.get("depth")));
      Map<String, String> names = result.trialRunIds().stream().map(tracker::getRun)
          .collect(Collectors.toMap(r -> r.info().runName(), r -> r.params().get("depth") + "/" + r.params().get("model")));
      assertEquals(12, names.size());
      assertEquals("2/logistic", names.get("churn-sweep-trial-00 (depth=2, model=logistic)"));
      assertEquals("2/cart", names.get("churn-sweep-trial-01 (depth=2, model=cart)"));
      assertEquals("80/cart", names.get("churn-sweep-trial-11 (depth=80, model=cart)"));
      // depth 80 scores 80 for both models: of the two tied trials, the first in the sweep is the best, every time
      assertEquals("churn-sweep-trial-10 (depth=80, model=logistic)", result.best().orElseThrow().info().runName());
    }
  }
}
