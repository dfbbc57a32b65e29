package dev.mlops.monitoring.drift;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs one task per column, each exactly once; returns when all are done, throwing the first failure. */
@FunctionalInterface
interface ColumnTasks {
  /** Runs {@code task} for 0, 1, ..., {@code n} − 1. */
  void run(int n, IntConsumer task);

  /** One after the other on the calling thread. */
  static ColumnTasks inOrder() {
    return (n, task) -> {
      for (int i = 0; i < n; i++) {
        task.accept(i);
      }
    };
  }

  /** In parallel on the common fork-join pool, the calling thread taking part. */
  static ColumnTasks commonPool() {
    return (n, task) -> IntStream.range(0, n).parallel().forEach(task);
  }

  /**
   * In parallel on {@code executor}, the calling thread taking part: up to one helper fewer than the
   * processors (at least one) is handed to the executor, and every thread, the caller included, takes
   * the next column not yet taken. The caller waits only for columns a helper is running, so a busy
   * or single-thread executor (even the one the caller runs on) never blocks it, and an executor that
   * refuses a helper only means fewer helpers.
   */
  static ColumnTasks on(Executor executor) {
    int processors = Runtime.getRuntime().availableProcessors();
    return (n, task) -> {
      if (n <= 1) {
        inOrder().run(n, task);
        return;
      }
      AtomicInteger next = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(n);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Runnable worker = () -> {
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
          try {
            if (failure.get() == null) {
              task.accept(i);
            }
          } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
          } finally {
            done.countDown();
          }
        }
      };
      int helpers = Math.min(n - 1, Math.max(1, processors - 1));
      for (int h = 0; h < helpers && next.get() < n; h++) {
        try {
          executor.execute(worker);
        } catch (RejectedExecutionException e) {
          break;
        }
      }
      worker.run();
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the helpers write into the caller's results: wait for them all the same
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Throwable f = failure.get();
      if (f instanceof RuntimeException re) {
        throw re;
      }
      if (f instanceof Error err) {
        throw err;
      }
    };
  }
}
