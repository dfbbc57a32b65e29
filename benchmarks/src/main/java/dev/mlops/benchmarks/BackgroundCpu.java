package dev.mlops.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time an endpoint's background worker used, read from the JVM's thread CPU clocks by the
 * worker's name ({@code mlops-endpoint-NAME-background}): what shadows, prediction logging and the
 * window reports a monitor runs on that thread cost, apart from the callers' time.
 */
final class BackgroundCpu {
  private BackgroundCpu() {}

  /** CPU nanoseconds used so far by the background worker of endpoint {@code endpoint} (0 if none). */
  static long nanos(String endpoint) {
    String name = "mlops-endpoint-" + endpoint + "-background";
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long id : threads.getAllThreadIds()) {
      ThreadInfo info = threads.getThreadInfo(id);
      if (info != null && info.getThreadName().equals(name)) {
        long cpu = threads.getThreadCpuTime(id);
        total += Math.max(0, cpu);
      }
    }
    return total;
  }
}
