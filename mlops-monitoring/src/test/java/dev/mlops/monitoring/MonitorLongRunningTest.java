package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.CheckResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A monitor as a long-running service uses it: many logging threads, many windows, dirty values, failing listeners. */
class MonitorLongRunningTest {
  @TempDir
  Path dir;

  private static Profile reference() {
    Random r = new Random(1);
    Profile p = new Profile();
    for (int i = 0; i < 5000; i++) {
      p.update(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
    }
    return p;
  }

  @Test
  void eightLoggingThreadsAcrossManyWindowsNeverComputeAReportAndEveryRowIsAccountedFor() throws Exception {
    int threads = 8;
    int perThread = 6_000;
    int windowRows = 400;
    Set<String> callers = ConcurrentHashMap.newKeySet();
    List<String> reportThreads = new CopyOnWriteArrayList<>();
    try (StorageBackend backend = StorageBackend.open("mem:long-running-" + System.nanoTime())) {
      Monitor m = Monitor.builder("svc").reference(reference()).windowRows(windowRows).history(10).storage(backend)
          .alert(AlertRule.datasetDrift())
          .onReport(w -> reportThreads.add(Thread.currentThread().getName()))
          .build();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          long seed = t;
          fs.add(pool.submit(() -> {
            callers.add(Thread.currentThread().getName());
            Random r = new Random(seed);
            for (int i = 0; i < perThread; i++) {
              m.log(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
            }
            return null;
          }));
        }
        for (Future<?> f : fs) {
          f.get(2, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdown();
      }
      m.close();
      int total = threads * perThread;
      int windows = total / windowRows;
      // as many windows as the analysis keeps up with are reported; the others are dropped whole and counted
      Monitor.Stats stats = m.stats();
      assertEquals(total, stats.rows());
      assertEquals(windows, stats.windows());
      assertEquals(total, stats.rowsAnalysed() + stats.rowsDropped(), "every row was analysed or dropped in a counted window");
      assertEquals(stats.windowsDropped() * windowRows, stats.rowsDropped());
      assertEquals(0, stats.pendingWindows());
      assertEquals(windows - stats.windowsDropped(), reportThreads.size());
      for (String t : reportThreads) {
        assertFalse(callers.contains(t), "a caller thread computed a report: " + t);
      }
      assertEquals(Math.min(10, reportThreads.size()), m.reports().size(), "the in-memory history is bounded");
      List<MonitoringStore.StoredRecord> stored = backend.store(MonitoringStore.class).reports("svc", 0, Integer.MAX_VALUE);
      assertEquals(reportThreads.size(), stored.size(), "the store keeps every reported window");
      long rows = 0;
      long previous = -1;
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      for (MonitoringStore.StoredRecord rec : stored) {
        var report = json.readTree(rec.json());
        rows += report.get("rows").asLong();
        assertEquals(rec.window() - previous - 1, report.get("windowsDropped").asLong(), "a gap in the window numbers is the count dropped before");
        previous = rec.window();
      }
      assertEquals(stats.rowsAnalysed(), rows, "stored row counts add up to the rows analysed");
    }
  }

  @Test
  void aDirtyValueIsCountedAndReportedWithoutLosingTheWindow() {
    Monitor m = Monitor.builder("dirty").reference(reference()).windowRows(100).executor(Runnable::run).build();
    Random r = new Random(2);
    for (int i = 0; i < 300; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("amount", i == 150 ? "n/a" : (Object) (100 + 20 * r.nextGaussian()));
      row.put("channel", "web");
      m.log(row);
    }
    List<WindowReport> reports = m.reports();
    assertEquals(List.of(0L, 1L, 2L), reports.stream().map(WindowReport::window).toList());
    assertEquals(List.of(100, 100, 100), reports.stream().map(WindowReport::rows).toList());
    List<CheckResult> type = reports.get(1).quality().failures().stream().filter(c -> c.check().equals("type")).toList();
    assertEquals(1, type.size(), reports.get(1).quality().toString());
    assertEquals("amount", type.get(0).column());
    assertTrue(type.get(0).observed().contains("1 values") && type.get(0).observed().contains("'n/a'"), type.get(0).observed());
    assertEquals("numerical", reports.get(1).drift().columns().stream().filter(c -> c.name().equals("amount")).findFirst().orElseThrow().type(),
        "the column keeps its numerical test");
    assertTrue(reports.get(0).quality().failures().stream().noneMatch(c -> c.check().equals("type")));
    assertEquals(1, m.stats().typeProblems());
  }

  @Test
  void aFailingListenerIsLoggedAndCountedNeverThrownToTheCaller() {
    List<WindowReport> after = new ArrayList<>();
    Monitor m = Monitor.builder("listeners").reference(reference()).windowRows(10).executor(Runnable::run)
        .onReport(w -> {
          throw new IllegalStateException("listener bug");
        })
        .onReport(after::add)
        .build();
    for (int i = 0; i < 30; i++) {
      m.log(Map.of("amount", 100.0 + i, "channel", "web"));
    }
    assertEquals(3, after.size(), "later listeners still hear every window");
    assertEquals(3, m.stats().listenerFailures());
  }

  @Test
  void rowsWithoutAMapFollowTheSchemaFixedAtBuild() {
    Monitor m = Monitor.builder("columnar").reference(reference()).windowRows(50).schema("amount", "channel").executor(Runnable::run).build();
    Random r = new Random(3);
    for (int i = 0; i < 100; i++) {
      m.log(100 + 20 * r.nextGaussian(), r.nextBoolean() ? "web" : "app");
    }
    assertEquals(2, m.reports().size());
    assertTrue(m.reports().get(0).quality().passed(), m.reports().get(0).quality().failures().toString());
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> m.log(1.0));
    assertTrue(e.getMessage().contains("one value per schema column"), e.getMessage());
    Monitor numeric = Monitor.builder("numbers").reference(reference()).windowRows(10).schema("amount").executor(Runnable::run).build();
    for (int i = 0; i < 10; i++) {
      numeric.logNumbers(100 + i);
    }
    assertEquals(10, numeric.reports().get(0).rows());
    assertThrows(InvalidArgumentException.class, () -> Monitor.builder("x").reference(reference()).build().log(1.0, "web"));
  }

  @Test
  void numbersUnderNamedColumnsMatchTheSameRowsGivenAsMaps() {
    Random r = new Random(5);
    Profile reference = reference();
    Monitor byMap = Monitor.builder("maps").reference(reference).windowRows(40).executor(Runnable::run).build();
    Monitor byName = Monitor.builder("named").reference(reference).windowRows(40).executor(Runnable::run).build();
    for (int i = 0; i < 40; i++) {
      double amount = 100 + 20 * r.nextGaussian();
      byMap.log(Map.of("amount", amount));
      byName.logNumbers(new String[] {"amount"}, new double[] {amount});
    }
    WindowReport a = byMap.reports().get(0);
    WindowReport b = byName.reports().get(0);
    assertEquals(40, b.rows());
    assertEquals(a.drift().columns(), b.drift().columns());
    assertEquals(a.quality().failures(), b.quality().failures(), "the unnamed column is missing in both");
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> byName.logNumbers(new String[] {"amount", "x"}, new double[] {1.0}));
    assertTrue(e.getMessage().contains("values") && e.getMessage().contains("one value per column"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> byName.logNumbers(null, new double[0]));
  }

  @Test
  void aMonitorOpenedByUriContinuesAfterTheLastStoredWindow() {
    String uri = "file:" + dir.resolve("store");
    try (Monitor m = Monitor.builder("svc").reference(reference()).windowRows(10).storage(uri).build()) {
      for (int i = 0; i < 25; i++) {
        m.log(Map.of("amount", 100.0 + i, "channel", "web"));
      }
    }
    try (Monitor again = Monitor.builder("svc").reference(reference()).windowRows(10).storage(uri).executor(Runnable::run).build()) {
      for (int i = 0; i < 10; i++) {
        again.log(Map.of("amount", 100.0 + i, "channel", "web"));
      }
      assertEquals(3, again.reports().get(0).window(), "windows 0-2 were stored by the first monitor");
    }
  }
}
