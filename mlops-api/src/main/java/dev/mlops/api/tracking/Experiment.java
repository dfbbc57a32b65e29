package dev.mlops.api.tracking;

import java.util.Map;

/**
 * A named group of runs.
 *
 * @param id the experiment's id ({@code "0"} is the default experiment)
 * @param name unique among all experiments, deleted ones included
 * @param artifactLocation where the runs' artifacts go, as a URI
 * @param lifecycleStage active or soft-deleted
 * @param creationTime epoch milliseconds
 * @param lastUpdateTime epoch milliseconds
 * @param tags experiment tags
 */
public record Experiment(String id, String name, String artifactLocation, LifecycleStage lifecycleStage,
    long creationTime, long lastUpdateTime, Map<String, String> tags) {
  /** The canonical constructor: collections are copied and immutable. */
  public Experiment {
    tags = Map.copyOf(tags);
  }
}
