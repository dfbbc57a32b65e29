package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.FakeClock;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Stored history under a retention policy, on every built-in backend, across a reopened store. */
class MonitorRetentionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  static Stream<Arguments> backends() {
    return Stream.of(Arguments.of("mem", (Function<String, String>) name -> "mem:retention-" + name + "-" + System.nanoTime()),
        Arguments.of("file", (Function<String, String>) name -> "file:" + dir.resolve(name + "-" + System.nanoTime())));
  }

  private static String postgresql(String name) {
    return PostgresServer.newDatabase();
  }

  private static Profile reference() {
    Random r = new Random(1);
    Profile p = new Profile();
    for (int i = 0; i < 2000; i++) {
      p.update(Map.of("amount", 100 + 20 * r.nextGaussian(), "region", r.nextBoolean() ? "eu" : "us"));
    }
    return p;
  }

  /** Windows of 100 rows, one minute apart on the fake clock; from {@code shiftFrom} on, amount shifted so that rules fire. */
  private static void logWindows(Monitor m, FakeClock clock, int windows, Random r) {
    for (int w = 0; w < windows; w++) {
      for (int i = 0; i < 100; i++) {
        m.log(Map.of("amount", 160 + 20 * r.nextGaussian(), "region", r.nextBoolean() ? "eu" : "us"));
      }
      clock.advance(Duration.ofMinutes(1).toMillis());
    }
  }

  private static Monitor monitor(StorageBackend backend, FakeClock clock, Retention retention) {
    return Monitor.builder("svc").reference(reference()).windowRows(100).segmentBy("region", 10).clock(clock).storage(backend)
        .retention(retention).alert(AlertRule.columnDrift("amount")).executor(Runnable::run).build();
  }

  private static List<Long> windows(List<MonitoringStore.StoredRecord> records) {
    return records.stream().map(MonitoringStore.StoredRecord::window).toList();
  }

  private static boolean summary(MonitoringStore.StoredRecord r) throws Exception {
    return JSON.readTree(r.json()).get("summary").asBoolean();
  }

  @Test
  @Postgres
  void oldWindowsKeepASummaryThenGoAndAReopenedMonitorContinuesThePolicyOnPostgres() throws Exception {
    oldWindowsKeepASummaryThenGoAndAReopenedMonitorContinuesThePolicy("postgresql", MonitorRetentionTest::postgresql);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void oldWindowsKeepASummaryThenGoAndAReopenedMonitorContinuesThePolicy(String backendName, Function<String, String> uri) throws Exception {
    String location = uri.apply("count");
    Retention retention = Retention.builder().fullWindows(3).summaryWindows(5).build();
    FakeClock clock = new FakeClock(1_700_000_000_000L);
    Random r = new Random(2);
    // the first backend stays open while the second one reopens the store (a mem: store lives while one is open)
    try (StorageBackend backend = StorageBackend.open(location)) {
      MonitoringStore store = backend.store(MonitoringStore.class);
      try (Monitor m = monitor(backend, clock, retention)) {
        logWindows(m, clock, 10, r);
      }
      assertEquals(List.of(5L, 6L, 7L, 8L, 9L), windows(store.reports("svc", Long.MIN_VALUE, 100)), "five windows kept");
      assertEquals(List.of(5L, 6L, 7L, 8L, 9L), windows(store.alerts("svc", Long.MIN_VALUE, 100)), "with their alerts");
      List<MonitoringStore.StoredRecord> kept = store.reports("svc", Long.MIN_VALUE, 100);
      for (MonitoringStore.StoredRecord rec : kept) {
        assertEquals(rec.window() < 7, summary(rec), "windows 5 and 6 are summaries, 7 to 9 full: " + rec.window());
      }
      JsonNode summary = JSON.readTree(kept.get(0).json());
      assertEquals(100, summary.get("rows").asInt());
      assertEquals(2, summary.get("drift").get("testedColumns").asInt());
      assertEquals("amount", summary.get("drift").get("columns").get(0).get("name").asText(), "the drifted column stays");
      assertEquals(0, summary.get("drift").get("columns").get(0).get("bins").size(), "without its bins");
      assertEquals(List.of("window-7", "window-7-segment-eu", "window-7-segment-us", "window-8", "window-8-segment-eu",
          "window-8-segment-us", "window-9", "window-9-segment-eu", "window-9-segment-us"), store.profileKeys("svc", "window-"));
      assertTrue(kept.get(0).json().length() < kept.get(4).json().length(), "a summary is smaller than a full report: "
          + kept.get(0).json().length() + " against " + kept.get(4).json().length() + " bytes");
      try (StorageBackend again = StorageBackend.open(location)) {
        try (Monitor m = monitor(again, clock, retention)) {
          logWindows(m, clock, 2, r);
        }
        MonitoringStore reopened = again.store(MonitoringStore.class);
        List<MonitoringStore.StoredRecord> now = reopened.reports("svc", Long.MIN_VALUE, 100);
        assertEquals(List.of(7L, 8L, 9L, 10L, 11L), windows(now));
        for (MonitoringStore.StoredRecord rec : now) {
          assertEquals(rec.window() < 9, summary(rec), "windows 7 and 8 are summaries, 9 to 11 full: " + rec.window());
        }
        assertEquals(List.of("window-10", "window-10-segment-eu", "window-10-segment-us", "window-11", "window-11-segment-eu",
            "window-11-segment-us", "window-9", "window-9-segment-eu", "window-9-segment-us"), reopened.profileKeys("svc", "window-"));
        assertTrue(reopened.profile("svc", "reference").isPresent(), "the reference is never pruned");
      }
    }
  }

  @Test
  @Postgres
  void windowsOlderThanTheAgesAreSummarisedThenDeletedOnPostgres() throws Exception {
    windowsOlderThanTheAgesAreSummarisedThenDeleted("postgresql", MonitorRetentionTest::postgresql);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void windowsOlderThanTheAgesAreSummarisedThenDeleted(String backendName, Function<String, String> uri) throws Exception {
    Retention retention = Retention.builder().fullAge(Duration.ofMinutes(3)).summaryAge(Duration.ofMinutes(6)).build();
    FakeClock clock = new FakeClock(1_700_000_000_000L);
    try (StorageBackend backend = StorageBackend.open(uri.apply("age"))) {
      MonitoringStore store = backend.store(MonitoringStore.class);
      try (Monitor m = monitor(backend, clock, retention)) {
        logWindows(m, clock, 10, new Random(3));
      }
      // window w ends at minute w; when window 9 was stored at minute 9, full means after minute 6, kept after minute 3
      List<MonitoringStore.StoredRecord> kept = store.reports("svc", Long.MIN_VALUE, 100);
      assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L), windows(kept));
      for (MonitoringStore.StoredRecord rec : kept) {
        assertEquals(rec.window() < 6, summary(rec), "window " + rec.window());
      }
      assertEquals(List.of("window-6", "window-7", "window-8", "window-9"), store.profileKeys("svc", "window-").stream()
          .filter(k -> !k.contains("segment")).toList());
    }
  }

  @Test
  void byDefaultABusyMonitorKeepsTheLastThousandWindowsInFullAndASummaryOfEachOlderOne() throws Exception {
    Random r = new Random(5);
    try (StorageBackend backend = StorageBackend.open("mem:default-retention-" + System.nanoTime())) {
      try (Monitor m = Monitor.builder("busy").reference(reference()).windowRows(10).storage(backend).executor(Runnable::run).build()) {
        for (int i = 0; i < 1100 * 10; i++) {
          m.log(Map.of("amount", 100 + 20 * r.nextGaussian(), "region", "eu"));
        }
      }
      MonitoringStore store = backend.store(MonitoringStore.class);
      List<String> profiles = store.profileKeys("busy", "window-");
      assertEquals(1000, profiles.size());
      assertTrue(profiles.contains("window-100") && !profiles.contains("window-99"), "the oldest 100 windows' profiles went");
      List<MonitoringStore.StoredRecord> reports = store.reports("busy", Long.MIN_VALUE, 2000);
      assertEquals(1100, reports.size(), "every window keeps its report");
      assertEquals(100, reports.stream().filter(rec -> {
        try {
          return summary(rec);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).count(), "the oldest 100 as summaries");
    }
  }

  @Test
  void keepAllPrunesNothingAndLimitsAreCheckedAtOnce() throws Exception {
    FakeClock clock = new FakeClock(0);
    try (StorageBackend backend = StorageBackend.open("mem:keep-all-" + System.nanoTime())) {
      try (Monitor m = monitor(backend, clock, Retention.keepAll())) {
        logWindows(m, clock, 6, new Random(4));
      }
      MonitoringStore store = backend.store(MonitoringStore.class);
      assertEquals(6, store.reports("svc", Long.MIN_VALUE, 100).size());
      for (MonitoringStore.StoredRecord rec : store.reports("svc", Long.MIN_VALUE, 100)) {
        assertEquals(false, summary(rec));
      }
    }
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Retention.builder().fullWindows(0));
    assertTrue(e.getMessage().contains("full windows") && e.getMessage().contains("must be positive"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> Retention.builder().fullWindows(10).summaryWindows(5).build());
    assertTrue(e.getMessage().contains("summary windows") && e.getMessage().contains("at least the full windows (10)"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class,
        () -> Retention.builder().fullAge(Duration.ofDays(2)).summaryAge(Duration.ofDays(1)).build());
    assertTrue(e.getMessage().contains("summary age"), e.getMessage());
    assertEquals("Retention[full: 1000 windows, summaries: all]", Retention.defaults().toString());
  }
}
