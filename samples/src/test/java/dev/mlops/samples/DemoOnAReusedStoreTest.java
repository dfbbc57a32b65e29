package dev.mlops.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.MonitorHistory;
import dev.mlops.monitoring.performance.PredictionLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end demo run twice in a row on one {@code ./mlops}, each time in its own JVM as
 * {@code mvn -pl samples exec:exec} runs it (output to a file, not a terminal): both runs tell the
 * same story, and the store holds what the web UI's monitor pages read.
 */
@dev.mlops.testkit.ChildJvm
class DemoOnAReusedStoreTest {
  /**
   * The story's key lines: each pattern's groups, joined, for every line it matches. Figures that
   * depend on thread scheduling (request counts, latencies, the rollback window's accuracies) and
   * per-run identifiers (run ids, digests, audit numbers) are left out.
   */
  private static final List<Pattern> STORY = List.of(
      Pattern.compile("^(Best run: churn-sweep-trial-\\d+ \\([^)]*\\))"),
      Pattern.compile("^(Promotion request by alice: \\w+)"),
      Pattern.compile("^  gate (.+?) +(PASS|FAIL)"),
      Pattern.compile("^(Approved by bob: \\w+)"),
      Pattern.compile("^models:/churn-classifier(?:-\\d+)?(@champion \\(version \\d+\\))"),
      Pattern.compile("^  (window \\d+: \\d+ rows, drift share .*)"),
      Pattern.compile("^  (ALERT \\[\\S+\\] window \\d+)"),
      Pattern.compile("^  (SUPPRESSED \\[\\S+\\] window \\d+): no alert, the rule fired within its 1-hour cooldown"),
      Pattern.compile("^  (churn or not \\(score 0\\.5\\), reference window: .*)"),
      Pattern.compile("^  (window \\d+ performance: .*)"),
      Pattern.compile("^  ((?:champion|canary|shadow) \\w+ v\\d+ weight [\\d.]+: no requests)"),
      Pattern.compile("^(Registered v\\d+ \\(mislabels churn as stay\\) and moved @canary to it)"),
      Pattern.compile("^  (ROLLOUT \\w+ churn/canary) \\(churn-classifier(?:-\\d+)? (v\\d+\\): \\w+):"),
      Pattern.compile("^(@canary now points at v\\d+); the audit trail records the move: \\[(serving ALIAS_MOVED) churn-classifier(?:-\\d+)?"
          + "(@canary \\{\"version\":\\d+\\})\\]"),
      Pattern.compile("^  (\\w+): \\d+ requests, rate [\\d.]+ on \\d+ outcomes vs champion"),
      Pattern.compile("^(Champion v\\d+: accuracy .*)"),
      Pattern.compile("^  (window \\d+ \\((?:as trained|customers changed)\\): .*)"),
      Pattern.compile("^  retraining rt-\\S+: (.*)"),
      Pattern.compile("^  (blessed: .*)"),
      Pattern.compile("^  (the canary v\\d+ served its requests cleanly; .*)"),
      Pattern.compile("^  Retraining\\[rt-\\S+ (.*)\\]$"),
      Pattern.compile("^(Audit trail verifies: \\w+)"));

  @TempDir
  Path dir;

