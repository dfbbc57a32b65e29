package dev.mlops.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.tracking.internal.TribuoCapture;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.math.optimisers.AdaGrad;

class TribuoTrackingTest {
  static MutableDataset<Label> blobs(long seed, int n) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("blobs", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      boolean pos = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(pos ? "yes" : "no"), new String[] {"x", "y"},
          new double[] {r.nextGaussian() + (pos ? 2 : -2), r.nextGaussian()}));
    }
    return d;
  }

  @Test
  void logModelRecordsParamsDatasetTagsProvenanceAndProtobufWithDigest() throws Exception {
    try (Tracker tracker = Tracker.builder().storage("mem:tribuo-" + System.nanoTime()).build()) {
      MutableDataset<Label> train = blobs(1, 200);
      Model<Label> model = new LogisticRegressionTrainer().train(train);
      LabelEvaluation ev = new LabelEvaluator().evaluate(model, blobs(2, 100));
      String id;
      ArtifactInfo info;
      try (ActiveRun run = tracker.startRun("tribuo")) {
        id = run.id();
        info = run.logModel(model, "model");
        run.logEvaluation(ev, "test_");
      }
      Run r = tracker.getRun(id);
      assertEquals(RunStatus.FINISHED, r.info().status());
      assertEquals("5", r.params().get("epochs"), r.params().toString());
      assertTrue(r.params().keySet().stream().anyMatch(k -> k.startsWith("optimiser.")), r.params().toString());
      assertEquals(200, r.inputs().get(0).dataset().rowCount());
      assertEquals("training", r.inputs().get(0).context());
      assertEquals("4.3.2", r.tags().get("mlops.tribuo.version"));
      assertEquals(info.sha256(), r.tags().get(TribuoCapture.MODEL_SHA256));
      assertEquals(ev.accuracy(), r.metric("test_accuracy").orElseThrow());
      assertEquals(ev.macroAveragedF1(), r.metric("test_macro_f1").orElseThrow());
      assertEquals(ev.AUCROC(new Label("yes")), r.metric("test_auc.yes").orElseThrow());
      assertTrue(r.metric("test_accuracy").orElseThrow() > 0.9);
      byte[] bytes;
      try (InputStream in = tracker.artifacts().open(id, "model/model.tribuo")) {
        bytes = in.readAllBytes();
      }
      assertEquals(info.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
      Model<?> back = Model.deserializeFromStream(new java.io.ByteArrayInputStream(bytes));
      assertEquals(model.getProvenance(), back.getProvenance());
      try (InputStream in = tracker.artifacts().open(id, "model/provenance.json")) {
        assertTrue(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("LogisticRegressionTrainer"));
      }
    }
  }

  @Test
  void aParamThatContradictsTheModelsProvenanceIsRefusedWithAMessageNamingLogModelAndTheRemedy() {
    try (Tracker tracker = Tracker.builder().storage("mem:tribuo-conflict-" + System.nanoTime()).build();
        ActiveRun run = tracker.startRun("tribuo")) {
      run.logParams(Map.of("lr", 0.1, "epochs", 10));
      Model<Label> model = new LogisticRegressionTrainer().train(blobs(1, 50)); // trained for 5 epochs
      var e = org.junit.jupiter.api.Assertions.assertThrows(dev.mlops.api.ConflictException.class,
          () -> run.logModel(model, "model"));
      assertTrue(e.getMessage().startsWith("logModel logs the trainer's provenance as params"), e.getMessage());
      assertTrue(e.getMessage().contains("'epochs'") && e.getMessage().contains("'10'") && e.getMessage().contains("'5'"),
          e.getMessage());
      assertTrue(e.getMessage().contains("Log params the trainer does not record"), e.getMessage());
      assertEquals("10", tracker.getRun(run.id()).params().get("epochs"));
    }
  }

  @Test
  void trainingDataTheCallerDeclaredIsNotListedTwice() {
    try (Tracker tracker = Tracker.builder().storage("mem:tribuo-inputs-" + System.nanoTime()).build();
        ActiveRun run = tracker.startRun("tribuo")) {
      run.logInput(new dev.mlops.api.tracking.Dataset("churn-train", "abc123", "s3://bucket/churn.csv", "", 50),
          dev.mlops.api.tracking.DatasetInput.TRAINING);
      run.logModel(new LogisticRegressionTrainer().train(blobs(1, 50)), "model");
      Run r = tracker.getRun(run.id());
      assertEquals(1, r.inputs().size(), r.inputs().toString());
      assertEquals("churn-train", r.inputs().get(0).dataset().name());
    }
  }

  @Test
  void regressionEvaluationMetrics() {
    RegressionFactory f = new RegressionFactory();
    MutableDataset<Regressor> d = new MutableDataset<>(new SimpleDataSourceProvenance("line", f), f);
    Random r = new Random(3);
    for (int i = 0; i < 200; i++) {
      double x = r.nextDouble();
      d.add(new ArrayExample<>(new Regressor("y", 3 * x + 0.1 * r.nextGaussian()), new String[] {"x"}, new double[] {x}));
    }
    Model<Regressor> m = new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.5), 20, 1L).train(d);
    RegressionEvaluation ev = new RegressionEvaluator().evaluate(m, d);
    Map<String, Double> metrics = TribuoCapture.metrics(ev, "");
    assertEquals(ev.averageRMSE(), metrics.get("rmse"));
    assertEquals(ev.averageMAE(), metrics.get("mae"));
    assertEquals(ev.averageR2(), metrics.get("r2"));
  }

  @Test
  void gridSweepRunsTrialsAsChildrenAndTagsTheBest() {
    try (Tracker tracker = Tracker.builder().storage("mem:sweep-" + System.nanoTime()).build()) {
      MutableDataset<Label> train = blobs(5, 150);
      MutableDataset<Label> test = blobs(6, 100);
      Sweep sweep = Sweep.grid(Map.of("epochs", List.of(1, 3), "seed", List.of(1L, 2L))).objective("accuracy", true).parallelism(2);
      assertEquals(4, sweep.trials().size());
      Sweep.Result res = sweep.run(tracker, "sweep", (params, run) -> {
        var trainer = new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
            new org.tribuo.classification.sgd.objectives.LogMulticlass(), new AdaGrad(1.0, 0.1),
            (Integer) params.get("epochs"), (Long) params.get("seed"));
        run.logMetric("accuracy", new LabelEvaluator().evaluate(trainer.train(train), test).accuracy());
      });
      assertEquals(4, res.trialRunIds().size());
      assertEquals(0, res.failures());
      Run parent = tracker.getRun(res.parentRunId());
      Run best = res.best().orElseThrow();
      assertEquals(best.id(), parent.tags().get(Sweep.BEST_RUN_TAG));
      for (String id : res.trialRunIds()) {
        Run t = tracker.getRun(id);
        assertEquals(parent.id(), t.info().parentRunId());
        assertTrue(t.metric("accuracy").orElseThrow() <= best.metric("accuracy").orElseThrow());
      }
      assertEquals(5, Sweep.random(Map.of("a", List.of(1, 2, 3)), 5, 42).trials().size());
      assertEquals(Sweep.random(Map.of("a", List.of(1, 2, 3)), 5, 42).trials(), Sweep.random(Map.of("a", List.of(1, 2, 3)), 5, 42).trials());
    }
  }
}
