package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.Check;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.quality.Fairness;
import dev.mlops.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

class MonitorTest {
  @TempDir
  Path dir;

  static Map<String, Object> row(Random r, double shift, String extraChannel) {
    Map<String, Object> m = new HashMap<>();
    m.put("amount", 100 + 20 * r.nextGaussian() + shift * 40);
    m.put("age", 40 + 10 * r.nextGaussian());
    m.put("channel", r.nextInt(10) == 0 && extraChannel != null ? extraChannel : new String[] {"web", "app", "store"}[r.nextInt(3)]);
    m.put("region", r.nextBoolean() ? "eu" : "us");
    return m;
  }

  static Profile reference(Random r) {
    Profile p = new Profile();
    for (int i = 0; i < 20_000; i++) {
      p.update(row(r, 0, null));
    }
    return p;
  }

  private static boolean amountDrifts(WindowReport w) {
    return w.drift().columns().stream().anyMatch(c -> c.name().equals("amount") && c.drift());
  }

  @Test
  void aReplacedReferenceIsComparedWithFromTheNextWindowAndKeptInTheStore() throws Exception {
    Random r = new Random(3);
    Profile old = reference(r);
    Profile shifted = new Profile();
    for (int i = 0; i < 20_000; i++) {
      shifted.update(row(r, 1, null));
    }
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("ref"));
        Monitor m = Monitor.builder("ref").reference(old).windowRows(1000).storage(backend).executor(Runnable::run).build()) {
      for (int i = 0; i < 1500; i++) {
        m.log(row(r, 1, null));
      }
      m.replaceReference(shifted);
      for (int i = 0; i < 1000; i++) {
        m.log(row(r, 1, null));
      }
      List<WindowReport> reports = m.reports();
      assertEquals(3, reports.size(), "the open window was cut at the replacement");
      assertTrue(amountDrifts(reports.get(0)) && amountDrifts(reports.get(1)), "windows before: compared with the old reference");
      assertFalse(amountDrifts(reports.get(2)), "the window after: compared with the new reference");
      assertEquals(500, reports.get(1).rows());
      assertEquals(shifted.rows(), m.reference().rows());
      assertEquals(shifted.rows(), Profile.fromBytes(backend.store(dev.mlops.api.monitoring.MonitoringStore.class).profile("ref", "reference")
          .orElseThrow()).rows());
      assertEquals(1, backend.store(dev.mlops.api.monitoring.MonitoringStore.class).profileKeys("ref", "reference-").size());
      Profile other = Profile.of(Table.of(List.of(Column.numerical("x", new double[] {1, 2}))));
      dev.mlops.api.InvalidArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(dev.mlops.api.InvalidArgumentException.class,
          () -> m.replaceReference(other));
      assertTrue(e.getMessage().contains("every column the monitor watches") && e.getMessage().contains("it lacks ["), e.getMessage());
    }
  }

  /**
   * Five windows of 2,000 rows logged from four threads at once (windows 0-1 like the reference, windows 2-4 with the
   * amount shifted and a new channel), on a {@code file:} store with drift, quality and segment analysis and three alert
   * rules under a ten-minute cooldown; each test checks one thing of the result, the last one after reopening the store.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @DisplayName("windows logged from many threads")
  class WindowsFromManyThreads {
    private Path store;
    private final List<Alert> received = new CopyOnWriteArrayList<>();
    private Profile ref;
    private List<WindowReport> reports;

    @BeforeAll
    void logFiveWindowsFromFourThreads(@TempDir Path dir) throws Exception {
      store = dir;
      Random r = new Random(1);
      ref = reference(r);
      FakeClock clock = new FakeClock(1_700_000_000_000L);
      try (StorageBackend backend = StorageBackend.open("file:" + store)) {
        // room for all five windows: however slowly the monitor's thread starts, none is dropped
        Monitor m = Monitor.builder("payments").reference(ref).windowRows(2000).maxPendingWindows(5).clock(clock).storage(backend)
            .quality(DataQuality.with(List.of(Check.range("age", 0, 120))))
            .segmentBy("region", 100)
            .alert(AlertRule.datasetDrift()).alert(AlertRule.columnDrift("amount")).alert(AlertRule.qualityFailed())
            .cooldown(Duration.ofMinutes(10))
            .onAlert(received::add)
            .build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
          for (int phase = 0; phase < 2; phase++) {
            double shift = phase == 0 ? 0 : 1;
            String extra = phase == 0 ? null : "partner";
            int windows = phase == 0 ? 2 : 3;
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
              long seed = phase * 10 + t;
              fs.add(pool.submit(() -> {
                Random tr = new Random(seed);
                for (int i = 0; i < windows * 500; i++) {
                  m.log(row(tr, shift, extra));
                }
                return null;
              }));
            }
            for (Future<?> f : fs) {
              f.get(120, TimeUnit.SECONDS);
            }
            clock.advance(60_000);
          }
        } finally {
          pool.shutdownNow();
        }
        m.flush();
        reports = m.reports();
        m.close();
      }
    }

    private WindowReport window(long n) {
      return reports.stream().filter(w -> w.window() == n).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("every row lands in one of five windows: none is lost")
    void noRowIsLost() {
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), reports.stream().map(WindowReport::window).sorted().toList());
      assertEquals(10_000, reports.stream().mapToInt(WindowReport::rows).sum(), "no row lost");
    }

    @Test
    @DisplayName("a window like the reference shows no drift of the amount; a shifted one does")
    void driftFollowsTheShift() {
      assertFalse(amountDrifts(window(0)));
      assertTrue(amountDrifts(window(4)));
    }

    @Test
    @DisplayName("a window like the reference passes the quality checks; a shifted one fails on its new channel")
    void qualityFollowsTheNewCategory() {
      assertTrue(window(0).quality().passed(), window(0).quality().failures().toString());
      assertTrue(window(4).quality().failures().stream().anyMatch(f -> f.check().equals("new_categories") && f.observed().contains("partner")));
    }

    @Test
    @DisplayName("each window is analysed per region segment too")
    void segments() {
      assertEquals(Set.of("eu", "us"), window(4).segments().keySet());
    }

    @Test
    @DisplayName("the three shifted windows close within one cooldown: each rule fires once")
    void eachRuleFiresOnceWithinTheCooldown() {
      assertEquals(received.size(), received.stream().map(Alert::rule).distinct().count(), received.toString());
      assertTrue(received.stream().anyMatch(a -> a.rule().equals("column_drift:amount")));
      assertTrue(received.stream().anyMatch(a -> a.rule().equals("quality_failed")));
    }

    @Test
    @DisplayName("the store reopened holds the alerts, the reports, the window profiles and the reference")
    void theHistoryIsStored() {
      try (StorageBackend again = StorageBackend.open("file:" + store)) {
        Monitor reopened = Monitor.builder("payments").reference(ref).storage(again).build();
        assertEquals(received.size(), reopened.alertHistory().size(), "alert history is stored");
        MonitorHistory history = MonitorHistory.open(again, "payments");
        assertEquals(5, history.windows(0, 100).size());
        assertEquals(2000, history.windowProfile(4).orElseThrow().rows());
        assertEquals(ref.rows(), history.reference().orElseThrow().rows());
      }
    }
  }

  @Test
  void timeBasedWindowsCloseWhenTheDurationHasPassed() {
    Random r = new Random(2);
    FakeClock clock = new FakeClock(0);
    Monitor m = Monitor.builder("t").reference(reference(r)).windowDuration(Duration.ofMinutes(5)).clock(clock).executor(Runnable::run).build();
    for (int i = 0; i < 300; i++) {
      m.log(row(r, 0, null));
    }
    assertTrue(m.reports().isEmpty());
    clock.advance(Duration.ofMinutes(5).toMillis());
    m.log(row(r, 0, null));
    assertEquals(1, m.reports().size(), "the row after the duration closed the window");
    assertEquals(300, m.reports().get(0).rows());
    assertEquals(1, m.flush().orElseThrow().rows());
  }

  @Test
  void fairnessMeasuresAcrossASensitiveAttribute() {
    int[] labels = {1, 1, 0, 0, 1, 1, 0, 0};
    int[] preds = {1, 1, 1, 0, 1, 0, 0, 0};
    String[] group = {"a", "a", "a", "a", "b", "b", "b", "b"};
    Fairness f = Fairness.of(labels, preds, group);
    assertEquals(0.75, f.positiveRate().get("a"));
    assertEquals(0.25, f.positiveRate().get("b"));
    assertEquals(0.5, f.demographicParityDifference(), 1e-12);
    assertEquals(0.5, f.equalOpportunityDifference(), 1e-12);
    assertEquals(1.0 / 3, f.disparateImpactRatio(), 1e-12);
  }

  @Test
  void declarativeChecksReportTheObservedValue() {
    Table t = Table.of(List.of(Column.numerical("age", new double[] {20, 30, Double.NaN, 150}),
        Column.categorical("id", new String[] {"a", "b", "b", "c"}), Column.categorical("cur", new String[] {"EUR", "USD", "GBP", null})));
    assertEquals("0.75", Check.completeness("age", 0.9).evaluate(t).observed());
    assertFalse(Check.completeness("age", 0.9).evaluate(t).passed());
    assertEquals("1 duplicate values", Check.unique("id").evaluate(t).observed());
    assertEquals("not allowed: [GBP]", Check.containedIn("cur", Set.of("EUR", "USD")).evaluate(t).observed());
    assertEquals("1 values outside", Check.range("age", 0, 120).evaluate(t).observed());
    assertTrue(Check.quantileBetween("age", 0.5, 25, 35).evaluate(t).passed());
    assertEquals(1, dev.mlops.monitoring.quality.DataQuality.duplicateRows(Table.of(List.of(
        Column.numerical("x", new double[] {1, 2, 1}), Column.categorical("y", new String[] {"a", "b", "a"})))));
  }
}
