package dev.mlops.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes against one file: store: SIGKILL in the middle of logging, and four writers at once. */
@ChildJvm
class MultiProcessTest {
  @TempDir
  Path dir;

  private static Process child(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), ChildWriter.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  @Test
  void sigkillWhileLoggingLosesNoReturnedWriteAndTheStoreReopens() throws Exception {
    String uri = "file:" + dir.resolve("store");
    String runId;
    try (Tracker t = Tracker.builder().storage(uri).build(); ActiveRun run = t.startRun("crash")) {
      runId = run.id();
    }
    Random random = new Random(7);
    long acknowledged = -1;
    for (int round = 0; round < 15; round++) {
      Process p = child(uri, "crash", runId);
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      long stop = 200 + random.nextInt(3000);
      long last = -1;
      String line;
      while ((line = r.readLine()) != null) {
        last = Long.parseLong(line.strip());
        if (last >= stop) {
          break;
        }
      }
      p.destroyForcibly(); // SIGKILL on Unix
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertTrue(last >= 0, "the child logged before it was killed");
      try (Tracker t = Tracker.builder().storage(uri).build()) {
        List<Metric> h = t.metricHistory(runId, "m");
        // this round's points follow the earlier rounds' in the history; each round starts at step 0
        long roundPoints = h.stream().skip(acknowledged + 1).filter(m -> true).count();
        List<Long> steps = h.stream().skip(acknowledged + 1).map(Metric::step).toList();
        for (long s = 0; s <= last; s++) {
          assertEquals(s, steps.get((int) s), "round " + round + ": point " + s + " was acknowledged and must be stored");
        }
        assertTrue(roundPoints >= last + 1);
        acknowledged += roundPoints;
        assertEquals(runId, t.getRun(runId).id());
      }
    }
  }

  @Test
  void fourProcessesWritingOneStoreAtOnceLoseNothing() throws Exception {
    String uri = "file:" + dir.resolve("store");
    String shared;
    try (Tracker t = Tracker.builder().storage(uri).build(); ActiveRun run = t.startRun("multi")) {
      shared = run.id();
    }
    int count = 400;
    List<Process> ps = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      ps.add(child(uri, "writer", "multi", Integer.toString(count), Integer.toString(w), shared));
    }
    for (Process p : ps) {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      assertEquals("done", out.strip());
    }
    try (Tracker t = Tracker.builder().storage(uri).build()) {
      Run s = t.getRun(shared);
      for (int w = 0; w < 4; w++) {
        assertEquals(count, t.metricHistory(shared, "w" + w).size());
        assertEquals("done", s.params().get("worker-" + w));
        assertEquals(Integer.toString(count - count % 50 == count ? count - 50 : count - count % 50), s.tags().get("last-" + w));
      }
      List<Run> workers = t.searchAll(RunQuery.builder().experiments("multi").filter("run_name LIKE 'worker-%'").build());
      assertEquals(4, workers.size());
      for (Run r : workers) {
        assertEquals(count, t.metricHistory(r.id(), "m").size());
        assertEquals(count / 50, r.params().size());
      }
    }
  }

  @Test
  void queuedAsyncPointsAreStoredAtANormalJvmExit() throws Exception {
    String uri = "file:" + dir.resolve("store");
    String runId;
    try (Tracker t = Tracker.builder().storage(uri).build(); ActiveRun run = t.startRun("exit")) {
      runId = run.id();
    }
    Process p = child(uri, "async-exit", runId, "200000");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    assertEquals("queued", out.strip());
    try (Tracker t = Tracker.builder().storage(uri).build()) {
      assertEquals(200_000, t.metricHistory(runId, "queued").size());
      assertEquals(199_999, t.getRun(runId).latestMetrics().get("queued").step());
    }
  }
}