  @Test
  void aSecondRunOnTheSameStoreTellsTheSameStoryAsTheFirst() throws Exception {
    String first = runDemo("first");
    String second = runDemo("second");

    for (String out : List.of(first, second)) {
      assertFalse(out.contains("\u001b"), "no ANSI escape in output that is not a terminal:\n" + out);
      assertFalse(out.contains("NaN"), "no NaN figure:\n" + out);
      assertFalse(out.contains("REJECTED"), "no promotion request is rejected:\n" + out);
      List<String> story = story(out);
      assertTrue(story.contains("Promotion request by alice: OPEN") && story.contains("Approved by bob: APPROVED"),
          "the best trial is promoted to @champion: " + story);
      assertTrue(story.stream().anyMatch(l -> l.startsWith("ROLLOUT ROLLED_BACK churn/canary v3): accuracy")),
          "the broken canary v3 is rolled back on its labelled accuracy: " + story);
      assertTrue(story.contains("@canary now points at v2 serving ALIAS_MOVED @canary {\"version\":2}"),
          "the rollback moved @canary back to v2 through the registry: " + story);
      assertEquals(List.of("canary"), abSummaryVariants(story), "the A/B summary compares the canary, not the champion with itself");
      assertTrue(story.stream().anyMatch(l -> l.startsWith("challenger v4 accuracy")), "a retraining happened: " + story);
      assertTrue(story.stream().anyMatch(l -> l.startsWith("the canary v4 served its requests cleanly")),
          "the endpoint asked for the retrained canary's promotion, not the champion's: " + story);
      assertTrue(story.stream().anyMatch(l -> l.endsWith("rollout PROMOTED")), "the retraining was promoted: " + story);
      Matcher floor = Pattern.compile("Champion v1: accuracy (0\\.\\d{3}) on the test set; the performance floor is (0\\.\\d{3}),"
          + " that accuracy less 0\\.10").matcher(out);
      assertTrue(floor.find(), "the floor says where it comes from: " + out);
      assertEquals(Double.parseDouble(floor.group(1)) - 0.10, Double.parseDouble(floor.group(2)), 0.0011, floor.group());
      assertTrue(story.stream().anyMatch(l -> l.matches("Best run: churn-sweep-trial-\\d+ \\(epochs_or_depth=\\d+, learning_rate=[\\d.]+,"
          + " model=\\w+\\)")), "the best trial is named by its index and params: " + story);
      assertTrue(story.stream().anyMatch(l -> l.startsWith("SUPPRESSED [dataset_drift] window ")),
          "a drifting window whose alert the cooldown held back says so: " + story);
      assertTrue(out.contains("The canary's figures count every request it served since the endpoint started"),
          "the A/B summary's figures are explained: " + out);
      assertTrue(out.lines().anyMatch(l -> l.matches("The shadow answered \\d+ requests and dropped \\d+: .*backgroundShare.*")),
          "the shadow's drops are explained: " + out);
      assertTrue(out.lines().anyMatch(l -> l.matches("In windows? \\[[\\d, ]+\\] CBPE estimates more than 0\\.1 above the realized accuracy.*")),
          "the demo's concept drift shows CBPE's blind spot, and says so: " + out);
      assertTrue(out.contains("A retrained model is promoted to @champion under one gate, accuracy >= 0.6"),
          "the continuous-training gate says why it differs from the first promotion's: " + out);
      // each event told once: the endpoint's WARN for the rollback would repeat the ROLLOUT line
      assertEquals(1, out.lines().filter(l -> l.matches("(?i).*rolled[ _]back.*")).count(), "the rollback is told once:\n" + out);
      // every variant's labels are of its own requests: never more labels than requests
      Matcher counts = Pattern.compile("(\\d+) requests, .*?accuracy [\\d.]+ on (\\d+) labels").matcher(out);
      int variants = 0;
      while (counts.find()) {
        variants++;
        assertTrue(Long.parseLong(counts.group(2)) <= Long.parseLong(counts.group(1)), "labels beyond requests: " + counts.group());
      }
      assertTrue(variants >= 2, "the endpoint status lists its variants' requests and labels:\n" + out);
    }
    assertFalse(first.contains("already holds"), first);
    assertTrue(second.contains("This store already holds 1 earlier run of the demo (model churn-classifier); this run registers"
        + " churn-classifier-2"), second);
    // the live loop's window lines are left out of the comparison: which rows its endpoint's bounded logging lane
    // keeps, and in which window the retrained canary's promotion lands, depend on thread scheduling (a busy machine
    // drops rows), while the story they tell is checked in each run above
    assertEquals(withoutLiveWindows(story(first)), withoutLiveWindows(story(second)), "the second run tells the first run's story");

    // the web UI's monitor page shows the performance that MonitorHistory reads for each monitor
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("mlops"))) {
      for (String monitor : List.of("churn-classifier", "churn-ct", "churn-classifier-2", "churn-ct-2")) {
        PredictionLog.History performance = MonitorHistory.open(backend, monitor).performance()
            .orElseThrow(() -> new AssertionError("monitor " + monitor + " stored no prediction log"));
        assertTrue(performance.reference() != null, monitor + " stored its reference window");
        assertTrue(performance.windows().size() >= 4, monitor + ": " + performance.windows());
        assertTrue(performance.windows().stream().anyMatch(w -> w.realized() != null && w.estimated() != null),
            monitor + " stored realized and estimated performance: " + performance.windows());
      }
    }
  }

  /** Runs the demo in a child JVM in {@code dir}, output to a file, and returns the output. */
  private String runDemo(String name) throws Exception {
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), TrackingDemo.class.getName())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertTrue(done, "the " + name + " run did not finish in 10 minutes:\n" + out);
    assertEquals(0, p.exitValue(), "the " + name + " run failed:\n" + out);
    return out;
  }

  private static List<String> story(String out) {
    List<String> story = new ArrayList<>();
    for (String line : out.split("\\R")) {
      for (Pattern pattern : STORY) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          StringBuilder sb = new StringBuilder();
          for (int g = 1; g <= m.groupCount(); g++) {
            sb.append(g == 1 ? "" : " ").append(m.group(g));
          }
          story.add(sb.toString());
          break;
        }
      }
    }
    return story;
  }

  /** The variants the A/B summary lists, in order. */
  private static List<String> withoutLiveWindows(List<String> story) {
    return story.stream().filter(l -> !l.matches("window \\d+ \\((?:as trained|customers changed)\\): .*")).toList();
  }

  private static List<String> abSummaryVariants(List<String> story) {
    return story.stream().filter(l -> l.matches("\\w+")).toList();
  }
}
