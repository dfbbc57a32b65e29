package dev.mlops.onnx.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.tracking.Run;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.onnx.OnnxModel;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.retraining.Blessing;
import dev.mlops.retraining.ExternalTraining;
import dev.mlops.retraining.MetricThreshold;
import dev.mlops.retraining.Retraining;
import dev.mlops.retraining.RetrainingLoop;
import dev.mlops.retraining.Rollout;
import dev.mlops.retraining.TrainingData;
import dev.mlops.testkit.ChildJvm;
import dev.mlops.testkit.Eventually;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * An ONNX champion retrained by an external process, as a user meets it: the loop writes the rows
 * to CSV files with a manifest, runs the process, reads the ONNX file it wrote, judges it against
 * the ONNX champion on the same holdout and moves the alias; a process that fails, hangs, writes
 * nothing, writes garbage, or writes a model of other features leaves the champion serving.
 */
class ExternalRetrainingTest {
  private static final String[] FEATURES = {"x1", "x2"};
  /** Where the shell-script processes run: a name with spaces, quotes and non-ASCII characters. */
  private static final String WORK = "work dir \"ü\" 模型 'q' $HOME";

  @TempDir
  Path dir;
  private StorageBackend backend;
  private Tracker tracker;
  private ModelRegistry registry;
  private int champion;

  @BeforeEach
  void open() throws IOException {
    backend = StorageBackend.open("mem:external-retraining-" + UUID.randomUUID());
    tracker = Tracker.builder().storage(backend).build();
    registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build();
    Path file = dir.resolve("champion.onnx");
    ExternalTrainer.export(new LogisticRegressionTrainer().train(world(1, 400, 0)), file);
    champion = registry.register(Registration.of("churn").fromFile(file).flavor("onnx")).version();
    registry.setAlias("churn", "champion", champion);
  }

  @AfterEach
  void close() {
    tracker.close();
    registry.close();
    backend.close();
  }

