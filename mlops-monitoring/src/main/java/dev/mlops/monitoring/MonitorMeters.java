package dev.mlops.monitoring;

import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.drift.UntestedColumn;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Micrometer meters for a monitor (Micrometer is an optional dependency): gauges
 * {@code mlops.monitor.drift.share}, {@code mlops.monitor.window.rows},
 * {@code mlops.monitor.columns.untested} (columns the last window could not test) and, per column,
 * {@code mlops.monitor.column.drift.score} (the p-value or distance of its test; NaN while the
 * column is not tested), and the counters {@code mlops.monitor.alerts} tagged by rule and kind,
 * {@code mlops.monitor.windows.dropped} and {@code mlops.monitor.rows.dropped}. All are tagged with
 * the monitor's name.
 */
public final class MonitorMeters {
  private final MeterRegistry registry;
  private final String monitor;
  private final AtomicReference<Double> share = new AtomicReference<>(Double.NaN);
  private final AtomicReference<Double> rows = new AtomicReference<>(Double.NaN);
  private final AtomicReference<Double> untested = new AtomicReference<>(Double.NaN);
  private final Counter windowsDropped;
  private final Counter rowsDropped;
  private final Map<String, AtomicReference<Double>> scores = new ConcurrentHashMap<>();

  private MonitorMeters(MeterRegistry registry, String monitor) {
    this.registry = registry;
    this.monitor = monitor;
    Gauge.builder("mlops.monitor.drift.share", share, AtomicReference::get).tag("monitor", monitor)
        .description("share of drifted columns in the last window").register(registry);
    Gauge.builder("mlops.monitor.window.rows", rows, AtomicReference::get).tag("monitor", monitor)
        .description("rows in the last window").register(registry);
    Gauge.builder("mlops.monitor.columns.untested", untested, AtomicReference::get).tag("monitor", monitor)
        .description("columns the last window could not test").register(registry);
    windowsDropped = Counter.builder("mlops.monitor.windows.dropped").tag("monitor", monitor)
        .description("windows dropped unanalysed because too many waited").register(registry);
    rowsDropped = Counter.builder("mlops.monitor.rows.dropped").tag("monitor", monitor)
        .description("rows of the dropped windows").register(registry);
  }

  /** Meters for a monitor of this name; pass {@link #onReport} and {@link #onAlert} to the monitor's builder. */
  public static MonitorMeters forMonitor(String monitor, MeterRegistry registry) {
    return new MonitorMeters(registry, monitor);
  }

  /** Records a window report. */
  public void onReport(WindowReport r) {
    share.set(r.drift().driftShare());
    rows.set((double) r.rows());
    untested.set((double) r.drift().untested().size());
    windowsDropped.increment(r.windowsDropped());
    rowsDropped.increment(r.rowsDropped());
    for (ColumnDrift c : r.drift().columns()) {
      score(c.name()).set(c.pValue() != null ? c.pValue() : c.statistic());
    }
    // a column not tested has no score in this window, not its last one
    for (UntestedColumn u : r.drift().untested()) {
      score(u.name()).set(Double.NaN);
    }
  }

  private AtomicReference<Double> score(String column) {
    return scores.computeIfAbsent(column, k -> {
      AtomicReference<Double> a = new AtomicReference<>(Double.NaN);
      Gauge.builder("mlops.monitor.column.drift.score", a, AtomicReference::get).tag("monitor", monitor).tag("column", k)
          .description("p-value or distance of the column's drift test in the last window").register(registry);
      return a;
    });
  }

  /** Records an alert. */
  public void onAlert(Alert a) {
    Counter.builder("mlops.monitor.alerts").tag("monitor", monitor).tag("rule", a.rule()).tag("kind", a.kind().name())
        .description("alerts raised").register(registry).increment();
  }
}
