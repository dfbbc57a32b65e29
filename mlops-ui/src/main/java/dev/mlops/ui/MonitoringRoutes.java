package dev.mlops.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.MonitorHistory;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.report.HtmlReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The monitoring routes: the monitors, a monitor's windows, alerts and performance, a window's drift report. */
final class MonitoringRoutes {
  private final StorageBackend backend;

  MonitoringRoutes(StorageBackend backend) {
    this.backend = backend;
  }

  List<String> monitors(Request r) {
    return MonitorHistory.monitors(backend);
  }

  /**
   * Each monitor with its last stored window: the window, when it closed, its drift share and
   * verdict, the alerts it raised (null figures for a monitor with no readable window), and the
   * alerts open now ({@link MonitorHistory#openAlerts()}).
   */
  List<Map<String, Object>> summaries(Request r) {
    MonitoringStore store = backend.store(MonitoringStore.class);
    List<Map<String, Object>> out = new ArrayList<>();
    for (String name : MonitorHistory.monitors(backend)) {
      long last = store.lastWindow(name);
      WindowReport w = last < 0 ? null
          : MonitorHistory.open(backend, name).window(last).flatMap(MonitorHistory.Entry::value).orElse(null);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("lastWindow", last < 0 ? null : last);
      m.put("closed", w == null ? null : w.end());
      m.put("driftShare", w == null ? null : w.drift().driftShare());
      m.put("driftSharePercent", w == null ? null : w.drift().driftSharePercent());
      m.put("datasetDrift", w == null ? null : w.drift().datasetDrift());
      m.put("alerts", w == null ? null : w.alerts().size());
      // the alerts still open: each rule that fired in the last window, since the window its run of firing began
      m.put("openAlerts", MonitorHistory.open(backend, name).openAlerts().stream()
          .map(a -> Map.of("rule", a.rule(), "since", a.openedWindow())).toList());
      out.add(m);
    }
    return out;
  }

  /**
   * A monitor's stored windows, alerts and the performance of its prediction log, as the monitor stored them.
   *
   * @throws NotFoundException (404) for a name no monitor or prediction log stored anything under
   */
  Map<String, Object> monitor(Request r) {
    String name = r.required("name");
    MonitorHistory history = MonitorHistory.open(backend, name);
    if (!MonitorHistory.monitors(backend).contains(name)) {
      throw new NotFoundException("no monitor '" + name + "' has stored anything in this store");
    }
    int limit = r.intParam("limit", 200, 1, 5000);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("windows", history.windows(0, limit).stream().map(MonitoringRoutes::readable).toList());
    out.put("alerts", history.alerts(java.time.Instant.EPOCH, limit).stream().map(MonitoringRoutes::readable).toList());
    out.put("performance", performance(history));
    return out;
  }

  /** A stored window's drift report as the self-contained HTML report (shown in a sandboxed frame). */
  String report(Request r) {
    String monitor = r.required("monitor");
    long window = Long.parseLong(r.required("window"));
    MonitorHistory.Entry<WindowReport> stored = MonitorHistory.open(backend, monitor).window(window)
        .orElseThrow(() -> new NotFoundException("monitor '" + monitor + "' has no stored window " + window));
    WindowReport w = stored.value().orElseThrow(() -> new IllegalArgumentException("window " + window + " of monitor " + monitor
        + " cannot be read: " + stored.problem().orElse("")));
    return HtmlReport.render(w.drift(), w.quality(), List.of(), "Monitor " + monitor + ", window " + window);
  }

  /**
   * A stored record as written, or its window and why it cannot be read. A window's drift carries
   * its share as the text the HTML report prints ({@code driftSharePercent}), so the page and the
   * report inside it never disagree on the format.
   */
  private static Object readable(MonitorHistory.Entry<?> e) {
    if (e.value().isEmpty()) {
      return Map.of("window", e.window(), "error", e.problem().orElse("unreadable"));
    }
    Object value = e.value().get();
    if (value instanceof WindowReport w && Responses.JSON.valueToTree(w) instanceof ObjectNode tree
        && tree.get("drift") instanceof ObjectNode drift) {
      drift.put("driftSharePercent", w.drift().driftSharePercent());
      return tree;
    }
    return value;
  }

  /**
   * The prediction log stored under the monitor's name, if any: per window the realized metrics over
   * the labelled predictions and the CBPE estimate from the scores (when its reference window is
   * stored), and the reference's own metrics.
   */
  private static Map<String, Object> performance(MonitorHistory history) {
    Map<String, Object> out = new LinkedHashMap<>();
    Optional<PredictionLog.History> log = history.performance();
    if (log.isEmpty()) {
      out.put("windows", List.of());
      return out;
    }
    out.put("reference", log.get().reference());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PredictionLog.WindowPerformance w : log.get().windows()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("window", w.window());
      row.put("predictions", w.predictions());
      row.put("labelled", w.labelled());
      row.put("realized", w.realized());
      row.put("estimated", w.estimated());
      rows.add(row);
    }
    out.put("windows", rows);
    return out;
  }
}
