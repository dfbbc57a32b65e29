package dev.mlops.tracking;

import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A side-by-side table of chosen runs: one row per param and per metric (latest value), one
 * column per run, with the params whose values differ marked.
 *
 * @param runs the runs compared, in the order asked
 */
public record RunComparison(List<Run> runs) {
  /** Copies the runs; the list is immutable. */
  public RunComparison {
    runs = List.copyOf(runs);
  }

  /** Every param key logged by any of the runs, sorted. */
  public Set<String> paramKeys() {
    Set<String> keys = new TreeSet<>();
    runs.forEach(r -> keys.addAll(r.params().keySet()));
    return keys;
  }

  /** Every metric key logged by any of the runs, sorted. */
  public Set<String> metricKeys() {
    Set<String> keys = new TreeSet<>();
    runs.forEach(r -> keys.addAll(r.latestMetrics().keySet()));
    return keys;
  }

  /** The params whose value is not the same in every run (a missing param counts as a value). */
  public Set<String> differingParams() {
    Set<String> out = new TreeSet<>();
    for (String k : paramKeys()) {
      String first = runs.get(0).params().get(k);
      for (Run r : runs) {
        if (!Objects.equals(first, r.params().get(k))) {
          out.add(k);
          break;
        }
      }
    }
    return out;
  }

  /** A param's values, one per run, null where a run lacks it. */
  public List<String> paramValues(String key) {
    List<String> out = new ArrayList<>();
    runs.forEach(r -> out.add(r.params().get(key)));
    return out;
  }

  /** A metric's latest values, one per run, null where a run lacks it. */
  public List<Double> metricValues(String key) {
    List<Double> out = new ArrayList<>();
    for (Run r : runs) {
      Metric m = r.latestMetrics().get(key);
      out.add(m == null ? null : m.value());
    }
    return out;
  }

  /** The table as fixed-width text; differing params are marked with {@code *}. */
  public String toTable() {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>();
    header.add("");
    runs.forEach(r -> header.add(r.info().runName()));
    rows.add(header);
    Set<String> diff = differingParams();
    for (String k : paramKeys()) {
      List<String> row = new ArrayList<>();
      row.add((diff.contains(k) ? "* " : "  ") + "params." + k);
      paramValues(k).forEach(v -> row.add(v == null ? "-" : v));
      rows.add(row);
    }
    for (String k : metricKeys()) {
      List<String> row = new ArrayList<>();
      row.add("  metrics." + k);
      metricValues(k).forEach(v -> row.add(v == null ? "-" : String.format(java.util.Locale.ROOT, "%.4f", v)));
      rows.add(row);
    }
    int cols = header.size();
    int[] width = new int[cols];
    for (List<String> row : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], Math.min(40, row.get(i).length()));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < cols; i++) {
        String cell = row.get(i).length() > 40 ? row.get(i).substring(0, 37) + "..." : row.get(i);
        sb.append(i == 0 ? "" : "  ").append(String.format("%-" + width[i] + "s", cell));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The runs keyed by id. */
  public Map<String, Run> byId() {
    Map<String, Run> m = new java.util.LinkedHashMap<>();
    runs.forEach(r -> m.put(r.id(), r));
    return m;
  }
}
