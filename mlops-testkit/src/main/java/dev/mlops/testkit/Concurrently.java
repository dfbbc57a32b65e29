package dev.mlops.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs one body on several threads at once and waits for all of them, rethrowing the first failure. */
public final class Concurrently {
  private Concurrently() {}

  /** Work done by thread number {@code thread} (0-based). */
  @FunctionalInterface
  public interface Body {
    /** The work of thread number {@code thread} (0-based). */
    void run(int thread) throws Exception;
  }

  /** Starts {@code threads} threads running {@code body} and waits up to two minutes for them. */
  public static void run(int threads, Body body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        fs.add(pool.submit(() -> {
          body.run(thread);
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
