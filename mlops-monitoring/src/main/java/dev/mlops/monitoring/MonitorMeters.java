package dev.mlops.monitoring;

import dev.mlops.monitoring.drift.ColumnDrift;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Micrometer meters for a monitor (Micrometer is an optional dependency): gauges
 * {@code mlops.monitor.drift.share}, {@code mlops.monitor.window.rows} and, per column,
 * {@code mlops.monitor.column.drift.score} (the p-value or distance of its test), and the counter
 * {@code mlops.monitor.alerts} tagged by rule. All are tagged with the monitor's name.
 */
public final class MonitorMeters {
  private final MeterRegistry registry;
  private final String monitor;
  private final AtomicReference<Double> share = new AtomicReference<>(Double.NaN);
  private final AtomicReference<Double> rows = new AtomicReference<>(Double.NaN);
  private final Map<String, AtomicReference<Double>> scores = new ConcurrentHashMap<>();

  private MonitorMeters(MeterRegistry registry, String monitor) {
    this.registry = registry;
    this.monitor = monitor;
    Gauge.builder("mlops.monitor.drift.share", share, AtomicReference::get).tag("monitor", monitor)
        .description("share of drifted columns in the last window").register(registry);
    Gauge.builder("mlops.monitor.window.rows", rows, AtomicReference::get).tag("monitor", monitor)
        .description("rows in the last window").register(registry);
  }

  /** Meters for a monitor of this name; pass {@link #onReport} and {@link #onAlert} to the monitor's builder. */
  public static MonitorMeters forMonitor(String monitor, MeterRegistry registry) {
    return new MonitorMeters(registry, monitor);
  }

  /** Records a window report. */
  public void onReport(WindowReport r) {
    share.set(r.drift().driftShare());
    rows.set((double) r.rows());
    for (ColumnDrift c : r.drift().columns()) {
      AtomicReference<Double> ref = scores.computeIfAbsent(c.name(), k -> {
        AtomicReference<Double> a = new AtomicReference<>(Double.NaN);
        Gauge.builder("mlops.monitor.column.drift.score", a, AtomicReference::get).tag("monitor", monitor).tag("column", k)
            .description("p-value or distance of the column's drift test in the last window").register(registry);
        return a;
      });
      ref.set(c.pValue() != null ? c.pValue() : c.statistic());
    }
  }

  /** Records an alert. */
  public void onAlert(Alert a) {
    Counter.builder("mlops.monitor.alerts").tag("monitor", monitor).tag("rule", a.rule()).description("alerts raised").register(registry)
        .increment();
  }
}
