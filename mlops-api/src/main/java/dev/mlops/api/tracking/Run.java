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
  /** The canonical constructor: collections are copied and immutable. */
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

  /**
   * A short form for logs: the run's info, its params, the latest value of each metric (sorted by
   * key) and how many tags and inputs it has; the full form is in the record's accessors.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Run[").append(info.runId()).append(" '").append(info.runName()).append("' ")
        .append(info.status()).append(", started ").append(java.time.Instant.ofEpochMilli(info.startTime()));
    if (info.endTime() >= 0) {
      sb.append(", ended ").append(java.time.Instant.ofEpochMilli(info.endTime()));
    }
    sb.append(", params ").append(new java.util.TreeMap<>(params)).append(", metrics {");
    String sep = "";
    for (Metric m : new java.util.TreeMap<>(latestMetrics).values()) {
      sb.append(sep).append(m.key()).append('=').append(m.value());
      sep = ", ";
    }
    return sb.append("}, ").append(tags.size()).append(" tags, ").append(inputs.size()).append(" inputs]").toString();
  }
}
