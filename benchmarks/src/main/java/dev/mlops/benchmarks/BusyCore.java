package dev.mlops.benchmarks;

import java.io.IOException;
import java.util.List;

/**
 * The benchmarks' "busy machine" mode: another process that keeps one core busy while a benchmark
 * runs, as a user's machine runs other work beside a service. {@link #start} launches this class's
 * {@link #main} in a child JVM (one spinning thread, no allocation, no output); the benchmark stops it
 * in its tear-down. Running a benchmark with {@code -p busy=true} reports the busy figure beside the
 * quiet one ({@code busy=false}) in the same run.
 */
public final class BusyCore {
  private BusyCore() {}

  /** Spins one thread until the process is destroyed. */
  @SuppressWarnings("InfiniteLoopStatement")
  public static void main(String[] args) {
    long x = 0;
    while (true) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      if (x == 42) {
        System.out.println(x); // never: keeps the loop from being optimised away
      }
    }
  }

  /** A child JVM keeping one core busy, or null when {@code busy} is false. */
  public static Process start(boolean busy) throws IOException {
    if (!busy) {
      return null;
    }
    return new ProcessBuilder(List.of(javaCommand(), "-cp", System.getProperty("java.class.path"), BusyCore.class.getName()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** Stops what {@link #start} started. */
  public static void stop(Process p) throws InterruptedException {
    if (p != null) {
      p.destroy();
      p.waitFor();
    }
  }

  /** The java binary of this JVM. */
  static String javaCommand() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
