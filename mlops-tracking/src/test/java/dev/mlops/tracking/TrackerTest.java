package dev.mlops.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.ConflictException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Page;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.testkit.FakeClock;
import dev.mlops.testkit.Postgres;
import dev.mlops.tracking.internal.SystemTags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackerTest {
  @TempDir
  Path dir;
  FakeClock clock = new FakeClock(1_700_000_000_000L);
  Tracker tracker;

  @BeforeEach
  void open() {
    tracker = Tracker.builder().storage("file:" + dir.resolve("store")).clock(clock).principal(() -> "alice").build();
  }

  @AfterEach
  void close() {
    tracker.close();
  }

  @Test
  void tryWithResourcesEndsFinishedAndRunBodyEndsFailedWithTheException() throws Exception {
    String id;
    try (ActiveRun run = tracker.startRun("exp")) {
      id = run.id();
      run.logParam("lr", 0.1).logMetric("acc", 0.9);
      assertEquals(RunStatus.RUNNING, tracker.getRun(id).info().status());
    }
    Run r = tracker.getRun(id);
    assertEquals(RunStatus.FINISHED, r.info().status());
    assertEquals(clock.millis(), r.info().endTime());
    assertEquals("alice", r.info().user());
    assertEquals(Map.of("lr", "0.1"), r.params());

    String[] failed = new String[1];
    IllegalStateException boom = assertThrows(IllegalStateException.class, () -> tracker.run("exp", run -> {
      failed[0] = run.id();
      throw new IllegalStateException("boom");
    }));
    assertEquals("boom", boom.getMessage());
    Run f = tracker.getRun(failed[0]);
    assertEquals(RunStatus.FAILED, f.info().status());
    assertTrue(f.tags().get(SystemTags.FAILURE).startsWith("java.lang.IllegalStateException: boom"));
  }

  private void train(ActiveRun run) {
    run.logParam("epochs", 3);
  }

  @Test
  void runTakesAVoidBodyWithoutAThrowsClauseAndCallReturnsTheBodysValue() {
    // compiles without 'throws Exception': the body throws no checked exception
    tracker.run("exp", run -> train(run));
    String id = tracker.call("exp", run -> {
      train(run);
      return run.id();
    });
    Run r = tracker.getRun(id);
    assertEquals(RunStatus.FINISHED, r.info().status());
    assertEquals(Map.of("epochs", "3"), r.params());

    String[] failed = new String[1];
    java.io.IOException io = assertThrows(java.io.IOException.class, () -> tracker.newRun().experiment("exp").run(run -> {
      failed[0] = run.id();
      throw new java.io.IOException("disk full");
    }));
    assertEquals("disk full", io.getMessage());
    assertEquals(RunStatus.FAILED, tracker.getRun(failed[0]).info().status());
  }

  @Test
  void trackerAndActiveRunPrintWhatTheyAre() {
    assertEquals("Tracker[file:" + dir.resolve("store") + "]", tracker.toString());
    try (ActiveRun run = tracker.startRun("exp")) {
      assertEquals("ActiveRun[" + run.id() + "]", run.toString());
    }
  }

  @Test
  void aFileStoreOnARegularFileSaysWhatIsWrong() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("notes.txt"), "x");
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> Tracker.builder().storage("file:" + file).build());
    assertTrue(e.getMessage().contains("must name a directory for the embedded store (created if absent), but "
        + file.toAbsolutePath() + " is a file"), e.getMessage());
  }

  @Test
  void experimentsLifecycleAndDefault() {
    assertEquals("0", tracker.defaultExperiment().id());
    var e = tracker.createExperiment("churn", Map.of("team", "risk"));
    assertEquals(e, tracker.getExperimentByName("churn").orElseThrow());
    tracker.renameExperiment(e.id(), "churn-v2");
    tracker.deleteExperiment(e.id());
    assertThrows(InvalidArgumentException.class, () -> tracker.startRun("churn-v2"));
    assertEquals(List.of("Default"), tracker.listExperiments(ViewType.ACTIVE_ONLY).stream().map(x -> x.name()).toList());
    tracker.restoreExperiment(e.id());
    assertEquals(2, tracker.listExperiments(ViewType.ACTIVE_ONLY).size());
    assertThrows(InvalidArgumentException.class, () -> tracker.deleteExperiment("0"));
    try (ActiveRun run = tracker.newRun().start()) {
      assertEquals("0", tracker.getRun(run.id()).info().experimentId());
    }
  }

  @Test
  void nestedRunsGeneratedNamesAndResume() {
    ActiveRun parent = tracker.newRun().experiment("exp").name("parent").start();
    ActiveRun child = tracker.newRun().experiment("exp").parent(parent.id()).start();
    Run c = tracker.getRun(child.id());
    assertEquals(parent.id(), c.info().parentRunId());
    assertEquals(parent.id(), c.tags().get(SystemTags.PARENT_RUN_ID));
    assertTrue(c.info().runName().matches("[a-z]+-[a-z]+-\\d+"), c.info().runName());
    child.close();
    parent.close();
    try (ActiveRun again = tracker.resumeRun(child.id())) {
      assertEquals(RunStatus.RUNNING, tracker.getRun(child.id()).info().status());
      again.logMetric("late", 1);
    }
    assertEquals(RunStatus.FINISHED, tracker.getRun(child.id()).info().status());
    assertThrows(NotFoundException.class, () -> tracker.newRun().parent("f".repeat(32)).start());
  }

  @Test
  void badInputIsRefusedWithFieldValueAndRuleBeforeAnythingIsWritten() {
    try (ActiveRun run = tracker.startRun("exp")) {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run.logParam("p", "x".repeat(6001)));
      assertTrue(e.getMessage().contains("param 'p' value has length 6001, over the limit of 6000"), e.getMessage());
      e = assertThrows(InvalidArgumentException.class, () -> run.setTag("t", "x".repeat(8001)));
      assertTrue(e.getMessage().contains("over the limit of 8000"), e.getMessage());
      e = assertThrows(InvalidArgumentException.class, () -> run.logParams(Map.of("ok", "1", "k".repeat(251), "2")));
      assertTrue(e.getMessage().contains("length 251, over the limit of 250"), e.getMessage());
      assertTrue(tracker.getRun(run.id()).params().isEmpty(), "nothing written");
      assertThrows(InvalidArgumentException.class, () -> run.logMetric("bad key!", 1));
      assertThrows(InvalidArgumentException.class, () -> tracker.createExperiment("x".repeat(501)));
      run.logParam("p", "1");
      assertThrows(ConflictException.class, () -> run.logParam("p", "2"));
    }
    assertThrows(InvalidArgumentException.class, () -> Tracker.builder().storage("nope:x"));
  }

  @Test
  void metricsKeepHistoryAndNonFiniteValues() {
    try (ActiveRun run = tracker.startRun("exp")) {
      for (int step = 0; step < 5; step++) {
        clock.advance(10);
        run.logMetric("loss", 1.0 / (step + 1), step);
      }
      run.logMetric("weird", Double.NaN).logMetric("inf", Double.POSITIVE_INFINITY).logMetric("ninf", Double.NEGATIVE_INFINITY);
      List<Metric> h = tracker.metricHistory(run.id(), "loss");
      assertEquals(5, h.size());
      assertEquals(0.2, tracker.getRun(run.id()).metric("loss").orElseThrow());
      Run r = tracker.getRun(run.id());
      assertTrue(Double.isNaN(r.metric("weird").orElseThrow()));
      assertEquals(Double.POSITIVE_INFINITY, r.metric("inf").orElseThrow());
      assertEquals(Double.NEGATIVE_INFINITY, r.metric("ninf").orElseThrow());
      Page<Metric> p = tracker.metricHistory(run.id(), "loss", 2, null);
      assertEquals(2, p.items().size());
      assertTrue(p.nextPageToken().isPresent());
    }
  }

  @Test
  void searchCompareAndBestRun() {
    double[] accs = {0.7, 0.95, 0.85, Double.NaN};
    String[] models = {"sgd", "cart", "sgd", "cart"};
    for (int i = 0; i < accs.length; i++) {
      try (ActiveRun run = tracker.newRun().experiment("exp").name("run" + i).start()) {
        run.logParams(Map.of("model", models[i], "seed", "7")).logMetric("acc", accs[i]);
      }
      clock.advance(1);
    }
    List<Run> sgd = tracker.searchAll(RunQuery.builder().experiments("exp").filter("params.model = 'sgd' OR metrics.acc > 0.9")
        .orderBy("metrics.acc DESC").maxResults(1).build());
    assertEquals(List.of("run1", "run2", "run0"), sgd.stream().map(r -> r.info().runName()).toList());
    Run best = tracker.bestRun("exp", "acc", true).orElseThrow();
    assertEquals("run1", best.info().runName());
    assertEquals("run0", tracker.bestRun("exp", "acc", false).orElseThrow().info().runName());
    RunComparison cmp = tracker.compare(List.of(sgd.get(0).id(), sgd.get(1).id()));
    assertEquals(java.util.Set.of("model"), cmp.differingParams());
    String table = cmp.toTable();
    assertTrue(table.contains("* params.model"), table);
    assertTrue(table.contains("  params.seed"), table);
    assertTrue(table.contains("0.9500"), table);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> tracker.searchRuns(RunQuery.builder().filter("metrics.acc >> 1").build()));
    assertTrue(e.getMessage().contains("position"), e.getMessage());
    assertThrows(NotFoundException.class, () -> tracker.searchRuns(RunQuery.builder().experiments("missing").build()));
  }

  @Test
  void asyncLoggingFlushesOnCloseAndReportsStorageFailures() {
    String runId;
    try (Tracker async = Tracker.builder().storage(tracker.backend()).clock(clock).asyncLogging(1000).asyncBatchSize(100).build()) {
      try (ActiveRun run = async.startRun("exp")) {
        runId = run.id();
        for (int i = 0; i < 5000; i++) {
          run.logMetric("m", i, i);
        }
      }
      assertEquals(5000, async.metricHistory(runId, "m").size());
      ActiveRun doomed = async.startRun("exp");
      async.deleteRun(doomed.id());
      doomed.logMetric("m", 1);
      assertThrows(ConflictException.class, async::flush);
      async.flush();
    }
    assertEquals(4999, tracker.getRun(runId).metric("m").orElseThrow());
  }

  @Test
  void systemTagsRecordGitStateHostAndVersions() throws Exception {
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo);
    git(repo, "init", "-q", "-b", "trunk");
    Files.writeString(repo.resolve("f.txt"), "1");
    git(repo, "add", "f.txt");
    git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "first");
    Files.writeString(repo.resolve("f.txt"), "2");
    try (Tracker t = Tracker.builder().storage(tracker.backend()).workDir(repo).build(); ActiveRun run = t.startRun("exp")) {
      Map<String, String> tags = t.getRun(run.id()).tags();
      assertTrue(tags.get(SystemTags.GIT_COMMIT).matches("[0-9a-f]{40}"), tags.toString());
      assertEquals("trunk", tags.get(SystemTags.GIT_BRANCH));
      assertEquals("true", tags.get(SystemTags.GIT_DIRTY));
      assertEquals(System.getProperty("java.version"), tags.get(SystemTags.JAVA_VERSION));
      assertNotNull(tags.get(SystemTags.HOST));
      assertEquals("0.1.0-SNAPSHOT", tags.get(SystemTags.LIBRARY_VERSION));
      assertNotNull(tags.get(SystemTags.USER));
    }
    try (Tracker t = Tracker.builder().storage(tracker.backend()).workDir(dir).build(); ActiveRun run = t.startRun("exp")) {
      assertFalse(t.getRun(run.id()).tags().containsKey(SystemTags.GIT_COMMIT), "no git tags outside a work tree");
    }
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    assertEquals(0, p.waitFor());
  }

  @Test
  void datasetsAndArtifacts() throws IOException {
    try (ActiveRun run = tracker.startRun("exp")) {
      run.logInput(new Dataset("iris", "abc", "file:/iris.csv", "{}", 150), DatasetInput.TRAINING);
      assertEquals("iris", tracker.getRun(run.id()).inputs().get(0).dataset().name());
      Path src = dir.resolve("src");
      Files.createDirectories(src.resolve("sub"));
      Files.writeString(src.resolve("a.txt"), "a");
      Files.writeString(src.resolve("sub/b.txt"), "bb");
      List<ArtifactInfo> infos = run.logArtifacts(src, "data");
      assertEquals(2, infos.size());
      assertEquals(List.of("data/a.txt", "data/sub"), run.listArtifacts("data").stream().map(ArtifactInfo::path).toList());
      Path outside = dir.resolve("secret.txt");
      Files.writeString(outside, "secret");
      Files.createSymbolicLink(src.resolve("link.txt"), outside);
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run.logArtifacts(src, "again"));
      assertTrue(e.getMessage().contains("outside the directory"), e.getMessage());
      assertEquals(List.of(), run.listArtifacts("again"), "nothing stored when a link escapes");
      assertThrows(InvalidArgumentException.class, () -> run.logText("../x.txt", "x"));
      Path out = dir.resolve("download");
      List<Path> got = tracker.downloadArtifacts(run.id(), "data", out);
      assertEquals(2, got.size());
      assertEquals("bb", Files.readString(out.resolve("sub/b.txt")));
      assertEquals(List.of(out.resolve("one.txt")), tracker.downloadArtifacts(run.id(), "data/a.txt", out.resolve("one.txt")));
      assertEquals("a", Files.readString(out.resolve("one.txt")));
      assertThrows(NotFoundException.class, () -> tracker.downloadArtifacts(run.id(), "missing.txt", out.resolve("m")));
      // a symlink planted inside the store is never followed
      Path runFiles = dir.resolve("store/artifacts").resolve(run.id()).resolve("files");
      Files.createSymbolicLink(runFiles.resolve("planted"), dir);
      assertThrows(InvalidArgumentException.class, () -> run.logText("planted/x.txt", "x"));
      assertFalse(Files.exists(dir.resolve("x.txt")));
    }
  }

  @Test
  @Postgres
  void aUserSuppliedDataSourceServesTheJdbcBackend() {
    javax.sql.DataSource ds = dev.mlops.testkit.PostgresServer.newDataSource();
    try (StorageBackend b = StorageBackend.open("jdbc:postgresql:my-pool", ds); Tracker t = Tracker.builder().storage(b).build()) {
      String id;
      try (ActiveRun run = t.startRun("pooled")) {
        id = run.id();
        run.logMetric("m", 1.5);
      }
      assertEquals(1.5, t.getRun(id).metric("m").orElseThrow());
    }
  }

  @Test
  void memBackendsShareStateByName() {
    String uri = "mem:" + UUID.randomUUID();
    try (StorageBackend a = StorageBackend.open(uri); StorageBackend b = StorageBackend.open(uri);
        Tracker ta = Tracker.builder().storage(a).build(); Tracker tb = Tracker.builder().storage(b).build()) {
      String id;
      try (ActiveRun run = ta.startRun("shared")) {
        id = run.id();
      }
      assertEquals(id, tb.getRun(id).id());
    }
    assertTrue(Validation.MAX_KEY_LENGTH == 250);
  }
}
