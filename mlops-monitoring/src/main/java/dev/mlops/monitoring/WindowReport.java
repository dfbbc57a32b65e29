package dev.mlops.monitoring;

import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.quality.QualityReport;
import java.util.List;
import java.util.Map;

/**
 * What a monitor found in one window of rows.
 *
 * @param monitor the monitor's name
 * @param window 0, 1, 2, ...
 * @param start epoch ms of the first row
 * @param end epoch ms when the window closed
 * @param rows rows in the window
 * @param drift drift against the reference profile
 * @param quality data-quality results
 * @param segments drift per value of the segment column (segments with enough rows)
 * @param alerts alerts raised by this window (after cooldowns)
 */
public record WindowReport(String monitor, long window, long start, long end, int rows, DriftReport drift, QualityReport quality,
    Map<String, DriftReport> segments, List<Alert> alerts) {
  /** Copies segments and alerts; both are immutable. */
  public WindowReport {
    segments = Map.copyOf(segments);
    alerts = List.copyOf(alerts);
  }

  /**
   * A one-line summary for logs: window, ISO-8601 times, rows, the drifted columns by name, failed
   * checks, segments and alerts; the full report is in the accessors and in JSON.
   */
  @Override
  public String toString() {
    List<String> drifted = drift.columns().stream().filter(c -> c.drift()).map(c -> c.name()).toList();
    List<String> failed = quality.failures().stream().map(r -> r.check() + (r.column().isEmpty() ? "" : "(" + r.column() + ")")).toList();
    return "WindowReport[" + monitor + " window " + window + ", " + java.time.Instant.ofEpochMilli(start) + " to "
        + java.time.Instant.ofEpochMilli(end) + ", " + rows + " rows, "
        + (drift.datasetDrift() ? "dataset drift" : "no dataset drift") + " (" + drift.driftedColumns() + " of "
        + drift.columns().size() + " columns" + (drifted.isEmpty() ? "" : ": " + String.join(", ", drifted)) + "), quality "
        + (failed.isEmpty() ? "passed" : "failed " + failed) + ", " + segments.size() + " segments, " + alerts.size()
        + " alerts]";
  }
}
