package dev.mlops.testkit;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An executor the test holds: it keeps each task until the test runs it ({@link #runNext()},
 * {@link #runAll()}), or refuses tasks while told to ({@link #refuse(boolean)}), so a test proves
 * what runs where and when without waiting for another thread. Not thread-safe: for tests that
 * drive the executor from one thread.
 *
 * <pre>{@code
 * HeldExecutor executor = new HeldExecutor();
 * registry = ModelRegistry.builder().eventExecutor(executor).build();
 * registry.setAlias("m", "champion", 1);   // nothing delivered yet
 * executor.runAll();                        // delivered now, on this thread
 * }</pre>
 */
public final class HeldExecutor implements Executor {
  private final Queue<Runnable> held = new ArrayDeque<>();
  private boolean refusing;
  private int refused;

  /** An executor that holds every task until the test runs it. */
  public HeldExecutor() {}

  /** Holds {@code task}, or throws {@link RejectedExecutionException} while refusing. */
  @Override
  public void execute(Runnable task) {
    if (refusing) {
      refused++;
      throw new RejectedExecutionException("refused by the test's held executor");
    }
    held.add(task);
  }

  /** Refuses every task from now on ({@code true}), or holds them again ({@code false}). */
  public HeldExecutor refuse(boolean refuse) {
    this.refusing = refuse;
    return this;
  }

  /** Tasks held and not run yet. */
  public int size() {
    return held.size();
  }

  /** Tasks refused so far. */
  public int refused() {
    return refused;
  }

  /** Runs the oldest held task on this thread; false when none is held. */
  public boolean runNext() {
    Runnable r = held.poll();
    if (r == null) {
      return false;
    }
    r.run();
    return true;
  }

  /** Runs held tasks on this thread, also those they submit, until none is held; returns how many ran. */
  public int runAll() {
    int n = 0;
    while (runNext()) {
      n++;
    }
    return n;
  }
}
