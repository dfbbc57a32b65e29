package dev.mlops.monitoring;

import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.quality.CheckResult;
import dev.mlops.monitoring.quality.QualityReport;
import java.util.LinkedHashMap;
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
 * @param drift drift against the reference profile (its verdict covers the tested columns; the
 *     others are listed with the reason in {@link DriftReport#untested()})
 * @param quality data-quality results
 * @param segments drift per value of the segment column (segments with enough rows)
 * @param alerts alerts raised by this window (after cooldowns)
 * @param windowsDropped windows closed since the previous report whose rows were dropped unanalysed
 *     because too many windows waited for the executor ({@link MonitorBuilder#maxPendingWindows})
 * @param rowsDropped the rows of those windows
 * @param summary whether this is the {@linkplain #asSummary() summary} a store keeps of an old window
 * @param suppressedAlerts the alerts this window's rules would have raised but the cooldown held back
 *     (the rule fired less than the cooldown ago): counted and shown, so that a window drifting at
 *     100 % with no alert says why ({@link MonitorBuilder#cooldown})
 */
public record WindowReport(String monitor, long window, long start, long end, int rows, DriftReport drift, QualityReport quality,
    Map<String, DriftReport> segments, List<Alert> alerts, long windowsDropped, long rowsDropped, boolean summary,
    List<Alert> suppressedAlerts) {
  /** Copies segments and alerts; all are immutable. A report stored before suppressed alerts were kept reads none. */
  public WindowReport {
    segments = Map.copyOf(segments);
    alerts = List.copyOf(alerts);
    suppressedAlerts = suppressedAlerts == null ? List.of() : List.copyOf(suppressedAlerts);
  }

  /** A report with no alert suppressed by a cooldown. */
  public WindowReport(String monitor, long window, long start, long end, int rows, DriftReport drift, QualityReport quality,
      Map<String, DriftReport> segments, List<Alert> alerts, long windowsDropped, long rowsDropped, boolean summary) {
    this(monitor, window, start, end, rows, drift, quality, segments, alerts, windowsDropped, rowsDropped, summary, List.of());
  }

  /** A full report of a window with no window dropped before it. */
  public WindowReport(String monitor, long window, long start, long end, int rows, DriftReport drift, QualityReport quality,
      Map<String, DriftReport> segments, List<Alert> alerts) {
    this(monitor, window, start, end, rows, drift, quality, segments, alerts, 0, 0, false);
  }

  /**
   * The report in the few bytes a store keeps of an old window ({@link Retention}): the verdicts,
   * counts, untested columns, alerts and drops stay; the drift columns keep only the drifted ones
   * without bins (segments likewise) and the quality results only the failed checks.
   */
  public WindowReport asSummary() {
    Map<String, DriftReport> seg = new LinkedHashMap<>();
    segments.forEach((k, v) -> seg.put(k, v.asSummary()));
    List<CheckResult> failed = quality.failures();
    return new WindowReport(monitor, window, start, end, rows, drift.asSummary(), new QualityReport(quality.rows(), failed), seg, alerts,
        windowsDropped, rowsDropped, true, suppressedAlerts);
  }

  /**
   * A one-line summary for logs: window, ISO-8601 times, rows, the drift verdict over the tested
   * columns (and which were not tested), failed checks, segments, alerts (and those the cooldown
   * suppressed) and dropped windows; the
   * full report is in the accessors and in JSON.
   */
  @Override
  public String toString() {
    List<String> failed = quality.failures().stream().map(r -> r.check() + (r.column().isEmpty() ? "" : "(" + r.column() + ")")).toList();
    return "WindowReport[" + monitor + " window " + window + ", " + java.time.Instant.ofEpochMilli(start) + " to "
        + java.time.Instant.ofEpochMilli(end) + ", " + rows + " rows, " + drift.verdict() + ", quality "
        + (failed.isEmpty() ? "passed" : "failed " + failed) + ", " + segments.size() + " segments, " + alerts.size() + " alerts"
        + (suppressedAlerts.isEmpty() ? "" : " (" + suppressedAlerts.size() + " more suppressed by the cooldown)")
        + (windowsDropped == 0 ? "" : ", " + windowsDropped + " windows (" + rowsDropped + " rows) dropped before it") + "]";
  }
}
