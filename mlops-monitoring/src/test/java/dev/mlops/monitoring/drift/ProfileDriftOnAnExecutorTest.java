package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ProfileDrift#compare(Profile, Table, DriftOptions, java.util.concurrent.Executor)}: columns on a given executor, never stuck on it. */
class ProfileDriftOnAnExecutorTest {
  private final Random random = new Random(5);
  private final Profile reference = Profile.of(DriftPathsAgreeTest.payments(random, 3000, 0));
  private final Table current = DriftPathsAgreeTest.payments(random, 800, 0.2);
  private final DriftReport onCommonPool = ProfileDrift.compare(reference, current, DriftOptions.defaults());

  @Test
  @DisplayName("an executor that never runs its tasks gets the helpers, and the caller analyses every column itself")
  void anExecutorThatNeverRunsLeavesTheWorkToTheCaller() {
    List<Runnable> held = new ArrayList<>();
    DriftReport report = ProfileDrift.compare(reference, current, DriftOptions.defaults(), held::add);
    assertEquals(onCommonPool, report);
    assertFalse(held.isEmpty(), "helpers were handed to the executor");
    assertTrue(held.size() < current.columns().size(), "fewer helpers than columns: " + held.size());
    held.forEach(Runnable::run); // late helpers find every column taken
  }

  @Test
  @DisplayName("helpers run on the executor's threads and the report is the one of the common pool")
  void helpersRunOnTheExecutor() throws Exception {
    List<String> ranOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "user-executor"));
    try {
      DriftReport report = ProfileDrift.compare(reference, current, DriftOptions.defaults(), task -> pool.execute(() -> {
        ranOn.add(Thread.currentThread().getName());
        task.run();
      }));
      assertEquals(onCommonPool, report);
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
    }
    assertFalse(ranOn.isEmpty());
    assertTrue(ranOn.stream().allMatch("user-executor"::equals), ranOn.toString());
  }

  @Test
  @DisplayName("an executor that refuses work only means fewer helpers")
  void aRefusingExecutorMeansFewerHelpers() {
    DriftReport report = ProfileDrift.compare(reference, current, DriftOptions.defaults(), task -> {
      throw new RejectedExecutionException("shut down");
    });
    assertEquals(onCommonPool, report);
  }
}
