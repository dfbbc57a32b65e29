package dev.mlops.api.tracking;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run with its data.
 *
 * @param info the run's fields
 * @param params write-once params
 * @param latestMetrics each metric's latest point (highest step, then latest timestamp)
 * @param tags tags, system tags included
 * @param inputs datasets logged as inputs
 */
public record Run(RunInfo info, Map<String, String> params, Map<String, Metric> latestMetrics,
    Map<String, String> tags, List<DatasetInput> inputs) {
  public Run {
    params = Map.copyOf(params);
    latestMetrics = Map.copyOf(latestMetrics);
    tags = Map.copyOf(tags);
    inputs = List.copyOf(inputs);
  }

  /** The run's id. */
  public String id() {
    return info.runId();
  }

  /** The latest value of a metric, if logged. */
  public Optional<Double> metric(String key) {
    Metric m = latestMetrics.get(key);
    return m == null ? Optional.empty() : Optional.of(m.value());
  }

  /** A param's value, if logged. */
  public Optional<String> param(String key) {
    return Optional.ofNullable(params.get(key));
  }

  /** A tag's value, if set. */
  public Optional<String> tag(String key) {
    return Optional.ofNullable(tags.get(key));
  }
}
