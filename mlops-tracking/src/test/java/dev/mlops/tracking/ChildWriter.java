package dev.mlops.tracking;

import java.io.PrintStream;
import java.util.Map;

/**
 * Runs in a child JVM for the crash and multi-process tests. Args: store URI, mode, run id or
 * experiment name, count. Mode {@code crash}: logs synchronous metric points forever into the run,
 * printing each step after its call returned. Mode {@code writer}: logs {@code count} points and
 * params into a new run of the experiment and into the shared run, then exits.
 */
public final class ChildWriter {
  private ChildWriter() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String mode = args[1];
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    if (mode.equals("async-exit")) {
      // queue points asynchronously and leave main without closing anything: the shutdown hook must store them
      Tracker tracker = Tracker.builder().storage(uri).captureSystemTags(false).asyncLogging(10_000).build();
      ActiveRun run = tracker.resumeRun(args[2]);
      int count = Integer.parseInt(args[3]);
      for (int i = 0; i < count; i++) {
        run.logMetric("queued", i, i);
      }
      out.println("queued");
      return;
    }
    try (Tracker tracker = Tracker.builder().storage(uri).captureSystemTags(false).build()) {
      if (mode.equals("crash")) {
        ActiveRun run = tracker.resumeRun(args[2]);
        for (long step = 0;; step++) {
          run.logMetric("m", step * 0.5, step);
          out.println(step);
        }
      }
      int count = Integer.parseInt(args[3]);
      String worker = args[4];
      ActiveRun shared = tracker.resumeRun(args[5]);
      try (ActiveRun own = tracker.newRun().experiment(args[2]).name("worker-" + worker).start()) {
        for (int i = 0; i < count; i++) {
          own.logMetric("m", i, i);
          shared.logMetric("w" + worker, i, i);
          if (i % 50 == 0) {
            own.logParam("p" + i, worker);
            shared.setTag("last-" + worker, Integer.toString(i));
          }
        }
        shared.logParams(Map.of("worker-" + worker, "done"));
      }
      out.println("done");
    }
  }
}