  /** Label "yes" around x1 = shift + 2, "no" around shift - 2. */
  static MutableDataset<Label> world(long seed, int rows, double shift) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("world shifted by " + shift, f), f);
    Random r = new Random(seed);
    for (int i = 0; i < rows; i++) {
      boolean yes = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(yes ? "yes" : "no"), FEATURES, new double[] {r.nextGaussian() + shift + (yes ? 2 : -2), r.nextGaussian()}));
    }
    return d;
  }

  /** One retraining of {@code churn@champion} on the shifted world, trained by {@code training}; its record. */
  private Retraining retrain(ExternalTraining<Label> training) throws InterruptedException {
    // a loop of its own per retraining: a second one on the same loop would wait out the first one's cooldown
    try (RetrainingLoop<Label> loop = RetrainingLoop.builder("churn-loop-" + UUID.randomUUID(), Label.class).tracker(tracker).registry(registry)
        .model("churn").executor(Runnable::run).pollInterval(Duration.ZERO).rollout(Rollout.moveAlias())
        .data(ctx -> TrainingData.of(world(7, 400, 3), Map.of("source", "shifted world")))
        .training(training).loader("onnx", OnnxRetraining.loader())
        .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.01).atLeast(0.7)))
        .build()) {
      loop.trigger("new data");
      assertTrue(loop.awaitIdle(Eventually.DEFAULT_TIMEOUT));
      List<Retraining> history = loop.history();
      assertEquals(1, history.size(), history.toString());
      return history.get(0);
    }
  }

  private ExternalTraining.Builder<Label> external(String... command) {
    return ExternalTraining.builder(OnnxRetraining.<Label>reader(OnnxFlavor.create(), OnnxMapping.none())).command(command)
        .directory(dir.resolve(WORK)).timeout(Duration.ofMinutes(5));
  }

  private Run run(Retraining r) {
    return tracker.getRun(r.runId());
  }

  private void assertChampionUntouched() {
    assertEquals(champion, registry.resolve("models:/churn@champion").version());
  }

  @Test
  @ChildJvm
  @DisplayName("a JVM process in a directory with spaces and non-ASCII characters trains the challenger; it is judged against the ONNX champion and promoted")
  void aProcessTrainsTheChallengerAndItIsPromoted() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path base = dir.resolve("models dir ü ñ 模型 'quoted'");
    ExternalTraining<Label> training = ExternalTraining.builder(OnnxRetraining.<Label>reader(OnnxFlavor.create(), OnnxMapping.none()))
        .command(java.toString(), "-cp", System.getProperty("java.class.path"), ExternalTrainer.class.getName())
        .directory(base).timeout(Duration.ofMinutes(10)).build();
    Retraining r = retrain(training);
    assertEquals(Retraining.State.PROMOTED, r.state(), r.error());
    ModelVersion promoted = registry.resolve("models:/churn@champion");
    assertEquals(champion + 1, promoted.version());
    assertEquals("onnx", promoted.flavor());
    assertEquals(List.of("x1", "x2"), promoted.signature().inputs().stream().map(f -> f.name()).sorted().toList());
    // judged against the champion on the same holdout: the champion's world moved by 3, so it lost
    assertTrue(r.challengerMetrics().get("accuracy") > 0.9, r.challengerMetrics().toString());
    assertTrue(r.championMetrics().get("accuracy") < r.challengerMetrics().get("accuracy"), r.championMetrics().toString());
    try (OnnxModel served = OnnxModel.load(registry, "models:/churn@champion")) {
      assertEquals("yes", served.predict(Map.of("x1", 5.0, "x2", 0.0)).label());
      assertEquals("no", served.predict(Map.of("x1", 1.0, "x2", 0.0)).label());
    }
    Run run = run(r);
    Path work = base.resolve("retraining-" + r.id());
    assertEquals("0", run.tags().get("mlops.external.exit_status"));
    assertEquals(promoted.sha256(), run.tags().get("mlops.external.model_sha256"), "the registered bytes are the file the process wrote");
    assertEquals(ExternalTrainer.sha256(Files.readAllBytes(work.resolve("train.csv"))), run.tags().get("mlops.external.train_sha256"));
    assertEquals(ExternalTrainer.sha256(Files.readAllBytes(work.resolve("holdout.csv"))), run.tags().get("mlops.external.holdout_sha256"));
    assertTrue(run.params().get("external.command").contains(ExternalTrainer.class.getName()), run.params().toString());
    assertTrue(run.tags().get("mlops.external.stderr_tail").contains("trained on 320 rows of [\"x1\",\"x2\"]"), run.tags().toString());
    assertNotNull(run.tags().get("mlops.external.duration_ms"));
    String header = Files.readAllLines(work.resolve("train.csv")).get(0);
    assertEquals("x1,x2,label", header);
  }

  @Test
  @DisplayName("a process that exits with a non-zero status fails the retraining with its status and standard error")
  void aNonZeroExitFails() throws Exception {
    Retraining r = retrain(external("sh", "-c", "echo 'boom: the label column is empty' >&2; exit 3").build());
    assertEquals(Retraining.State.FAILED, r.state());
    assertTrue(r.error().contains("exited with status 3") && r.error().contains("boom: the label column is empty"), r.error());
    assertEquals("3", run(r).tags().get("mlops.external.exit_status"));
    assertChampionUntouched();
    assertEquals(1, registry.versions("churn").size());
  }

  @Test
  @DisplayName("a command that cannot start fails the retraining saying so")
  void aCommandThatCannotStartFails() throws Exception {
    Retraining r = retrain(external(dir.resolve("no such program").toString()).build());
    assertEquals(Retraining.State.FAILED, r.state());
    assertTrue(r.error().contains("could not start"), r.error());
    assertEquals("not started", run(r).tags().get("mlops.external.exit_status"));
    assertChampionUntouched();
  }

  @Test
  @DisplayName("a process that runs past its timeout is killed with its children and fails the retraining")
  void aHangingProcessIsKilled() throws Exception {
    // the shell and its child block opening a FIFO nobody writes: they never end on their own
    Retraining r = retrain(external("sh", "-c", "echo $$ > shell.pid; mkfifo never; cat never & echo $! > child.pid; wait")
        .timeout(Duration.ofSeconds(3)).build());
    assertEquals(Retraining.State.FAILED, r.state());
    assertTrue(r.error().contains("ran past its timeout of 3000 ms and was killed"), r.error());
    assertEquals("killed after its timeout", run(r).tags().get("mlops.external.exit_status"));
    Path work = dir.resolve(WORK).resolve("retraining-" + r.id());
    for (String pidFile : List.of("shell.pid", "child.pid")) {
      long pid = Long.parseLong(Files.readString(work.resolve(pidFile)).trim());
      Eventually.until(() -> !running(pid), "process " + pid + " (" + pidFile + ") ended");
    }
    assertChampionUntouched();
  }

  @Test
  @DisplayName("a process that writes no model file, or one that is not an ONNX model, fails the retraining")
  void missingOrCorruptOutputFails() throws Exception {
    Retraining none = retrain(external("sh", "-c", "echo done").build());
    assertEquals(Retraining.State.FAILED, none.state());
    assertTrue(none.error().contains("wrote no model file"), none.error());
    Retraining corrupt = retrain(external("sh", "-c", "printf 'not an onnx model' > \"$MLOPS_OUTPUT\"").build());
    assertEquals(Retraining.State.FAILED, corrupt.state());
    assertTrue(corrupt.error().contains("could not be read"), corrupt.error());
    assertEquals(ExternalTrainer.sha256("not an onnx model"), run(corrupt).tags().get("mlops.external.model_sha256"));
    assertChampionUntouched();
    assertEquals(1, registry.versions("churn").size());
  }

  @Test
  @DisplayName("a model that takes other features than the champion's fails the retraining before it is judged")
  void aSignatureThatDoesNotMatchTheChampionsFails() throws Exception {
    Path other = dir.resolve("other features.onnx");
    ExternalTrainer.export(new LogisticRegressionTrainer().train(world(3, 200, 3)), other, "tenure", "calls");
    Retraining r = retrain(external("sh", "-c", "cp \"$0\" \"$MLOPS_OUTPUT\"", other.toString()).build());
    assertEquals(Retraining.State.FAILED, r.state());
    assertTrue(r.error().contains("does not match the champion's (v1)") && r.error().contains("[calls, tenure]"), r.error());
    assertFalse(r.blessingDecision().isPresent());
    assertChampionUntouched();
  }

  /** Whether a process runs: a zombie (killed, not yet reaped by its new parent) does not. */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
