package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.tracking.Metric;
import dev.mlops.tracking.Tracker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET metrics/get-history-bulk-interval}, the route MLflow's UI draws its charts from: one
 * metric of up to 100 runs, sampled to at most {@code max_results} steps (default and most 2,500)
 * between {@code start_step} and {@code end_step}. It follows MLflow's server
 * ({@code mlflow/server/handlers.py}: {@code get_metric_history_bulk_interval_impl} and
 * {@code _get_sampled_steps_from_steps}): the steps logged by any of the runs are sampled at an
 * even interval, the last step in range and each run's first and last step are kept, and every
 * point at a kept step is answered, per run in the order asked, by step then timestamp, at most
 * 25,000 per run.
 */
final class MetricIntervals {
  static final int MAX_RUNS = 100;
  static final int MAX_RESULTS_PER_RUN = 2500;
  static final int MAX_POINTS_PER_RUN = 25_000;
  private final Tracker tracker;

  MetricIntervals(Tracker tracker) {
    this.tracker = tracker;
  }

  ObjectNode bulkInterval(Message m) {
    List<String> runIds = m.strings("run_ids");
    if (runIds.isEmpty()) {
      throw MlflowError.invalid("Missing value for required parameter 'run_ids'");
    }
    if (runIds.size() > MAX_RUNS) {
      throw MlflowError.invalid("GetMetricHistoryBulkInterval request must specify at most " + MAX_RUNS + " run_ids. Received "
          + runIds.size() + " run_ids.");
    }
    String key = m.required("metric_key");
    int max = m.int32("max_results", MAX_RESULTS_PER_RUN, 1, MAX_RESULTS_PER_RUN);
    boolean hasStart = m.has("start_step") && !"".equals(m.string("start_step"));
    boolean hasEnd = m.has("end_step") && !"".equals(m.string("end_step"));
    if (hasStart != hasEnd) {
      throw MlflowError.invalid("If either start step or end step are specified, both must be specified.");
    }
    long start = m.int64("start_step", 0);
    long end = m.int64("end_step", 0);
    if (hasStart && start > end) {
      throw MlflowError.invalid("end_step must be greater than start_step. Found start_step=" + start + " and end_step=" + end + ".");
    }
    Map<String, List<Metric>> histories = new LinkedHashMap<>();
    for (String id : runIds) {
      tracker.store().getRun(id).orElseThrow(() -> MlflowError.notFound("Run with id=" + id + " not found"));
      histories.put(id, tracker.metricHistory(id, key));
    }
    Set<Long> steps = steps(histories.values(), hasStart, start, end, max);
    ObjectNode out = Wire.object();
    ArrayNode list = out.putArray("metrics");
    histories.forEach((runId, points) -> points.stream()
        .filter(p -> steps.contains(p.step()))
        .sorted(Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp))
        .limit(MAX_POINTS_PER_RUN)
        .forEach(p -> list.add(Wire.metric(p).put("run_id", runId))));
    return out;
  }

  /** The steps to answer: MLflow's {@code _get_sampled_steps} over the runs' histories. */
  static Set<Long> steps(java.util.Collection<List<Metric>> histories, boolean ranged, long start, long end, int max) {
    TreeSet<Long> all = new TreeSet<>();
    Set<Long> minsAndMaxes = new TreeSet<>();
    for (List<Metric> h : histories) {
      if (!h.isEmpty()) {
        minsAndMaxes.add(h.stream().mapToLong(Metric::step).min().orElseThrow());
        minsAndMaxes.add(h.stream().mapToLong(Metric::step).max().orElseThrow());
        h.forEach(p -> all.add(p.step()));
      }
    }
    long lo = ranged ? start : 0;
    long hi = ranged ? end : all.isEmpty() ? 0 : all.last();
    Set<Long> out = new TreeSet<>(sampled(new ArrayList<>(all), lo, hi, max));
    minsAndMaxes.stream().filter(s -> lo <= s && s <= hi).forEach(out::add);
    return out;
  }

  /** MLflow's {@code _get_sampled_steps_from_steps} over sorted steps, its index arithmetic kept. */
  static Set<Long> sampled(List<Long> sorted, long start, long end, int max) {
    int startIdx = lowerBound(sorted, start);
    int endIdx = upperBound(sorted, end);
    if (endIdx - startIdx <= max) {
      return new TreeSet<>(sorted.subList(startIdx, Math.max(startIdx, endIdx)));
    }
    int count = endIdx - startIdx;
    double interval = (double) count / max;
    Set<Long> out = new TreeSet<>();
    for (int i = 0; i < max; i++) {
      int idx = startIdx + (int) (i * interval);
      if (idx < count) {
        out.add(sorted.get(idx));
      }
    }
    out.add(sorted.get(endIdx - 1));
    return out;
  }

  private static int lowerBound(List<Long> sorted, long v) {
    int i = Collections.binarySearch(sorted, v);
    return i >= 0 ? i : -i - 1;
  }

  private static int upperBound(List<Long> sorted, long v) {
    int i = Collections.binarySearch(sorted, v);
    return i >= 0 ? i + 1 : -i - 1;
  }
}
