package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.profile.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A window's whole analysis, its drift tests included, runs on the executor the monitor was given:
 * shown with executors that record what they were handed and where it ran, never with timing.
 */
class MonitorExecutorTest {
  private static Map<String, Object> row(Random r) {
    return Map.of("amount", 100 + 20 * r.nextGaussian(), "age", 40 + 10 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app");
  }

  private static Profile reference() {
    Random r = new Random(1);
    Profile p = new Profile();
    for (int i = 0; i < 3000; i++) {
      p.update(row(r));
    }
    return p;
  }

  @Test
  @DisplayName("the drift step hands its columns to the monitor's executor, not to the common pool")
  void theDriftStepUsesTheMonitorsExecutor() {
    List<Runnable> handed = new ArrayList<>();
    Monitor m = Monitor.builder("held").reference(reference()).windowRows(200).executor(handed::add).build();
    Random r = new Random(2);
    for (int i = 0; i < 200; i++) {
      m.log(row(r));
    }
    assertEquals(1, handed.size(), "the closed window's drain");
    assertTrue(m.reports().isEmpty(), "nothing was analysed on the logging thread");
    handed.remove(0).run();
    assertEquals(1, m.reports().size());
    assertEquals(3, m.reports().get(0).drift().columns().size());
    assertFalse(handed.isEmpty(), "the drift tests of the window's three columns were shared with helpers on the same executor");
    handed.forEach(Runnable::run); // late helpers find every column taken
    assertEquals(1, m.reports().size());
  }

  @Test
  @DisplayName("every task of a window runs on the user's threads: the drain, the drift helpers and the listeners")
  void everyTaskRunsOnTheUsersThreads() throws Exception {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2, task -> new Thread(task, "user-executor-" + threads.incrementAndGet()));
    List<String> ranOn = new CopyOnWriteArrayList<>();
    List<String> listenedOn = new CopyOnWriteArrayList<>();
    try (Monitor m = Monitor.builder("pool").reference(reference()).windowRows(200).executor(task -> pool.execute(() -> {
      ranOn.add(Thread.currentThread().getName());
      task.run();
    })).onReport(report -> listenedOn.add(Thread.currentThread().getName())).build()) {
      Random r = new Random(3);
      for (int i = 0; i < 200; i++) {
        m.log(row(r));
      }
      assertEquals(0, m.flush().orElseThrow().window());
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
    }
    assertTrue(ranOn.size() >= 2, "the drain and at least one drift helper: " + ranOn);
    assertTrue(ranOn.stream().allMatch(t -> t.startsWith("user-executor-")), ranOn.toString());
    assertEquals(1, listenedOn.size());
    assertTrue(listenedOn.get(0).startsWith("user-executor-"), listenedOn.toString());
  }
}
