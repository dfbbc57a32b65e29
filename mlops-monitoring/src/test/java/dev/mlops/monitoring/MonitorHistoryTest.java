package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.FakeClock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor's stored history read back from a reopened file: store without building the monitor:
 * every window's report, every alert, the references, the window and segment profiles, and the
 * performance of the prediction log stored under the same name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorHistoryTest {
  @TempDir
  static Path dir;
  private String uri;
  private List<WindowReport> reports;
  private List<Alert> alerts;
  private Profile first;
  private Profile second;
  private long replacedAt;

  private static Map<String, Object> row(Random r, double shift) {
    return Map.of("amount", 100 + 20 * r.nextGaussian() + 40 * shift, "region", r.nextBoolean() ? "eu" : "us");
  }

  private static Profile profile(Random r, double shift) {
    Profile p = new Profile();
    for (int i = 0; i < 2000; i++) {
      p.update(row(r, shift));
    }
    return p;
  }

  @BeforeAll
  void aMonitorStoresFourWindowsAndAPredictionLog() {
    uri = "file:" + dir.resolve("store");
    Random r = new Random(4);
    first = profile(r, 0);
    second = profile(r, 1);
    FakeClock clock = new FakeClock(1_700_000_000_000L);
    try (StorageBackend backend = StorageBackend.open(uri);
        Monitor m = Monitor.builder("payments").reference(first).windowRows(300).segmentBy("region", 50).clock(clock).storage(backend)
            .alert(AlertRule.columnDrift("amount")).executor(Runnable::run).build();
        PredictionLog log = PredictionLog.builder("payments").windowSize(100).store(backend.store(MonitoringStore.class)).build()) {
      for (int w = 0; w < 4; w++) {
        if (w == 2) {
          clock.advance(1000);
          replacedAt = clock.millis();
          m.replaceReference(second);
        }
        for (int i = 0; i < 300; i++) {
          m.log(row(r, w == 1 ? 1 : w < 2 ? 0 : 1));
        }
      }
      reports = m.reports();
      alerts = m.alerts();
      int[] labels = new int[200];
      double[] scores = new double[200];
      for (int i = 0; i < 200; i++) {
        labels[i] = r.nextInt(2);
        scores[i] = Math.min(1, Math.max(0, labels[i] * 0.6 + r.nextDouble() * 0.4));
      }
      log.reference(labels, scores);
      for (int i = 0; i < 250; i++) {
        log.predict("p" + i, r.nextDouble());
      }
      log.label("p3", 1);
    }
  }

  @Nested
  @DisplayName("from a reopened store")
  class Reopened {
    @Test
    @DisplayName("the windows' reports are the monitor's, in window order")
    void windows() {
      try (StorageBackend backend = StorageBackend.open(uri)) {
        MonitorHistory h = MonitorHistory.open(backend, "payments");
        List<MonitorHistory.Entry<WindowReport>> stored = h.windows(0, 100);
        assertEquals(reports, stored.stream().map(e -> e.value().orElseThrow()).toList());
        assertEquals(List.of(0L, 1L, 2L, 3L), stored.stream().map(MonitorHistory.Entry::window).toList());
        assertEquals(reports.get(2), h.window(2).orElseThrow().value().orElseThrow());
        assertEquals(List.of(2L, 3L), h.windows(2, 5).stream().map(MonitorHistory.Entry::window).toList());
        assertTrue(h.window(9).isEmpty());
      }
    }

    @Test
    @DisplayName("the alerts are the monitor's")
    void alerts() {
      try (StorageBackend backend = StorageBackend.open(uri)) {
        assertFalse(alerts.isEmpty(), "the shifted window raised an alert");
        MonitorHistory h = MonitorHistory.open(backend, "payments");
        assertEquals(alerts, h.alerts(java.time.Instant.EPOCH, 100).stream().map(e -> e.value().orElseThrow()).toList());
        // from a time: the alerts raised at or after it (an index such as 1 used to be taken as a time in milliseconds)
        Alert last = alerts.get(alerts.size() - 1);
        assertTrue(h.alerts(java.time.Instant.ofEpochMilli(last.time()), 100).stream().map(e -> e.value().orElseThrow())
            .allMatch(a -> a.time() >= last.time()), "only alerts raised at or after the time");
        assertTrue(h.alerts(java.time.Instant.ofEpochMilli(last.time()), 100).stream().anyMatch(e -> e.value().orElseThrow().equals(last)));
        assertTrue(h.alerts(java.time.Instant.ofEpochMilli(last.time() + 1), 100).isEmpty(), "no alert after the last one");
      }
    }

    @Test
    @DisplayName("the reference is the last one, and each replacement is kept by the time it took effect")
    void references() {
      try (StorageBackend backend = StorageBackend.open(uri)) {
        MonitorHistory h = MonitorHistory.open(backend, "payments");
        assertEquals(second.rows(), h.reference().orElseThrow().rows());
        assertEquals(Set.of(replacedAt), h.references().keySet());
        assertEquals(second.column("amount").mean(), h.references().get(replacedAt).column("amount").mean(), 0);
      }
    }

    @Test
    @DisplayName("each window's profile and its segments' profiles")
    void profiles() {
      try (StorageBackend backend = StorageBackend.open(uri)) {
        MonitorHistory h = MonitorHistory.open(backend, "payments");
        assertEquals(300, h.windowProfile(1).orElseThrow().rows());
        Map<String, Profile> segments = h.segmentProfiles(1);
        assertEquals(Set.of("eu", "us"), segments.keySet());
        assertEquals(300, segments.values().stream().mapToLong(Profile::rows).sum());
        assertTrue(h.windowProfile(7).isEmpty());
      }
    }

    @Test
    @DisplayName("the prediction log stored under the same name: its reference and its windows")
    void performance() {
      try (StorageBackend backend = StorageBackend.open(uri)) {
        PredictionLog.History p = MonitorHistory.open(backend, "payments").performance().orElseThrow();
        assertEquals(200, p.reference().count());
        assertEquals(List.of(0L, 1L, 2L), p.windows().stream().map(PredictionLog.WindowPerformance::window).toList());
        assertEquals(List.of(100, 100, 50), p.windows().stream().map(PredictionLog.WindowPerformance::predictions).toList());
        assertEquals(1, p.windows().get(0).labelled());
        assertTrue(MonitorHistory.open(backend, "nothing-stored").performance().isEmpty());
      }
    }

    @Test
    @DisplayName("the store lists the monitor; a monitor that stored nothing has an empty history")
    void monitors() {
      try (StorageBackend backend = StorageBackend.open(uri)) {
        assertTrue(MonitorHistory.monitors(backend).contains("payments"), MonitorHistory.monitors(backend).toString());
        MonitorHistory none = MonitorHistory.open(backend, "nothing-stored");
        assertEquals(List.of(), none.windows(0, 10));
        assertEquals(Optional.empty(), none.reference());
      }
    }
  }

  @Test
  @DisplayName("a record that cannot be read is an entry saying why, and the others still read")
  void anUnreadableRecordIsReportedNotThrown() {
    try (StorageBackend backend = StorageBackend.open("mem:history-" + System.nanoTime())) {
      MonitoringStore store = backend.store(MonitoringStore.class);
      store.addReport(new MonitoringStore.StoredRecord("m", 0, 10, "{not json"));
      store.addReport(new MonitoringStore.StoredRecord("m", 1, 20, MonitorLayout.json(reports.get(0))));
      store.addAlert(new MonitoringStore.StoredRecord("m", 0, 10, "[]"));
      MonitorHistory h = MonitorHistory.open(backend, "m");
      List<MonitorHistory.Entry<WindowReport>> windows = h.windows(0, 10);
      assertTrue(windows.get(0).value().isEmpty());
      assertTrue(windows.get(0).problem().orElseThrow().startsWith("unreadable report: "), windows.get(0).toString());
      assertEquals(reports.get(0), windows.get(1).value().orElseThrow());
      assertTrue(h.alerts(java.time.Instant.EPOCH, 10).get(0).problem().orElseThrow().startsWith("unreadable alert: "));
    }
  }
}
