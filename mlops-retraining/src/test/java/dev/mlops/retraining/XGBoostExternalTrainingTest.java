package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.testkit.ChildJvm;
import dev.mlops.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.xgboost.XGBoostClassificationConverter;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostExternalModel;
import org.tribuo.impl.ArrayExample;

/**
 * XGBoost retrained by an external process: the process writes XGBoost's own model file, which
 * Tribuo's {@link XGBoostExternalModel} wraps with the manifest's feature and class order; the
 * challenger is then a Tribuo model, judged against an XGBoost champion and registered, loaded and
 * served as Tribuo models are.
 */
@ChildJvm
class XGBoostExternalTrainingTest {
  @TempDir
  Path dir;

  /** Reads an XGBoost model file with the features and classes in the order the manifest beside it gives. */
  static Model<Label> readXGBoost(Path file, org.tribuo.Dataset<Label> train) throws Exception {
    JsonNode manifest = new ObjectMapper().readTree(file.resolveSibling("manifest.json").toFile());
    Map<String, Integer> features = new HashMap<>();
    manifest.get("features").forEach(f -> features.put(f.asText(), features.size()));
    Map<Label, Integer> classes = new HashMap<>();
    manifest.get("classes").forEach(c -> classes.put(new Label(c.asText()), classes.size()));
    return XGBoostExternalModel.createXGBoostModel(new LabelFactory(), features, classes, new XGBoostClassificationConverter(), file);
  }

  @Test
  void anXGBoostModelWrittenByAProcessIsPromotedAndLoadsAsATribuoModel() throws Exception {
    try (LoopWorld world = new LoopWorld("xgb", new FakeClock(1_700_000_000_000L))) {
      int champion = world.registry().register(dev.mlops.registry.Registration.of("churn")
          .fromModel(new XGBoostClassificationTrainer(5).train(Fixture.data(1, 400, 0)))).version();
      world.registry().setAlias("churn", "champion", champion);
      ExternalTraining<Label> training = ExternalTraining.builder(XGBoostExternalTrainingTest::readXGBoost)
          .command(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
              XGBoostProcess.class.getName())
          .output("model.xgb").directory(dir).timeout(Duration.ofMinutes(10)).build();
      try (RetrainingLoop<Label> loop = world.loop("xgb-loop").training(training).build()) {
        loop.trigger("new data");
        Retraining r = loop.history().get(0);
        assertEquals(Retraining.State.PROMOTED, r.state(), r.error());
        assertTrue(r.championMetrics().containsKey("accuracy"), "the XGBoost champion was judged on the same holdout");
        assertEquals("0", world.tracker.getRun(r.runId()).tags().get("mlops.external.exit_status"));
        ModelVersion promoted = world.registry().resolve("models:/churn@champion");
        assertEquals(champion + 1, promoted.version());
        assertEquals("tribuo-protobuf", promoted.flavor());
        Model<Label> loaded = world.registry().load("models:/churn@champion", Label.class).model();
        assertTrue(loaded instanceof XGBoostExternalModel, loaded.getClass().getName());
        // the shifted world: "yes" around x1 = 5, "no" around x1 = 1
        assertEquals("yes", loaded.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, Fixture.FEATURES, new double[] {5, 0}))
            .getOutput().getLabel());
        assertEquals("no", loaded.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, Fixture.FEATURES, new double[] {1, 0}))
            .getOutput().getLabel());
      }
    }
  }

  @Test
  void theTwoArgumentFormTrainsOutsideALoop() throws Exception {
    ExternalTraining<Label> training = ExternalTraining.builder(XGBoostExternalTrainingTest::readXGBoost)
        .command(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
            XGBoostProcess.class.getName())
        .output("model.xgb").directory(dir).timeout(Duration.ofMinutes(10)).build();
    Training<Label> asTraining = training; // what a caller holding the interface calls
    Model<Label> m = asTraining.train(Fixture.data(7, 400, 3), new RetrainingContext("by-hand", "try/../1", "none", java.util.List.of(),
        java.util.OptionalInt.empty(), 7, 1_700_000_000_000L));
    assertTrue(m instanceof XGBoostExternalModel, m.getClass().getName());
    assertEquals("yes", m.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, Fixture.FEATURES, new double[] {5, 0})).getOutput().getLabel());
    assertEquals("no", m.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, Fixture.FEATURES, new double[] {1, 0})).getOutput().getLabel());
    assertEquals(1, java.nio.file.Files.readAllLines(dir.resolve("retraining-try_.._1").resolve("holdout.csv")).size(),
        "the holdout file is its header row only, in one directory under the given one whatever the id holds");
  }
}
