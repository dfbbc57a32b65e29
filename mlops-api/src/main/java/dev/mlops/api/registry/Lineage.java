package dev.mlops.api.registry;

import java.util.List;
import java.util.Map;

/**
 * Where a version came from, copied from its source run when it was registered.
 *
 * @param runId the source run, "" when registered from a file or object
 * @param experimentId the run's experiment
 * @param params the run's params
 * @param metrics the run's latest metric values
 * @param datasets "name@digest (context)" of each dataset input
 * @param gitCommit the run's git commit tag, or ""
 */
public record Lineage(String runId, String experimentId, Map<String, String> params, Map<String, Double> metrics,
    List<String> datasets, String gitCommit) {
  /** No lineage. */
  public static final Lineage NONE = new Lineage("", "", Map.of(), Map.of(), List.of(), "");

  /** The canonical constructor: collections are copied and immutable. */
  public Lineage {
    params = Map.copyOf(params);
    metrics = Map.copyOf(metrics);
    datasets = List.copyOf(datasets);
  }
}
