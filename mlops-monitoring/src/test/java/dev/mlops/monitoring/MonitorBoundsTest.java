package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.profile.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A monitor whose analysis cannot keep up (an executor the test holds) keeps a bounded number of
 * closed windows: the oldest waiting window is dropped whole, counted, and reported by the next
 * report; logging never blocks. Every property is shown with an executor the test controls, never
 * with timing.
 */
class MonitorBoundsTest {
  private static Profile reference() {
    Random r = new Random(1);
    Profile p = new Profile();
    for (int i = 0; i < 2000; i++) {
      p.update(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
    }
    return p;
  }

  private static void logWindows(Monitor m, int windows, int windowRows, Random r) {
    for (int i = 0; i < windows * windowRows; i++) {
      m.log(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
    }
  }

  @Test
  void aStuckAnalysisKeepsAtMostFourClosedWindowsByDefault() {
    List<Runnable> held = new ArrayList<>();
    Monitor m = Monitor.builder("stuck").reference(reference()).windowRows(10).executor(held::add).build();
    logWindows(m, 20, 10, new Random(2));
    assertEquals(1, held.size(), "one drain was handed to the executor");
    held.get(0).run();
    List<Long> reported = m.reports().stream().map(WindowReport::window).toList();
    assertEquals(List.of(16L, 17L, 18L, 19L), reported, "the four newest windows waited; the sixteen older ones were dropped");
  }

  @Test
  void closedWindowsBeyondTheBoundAreDroppedWholeCountedAndReportedByTheNextReport() {
    List<Runnable> held = new ArrayList<>();
    List<Alert> alerts = new ArrayList<>();
    Monitor m = Monitor.builder("bounded").reference(reference()).windowRows(10).maxPendingWindows(3).executor(held::add)
        .onAlert(alerts::add).build();
    logWindows(m, 8, 10, new Random(3));
    m.log(Map.of("amount", 100.0, "channel", "web"));
    assertEquals(new Monitor.Stats(81, 8, 0, 0, 0, 0, 5, 50, 3), m.stats(), "windows 0-4 dropped, 5-7 waiting, one row open");
    held.get(0).run();
    List<WindowReport> reports = m.reports();
    assertEquals(List.of(5L, 6L, 7L), reports.stream().map(WindowReport::window).toList());
    assertEquals(5, reports.get(0).windowsDropped());
    assertEquals(50, reports.get(0).rowsDropped());
    assertEquals(0, reports.get(1).windowsDropped());
    assertEquals(1, alerts.size());
    assertEquals(Monitor.WINDOWS_DROPPED, alerts.get(0).rule());
    assertEquals("monitor bounded dropped 5 windows (50 rows) before window 5 unanalysed: more than 3 closed windows waited for their reports",
        alerts.get(0).message());
    assertTrue(reports.get(0).toString().contains("5 windows (50 rows) dropped before it"), reports.get(0).toString());
    assertEquals(new Monitor.Stats(81, 8, 0, 0, 0, 30, 5, 50, 0), m.stats());
  }

  @Test
  void twoThreadsLoggingAtFullSpeedAgainstABlockedAnalysisNeverQueueMoreThanTheBoundAndEveryRowIsAccountedFor() throws Exception {
    int windowRows = 50;
    int bound = 4;
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService analysis = Executors.newSingleThreadExecutor();
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      Monitor m = Monitor.builder("busy").reference(reference()).windowRows(windowRows).maxPendingWindows(bound).executor(analysis)
          .onReport(r -> {
            if (r.window() == 0) {
              entered.countDown();
              await(release);
            }
          }).build();
      // window 0 is taken by the analysis, which then blocks until the test releases it
      logWindows(m, 1, windowRows, new Random(4));
      assertTrue(entered.await(60, TimeUnit.SECONDS), "the analysis took window 0");
      AtomicInteger mostPending = new AtomicInteger();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Random r = new Random(10 + t);
        fs.add(callers.submit(() -> {
          for (int i = 0; i < 50 * windowRows; i++) {
            m.log(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app"));
            if (i % windowRows == 0) {
              mostPending.accumulateAndGet(m.stats().pendingWindows(), Math::max);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(5, TimeUnit.MINUTES);
      }
      // 101 windows closed: window 0 analysed (its listener holds the executor), the newest four waiting, the 96 between dropped
      Monitor.Stats blocked = m.stats();
      assertEquals(new Monitor.Stats(101 * windowRows, 101, 0, 0, 0, windowRows, 96, 96L * windowRows, bound), blocked);
      assertTrue(mostPending.get() <= bound, "pending windows seen by the callers: " + mostPending.get());
      release.countDown();
      m.flush();
      assertEquals(List.of(0L, 97L, 98L, 99L, 100L), m.reports().stream().map(WindowReport::window).toList());
      assertEquals(96, m.reports().get(1).windowsDropped());
      Monitor.Stats done = m.stats();
      assertEquals(done.rows(), done.rowsAnalysed() + done.rowsDropped(), "rows logged = rows analysed + rows in dropped windows");
      assertEquals(5L * windowRows, done.rowsAnalysed());
      m.close();
    } finally {
      release.countDown();
      callers.shutdownNow();
      analysis.shutdownNow();
    }
  }

  @Test
  void aTimeWindowClosesEarlyAtItsRowLimitSoItsMemoryIsBoundedWhateverTheRate() {
    dev.mlops.testkit.FakeClock clock = new dev.mlops.testkit.FakeClock(0);
    Monitor m = Monitor.builder("timed").reference(reference()).windowDuration(Duration.ofMinutes(5)).maxWindowRows(100).clock(clock)
        .executor(Runnable::run).build();
    logWindows(m, 3, 100, new Random(5));
    assertEquals(List.of(100, 100, 100), m.reports().stream().map(WindowReport::rows).toList(), "no time passed, yet each window holds 100 rows");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
