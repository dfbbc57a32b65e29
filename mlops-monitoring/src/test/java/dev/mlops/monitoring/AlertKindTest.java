package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.profile.Profile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Alerts carry the kind their rule declares, stored with them; alerts stored before they carried one
 * read with the kind their rule's name then meant. The golden files were written by the 0.1.0 monitor
 * (a held executor, three windows with one of them kept, the built-in rules and a custom one named
 * {@code no_drift_seen}).
 */
class AlertKindTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = AlertKindTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Map<String, Alert> byRule(List<Alert> alerts) {
    Map<String, Alert> out = new LinkedHashMap<>();
    alerts.forEach(a -> out.put(a.rule(), a));
    return out;
  }

  @Test
  @DisplayName("alerts stored by 0.1.0 read with the kind their rule's name meant, custom names as CUSTOM")
  void oldStoredAlertsReadWithTheirKind() throws IOException {
    try (StorageBackend backend = StorageBackend.open("mem:golden-alerts-" + System.nanoTime())) {
      MonitoringStore store = backend.store(MonitoringStore.class);
      for (String line : resource("alerts-0.1.0.jsonl").split("\n")) {
        store.addAlert(new MonitoringStore.StoredRecord("payments", 2, 1, line));
      }
      store.addReport(new MonitoringStore.StoredRecord("payments", 2, 1, resource("window-report-0.1.0.json").strip()));
      MonitorHistory history = MonitorHistory.open(backend, "payments");
      List<Alert> alerts = new ArrayList<>();
      history.alerts(java.time.Instant.EPOCH, 10).forEach(e -> alerts.add(e.value().orElseThrow()));
      Map<String, Alert> stored = byRule(alerts);
      assertEquals(AlertKind.WINDOWS_DROPPED, stored.get("windows_dropped").kind());
      assertEquals(AlertKind.DATASET_DRIFT, stored.get("dataset_drift").kind());
      assertEquals(AlertKind.COLUMN_DRIFT, stored.get("column_drift:amount").kind());
      assertEquals("amount", stored.get("column_drift:amount").column());
      assertEquals(AlertKind.QUALITY, stored.get("quality_failed").kind());
      assertEquals(AlertKind.METRIC, stored.get("metric_below:rows").kind());
      assertEquals(AlertKind.CUSTOM, stored.get("no_drift_seen").kind());
      assertNull(stored.get("no_drift_seen").column());
      WindowReport report = history.window(2).orElseThrow().value().orElseThrow();
      assertEquals(alerts, report.alerts(), "the report's own alerts read alike");
      assertEquals(List.of(), report.suppressedAlerts(), "a report stored before suppressed alerts were kept reads none");
      assertTrue(report.drift().datasetDrift());
    }
  }

  private static Profile reference() {
    Random r = new Random(1);
    Profile p = new Profile();
    for (int i = 0; i < 2000; i++) {
      p.update(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
    }
    return p;
  }

  @Test
  @DisplayName("each built-in rule sets its kind, a custom rule is CUSTOM whatever its name, a failing rule RULE_FAILED; all stored as such")
  void newAlertsCarryTheirRulesKind() {
    AlertRule quiet = AlertRule.of("no_drift_seen", AlertKind.CUSTOM, report -> Optional.of("nothing to see"));
    AlertRule broken = AlertRule.of("broken_drift_rule", AlertKind.DATASET_DRIFT, report -> {
      throw new IllegalStateException("no data");
    });
    Random r = new Random(2);
    try (StorageBackend backend = StorageBackend.open("mem:alert-kinds-" + System.nanoTime());
        Monitor m = Monitor.builder("payments").reference(reference()).windowRows(300).storage(backend).executor(Runnable::run)
            .alert(AlertRule.datasetDrift()).alert(AlertRule.columnDrift("amount")).alert(AlertRule.qualityFailed())
            .alert(AlertRule.metricBelow("rows", 1e9, WindowReport::rows)).alert(quiet).alert(broken).build()) {
      for (int i = 0; i < 300; i++) {
        m.log(Map.of("amount", 400 + 20 * r.nextGaussian(), "channel", "store"));
      }
      Map<String, Alert> raised = byRule(m.alerts());
      assertEquals(AlertKind.DATASET_DRIFT, raised.get("dataset_drift").kind());
      assertEquals(AlertKind.COLUMN_DRIFT, raised.get("column_drift:amount").kind());
      assertEquals("amount", raised.get("column_drift:amount").column());
      assertEquals(AlertKind.QUALITY, raised.get("quality_failed").kind());
      assertEquals(AlertKind.METRIC, raised.get("metric_below:rows").kind());
      assertEquals(AlertKind.CUSTOM, raised.get("no_drift_seen").kind());
      assertEquals(AlertKind.RULE_FAILED, raised.get("broken_drift_rule").kind(), "a failed rule's alert is no drift");
      assertEquals(m.alerts(), m.alertHistory(), "kinds and columns are stored with the alerts");
    }
  }

  /** The column drift of "amount" and the alert text of a window of 300 shifted rows against a reference of {@code rows} rows. */
  private static Map.Entry<ColumnDrift, String> amountDrift(int rows) {
    Random r = new Random(3);
    Profile reference = new Profile();
    for (int i = 0; i < rows; i++) {
      reference.update(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
    }
    try (StorageBackend backend = StorageBackend.open("mem:alert-text-" + System.nanoTime());
        Monitor m = Monitor.builder("payments").reference(reference).windowRows(300).storage(backend).executor(Runnable::run)
            .alert(AlertRule.columnDrift("amount")).build()) {
      for (int i = 0; i < 300; i++) {
        m.log(Map.of("amount", 130 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
      }
      ColumnDrift amount = m.reports().get(0).drift().columns().stream().filter(c -> c.name().equals("amount")).findFirst().orElseThrow();
      return Map.entry(amount, byRule(m.alerts()).get("column_drift:amount").message());
    }
  }

  @Test
  @DisplayName("a column drift alert names the statistic and the p-value each under its own name")
  void columnDriftAlertNamesStatisticAndPValue() {
    // Evidently's default choice: K-S (a p-value) for a reference of at most 1,000 rows, Wasserstein (a distance) above
    Map.Entry<ColumnDrift, String> ks = amountDrift(800);
    ColumnDrift c = ks.getKey();
    assertEquals("ks", c.test());
    assertNotNull(c.pValue());
    // the monitor's reference is a profile: the statistic is read from its sketch and says so, with its error
    assertNotNull(c.statisticError());
    assertEquals(String.format(Locale.ROOT, "column amount drifted: ks statistic %.3g \u00b1 %.2g from sketches, p = %.3g (drift when p < 0.05)",
        c.statistic(), c.statisticError(), c.pValue()), ks.getValue());
    assertFalse(ks.getValue().contains("ks = "), "the p-value is not printed under the statistic's name: " + ks.getValue());
    Map.Entry<ColumnDrift, String> distance = amountDrift(2000);
    c = distance.getKey();
    assertNull(c.pValue(), c.test() + " is a distance");
    assertEquals(String.format(Locale.ROOT, "column amount drifted: %s statistic %.3g%s (drift when at least 0.1)", c.test(), c.statistic(),
        c.statisticError() == null ? "" : String.format(Locale.ROOT, " \u00b1 %.2g from sketches", c.statisticError())), distance.getValue());
  }

  @Test
  @DisplayName("a rule that fires during its cooldown raises no alert but is counted in the window's report, stored and read back")
  void alertsHeldBackByTheCooldownAreReportedAsSuppressed() {
    Random r = new Random(4);
    String storage = "mem:alert-cooldown-" + System.nanoTime();
    try (StorageBackend backend = StorageBackend.open(storage)) {
      try (Monitor m = Monitor.builder("payments").reference(reference()).windowRows(300).storage(backend).executor(Runnable::run)
          .alert(AlertRule.datasetDrift()).cooldown(java.time.Duration.ofHours(1)).build()) {
        for (int i = 0; i < 900; i++) {
          m.log(Map.of("amount", 400 + 20 * r.nextGaussian(), "channel", "store"));
        }
        assertEquals(1, m.alerts().size(), "one alert in the hour: " + m.alerts());
        List<WindowReport> reports = m.reports();
        assertEquals(List.of(), reports.get(0).suppressedAlerts());
        for (WindowReport w : reports.subList(1, 3)) {
          assertTrue(w.drift().datasetDrift());
          assertEquals(List.of(), w.alerts());
          assertEquals(List.of("dataset_drift"), w.suppressedAlerts().stream().map(Alert::rule).toList(), w.toString());
          assertTrue(w.toString().contains("0 alerts (1 more suppressed by the cooldown)"), w.toString());
        }
      }
      // stored with the report: another reader sees the suppressed alert
      WindowReport stored = MonitorHistory.open(backend, "payments").window(2).orElseThrow().value().orElseThrow();
      assertEquals(List.of("dataset_drift"), stored.suppressedAlerts().stream().map(Alert::rule).toList());
    }
  }

  @Test
  @DisplayName("an alert stays open while its rule keeps firing, cooldown or not, and closes when a window passes without it")
  void anAlertIsOpenWhileItsConditionHoldsAndClosesWhenAWindowPassesWithoutIt() {
    Random r = new Random(5);
    try (StorageBackend backend = StorageBackend.open("mem:alert-open-" + System.nanoTime());
        Monitor m = Monitor.builder("payments").reference(reference()).windowRows(300).storage(backend).executor(Runnable::run)
            .alert(AlertRule.datasetDrift()).cooldown(java.time.Duration.ofHours(1)).build()) {
      MonitorHistory history = MonitorHistory.open(backend, "payments");
      assertEquals(List.of(), history.openAlerts(), "nothing stored yet");
      for (int i = 0; i < 300; i++) {
        m.log(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
      }
      assertEquals(List.of(), history.openAlerts(), "a calm window opens nothing");
      for (int i = 0; i < 900; i++) {
        m.log(Map.of("amount", 400 + 20 * r.nextGaussian(), "channel", "store"));
      }
      List<MonitorHistory.OpenAlert> open = history.openAlerts();
      assertEquals(1, open.size(), open.toString());
      assertEquals("dataset_drift", open.get(0).rule());
      assertEquals(AlertKind.DATASET_DRIFT, open.get(0).kind());
      assertEquals(1, open.get(0).openedWindow(), "opened by the first drifting window, held open through the cooldown's quiet ones");
      assertEquals(3, open.get(0).lastWindow());
      for (int i = 0; i < 300; i++) {
        m.log(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
      }
      assertFalse(m.reports().get(4).drift().datasetDrift(), m.reports().get(4).toString());
      assertEquals(List.of(), history.openAlerts(), "closed by a window without drift");
    }
  }
}
