package dev.mlops.onnx.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Batching;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointStatus;
import dev.mlops.serving.InputProblem;
import dev.mlops.serving.InvalidInputException;
import dev.mlops.serving.RolloutEvent;
import dev.mlops.serving.RolloutPolicy;
import dev.mlops.serving.Served;
import dev.mlops.testkit.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * ONNX models exported by PyTorch, served through endpoints as a user serves them: the registry's
 * {@code onnx} flavor, {@link OnnxServing#adapter()} on the server, and the endpoint API of Tribuo
 * models (golden outputs, hot swap, canary rollback, input checks, micro-batches, sessions closed).
 */
class OnnxEndpointTest extends OnnxServingFixture {
  static final List<String> IRIS = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
  static final List<String> CLASSES = List.of("setosa", "versicolor", "virginica");

  /** Registers an exporter's file as a version of {@code name}. */
  ModelVersion register(String name, String file, OnnxMapping mapping) {
    return registry.register(Registration.of(name).fromFile(TestModels.file(file)).flavor("onnx").signature(mapping.signature()));
  }

  static void assertClose(double expected, double actual, String what) {
    assertTrue(Math.abs(expected - actual) <= 1e-5 * Math.abs(expected) + 1e-7, what + ": expected " + expected + ", got " + actual);
  }

  static List<Map<String, Object>> goldenRows(String file) {
    return TestModels.rows(TestModels.json(file.replace(".onnx", ".golden.json")));
  }

  static double[][] goldenOutput(String file, String output) {
    JsonNode data = TestModels.json(file.replace(".onnx", ".golden.json")).get("outputs").get(output).get("data");
    double[][] out = new double[data.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonNode row = data.get(i);
      out[i] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        out[i][j] = row.get(j).asDouble();
      }
    }
    return out;
  }

  @Test
  void aPyTorchClassifierAnswersItsGoldenProbabilitiesThroughABatchingEndpointFromFourThreads() throws Exception {
    registry.setAlias("iris", "champion", register("iris", "torch_mlp_classifier.onnx", OnnxMapping.none()).version());
    Endpoint<Label> e = server.endpoint("iris", Label.class).serve("models:/iris@champion").batching(Batching.of(16, Duration.ofMillis(2)))
        .build();
    assertEquals(IRIS, e.featureNames());
    List<Map<String, Object>> rows = goldenRows("torch_mlp_classifier.onnx");
    double[][] probabilities = goldenOutput("torch_mlp_classifier.onnx", "probabilities");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int round = 0; round < 10; round++) {
            for (int i = 0; i < rows.size(); i++) {
              Served<Label> s = e.predict(rows.get(i));
              int best = 0;
              for (int c = 0; c < CLASSES.size(); c++) {
                assertClose(probabilities[i][c], s.scores().get(CLASSES.get(c)), "row " + i + ", " + CLASSES.get(c));
                best = probabilities[i][c] > probabilities[i][best] ? c : best;
              }
              assertEquals(CLASSES.get(best), s.outputText(), "row " + i);
              assertClose(probabilities[i][best], s.score(), "row " + i + "'s score");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, opened.size());
  }

  @Test
  void logitsAreServedAsTheirSoftmaxAndARegressorAsItsValue() {
    registry.setAlias("logits", "champion", register("logits", "torch_mlp_logits.onnx", OnnxMapping.features(IRIS).classes(CLASSES))
        .version());
    Endpoint<Label> e = server.endpoint("logits", Label.class).serve("models:/logits@champion").build();
    List<Map<String, Object>> rows = goldenRows("torch_mlp_logits.onnx");
    double[][] logits = goldenOutput("torch_mlp_logits.onnx", "logits");
    List<Served<Label>> answers = e.predictAll(rows);
    for (int i = 0; i < rows.size(); i++) {
      double max = Math.max(logits[i][0], Math.max(logits[i][1], logits[i][2]));
      double sum = 0;
      for (double l : logits[i]) {
        sum += Math.exp(l - max);
      }
      for (int c = 0; c < 3; c++) {
        assertClose(Math.exp(logits[i][c] - max) / sum, answers.get(i).scores().get(CLASSES.get(c)), "row " + i + ", " + CLASSES.get(c));
      }
    }

    List<String> weather = TestModels.strings(TestModels.json("torch_mlp_regressor.golden.json").get("feature_names"));
    registry.setAlias("weather", "champion", register("weather", "torch_mlp_regressor.onnx", OnnxMapping.features(weather)).version());
    Endpoint<Regressor> r = server.endpoint("weather", Regressor.class).serve("models:/weather@champion")
        .batching(Batching.of(8, Duration.ofMillis(1))).build();
    List<Map<String, Object>> weatherRows = goldenRows("torch_mlp_regressor.onnx");
    double[][] values = goldenOutput("torch_mlp_regressor.onnx", "prediction");
    for (int i = 0; i < weatherRows.size(); i++) {
      Served<Regressor> s = r.predict(weatherRows.get(i));
      assertEquals("prediction", s.output().getNames()[0]);
      assertClose(values[i][0], s.output().getValues()[0], "row " + i);
    }
  }

  @Test
  void requestsAreCheckedAgainstTheGraphsFeaturesAsATribuoModelsAre() {
    registry.setAlias("iris", "champion", register("iris", "torch_mlp_classifier.onnx", OnnxMapping.none()).version());
    Endpoint<Label> e = server.endpoint("iris", Label.class).serve("models:/iris@champion").build();
    InvalidInputException bad = assertThrows(InvalidInputException.class, () -> e.predict(Map.of("sepal_length", 5.0, "sepal_width", 3.0,
        "petal_length", 1.4, "petal_size", 0.2)));
    assertEquals(List.of(InputProblem.Kind.UNKNOWN_FEATURE, InputProblem.Kind.MISSING_FEATURE), bad.problems().stream()
        .map(InputProblem::kind).sorted().toList(), bad.getMessage());
    assertTrue(bad.getMessage().contains("petal_size") && bad.getMessage().contains("petal_width"), bad.getMessage());
    InvalidInputException nan = assertThrows(InvalidInputException.class, () -> e.predict(new double[] {5.0, Double.NaN, 1.4, 0.2}));
    assertEquals(InputProblem.Kind.NON_FINITE, nan.problems().get(0).kind());
    // finite, but beyond float32: an input problem before the graph runs, not a model error
    InvalidInputException huge = assertThrows(InvalidInputException.class, () -> e.predict(Map.of("sepal_length", 1e39, "sepal_width", 3.0,
        "petal_length", 1.4, "petal_width", 0.2)));
    assertEquals(InputProblem.Kind.NON_FINITE, huge.problems().get(0).kind());
    assertTrue(huge.getMessage().contains("float32"), huge.getMessage());
    assertEquals(0, e.describe().variants().get(0).errors(), "no model error was counted");
    assertEquals(Map.of("missing_feature", 1L, "unknown_feature", 1L, "non_finite", 2L), e.inputProblems());
    assertEquals("setosa", e.predict(new double[] {5.1, 3.5, 1.4, 0.2}).outputText(), "the endpoint still answers");
  }

  @Test
  void aClassifierOnARegressorEndpointFailsItsLoadSaysWhyAndIsClosed() {
    registry.setAlias("iris", "champion", register("iris", "torch_mlp_classifier.onnx", OnnxMapping.none()).version());
    Endpoint<Regressor> e = server.endpoint("iris", Regressor.class).serve("models:/iris@champion").build();
    EndpointStatus status = e.describe();
    assertEquals(EndpointStatus.State.FAILED, status.state());
    assertTrue(status.reason().contains("models:/iris/1 produces Label"), status.reason());
    // the alias move's event may bring a second attempt, which fails the same way: every session opened is freed
    Eventually.until(() -> !opened.isEmpty() && opened.stream().allMatch(ServedOnnxModel::isClosed), "the sessions opened for it are freed");
  }

  @Test
  void anAliasMoveHotSwapsWithoutAFailedRequestAndEverySessionIsClosedOnce() throws Exception {
    int probabilities = register("iris", "torch_mlp_classifier.onnx", OnnxMapping.none()).version();
    int logits = register("iris", "torch_mlp_logits.onnx", OnnxMapping.features(IRIS).classes(CLASSES)).version();
    registry.setAlias("iris", "champion", probabilities);
    Endpoint<Label> e = server.endpoint("iris", Label.class).serve("models:/iris@champion").retainVersions(0)
        .batching(Batching.of(8, Duration.ofMillis(1))).build();
    List<Map<String, Object>> rows = goldenRows("torch_mlp_classifier.onnx");
    List<String> expected = e.predictAll(rows).stream().map(Served::outputText).toList();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int t = 0; t < 3; t++) {
        pool.submit(() -> {
          for (int i = 0; !stop.get(); i = (i + 1) % rows.size()) {
            try {
              assertEquals(expected.get(i), e.predict(rows.get(i)).outputText(), "both exports are the same network");
              answered.incrementAndGet();
            } catch (Throwable x) {
              failures.add(x);
            }
          }
        });
      }
      for (int move = 0; move < 10; move++) {
        int to = move % 2 == 0 ? logits : probabilities;
        registry.setAlias("iris", "champion", to);
        assertTrue(e.awaitVersion("champion", to, Eventually.DEFAULT_TIMEOUT), "moved to v" + to);
        int before = answered.get();
        Eventually.until(() -> answered.get() > before + 20, "requests answered by v" + to);
      }
    } finally {
      stop.set(true);
      pool.shutdown();
      assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
    }
    assertEquals(List.of(), failures);
    assertEquals(11, opened.size(), "the first load and one per move");
    // retainVersions(0): every version swapped out is closed once no request uses it
    Eventually.until(() -> opened.subList(0, 10).stream().allMatch(ServedOnnxModel::isClosed), "swapped-out sessions closed");
    assertFalse(opened.get(10).isClosed(), "the serving version is open");
    server.close();
    assertTrue(opened.stream().allMatch(ServedOnnxModel::isClosed), "closing the server closes the serving session");
    assertThrows(IllegalStateException.class, () -> opened.get(10).model.predict(new float[] {5.1f, 3.5f, 1.4f, 0.2f}),
        "its native session is freed");
  }

  @Test
  void aCanaryThatMislabelsIsRolledBackOnLabelledAccuracy() throws Exception {
    int good = register("iris", "torch_mlp_classifier.onnx", OnnxMapping.none()).version();
    // the same logits with the class names in the wrong order: an export whose label mapping is broken
    int broken = register("iris", "torch_mlp_logits.onnx", OnnxMapping.features(IRIS).classes("virginica", "setosa", "versicolor"))
        .version();
    registry.setAlias("iris", "champion", good);
    registry.setAlias("iris", "canary", broken);
    Endpoint<Label> e = server.endpoint("iris", Label.class).serve("models:/iris@champion").canary("models:/iris@canary", 0.3)
        .rollout(RolloutPolicy.builder().window(60).minAccuracyDelta(-0.1, 30).build()).build();
    List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    e.onRollout(events::add);
    List<Map<String, Object>> rows = goldenRows("torch_mlp_classifier.onnx");
    double[][] probabilities = goldenOutput("torch_mlp_classifier.onnx", "probabilities");
    Random r = new Random(3);
    for (int i = 0; i < 3000 && events.isEmpty(); i++) {
      int k = r.nextInt(rows.size());
      Served<Label> s = e.predict(rows.get(k));
      int truth = 0;
      for (int c = 1; c < 3; c++) {
        truth = probabilities[k][c] > probabilities[k][truth] ? c : truth;
      }
      e.feedback(s.requestId(), new Label(CLASSES.get(truth)));
    }
    Eventually.until(() -> !events.isEmpty(), "the policy rolled the canary back");
    assertEquals("accuracy", events.get(0).rule(), events.get(0).toString());
    EndpointStatus.VariantStatus canary = e.describe().variants().get(1);
    assertEquals(0.0, canary.weight());
    assertTrue(canary.accuracy() < 0.2, e.describe().toString());
    for (int i = 0; i < 50; i++) {
      assertEquals(1, e.predict(rows.get(i % rows.size())).version(), "the champion answers everything");
    }
  }

  @Test
  void aVersionThatCannotServeFailsItsLoadAndTheOldVersionKeepsServing() {
    registry.setAlias("iris", "champion", register("iris", "torch_mlp_classifier.onnx", OnnxMapping.none()).version());
    Endpoint<Label> e = server.endpoint("iris", Label.class).serve("models:/iris@champion").build();
    List<String> weather = TestModels.strings(TestModels.json("torch_mlp_regressor.golden.json").get("feature_names"));
    int regressor = register("iris", "torch_mlp_regressor.onnx", OnnxMapping.features(weather)).version();
    registry.setAlias("iris", "champion", regressor);
    // polled rather than awaitVersion, which reports only a failure that ends after it is called
    Eventually.until(() -> e.describe().state() == EndpointStatus.State.DEGRADED, "the load of v" + regressor + " failed");
    assertTrue(e.describe().toString().contains("models:/iris/2 produces Regressor"), e.describe().toString());
    assertEquals(1, e.predict(new double[] {5.1, 3.5, 1.4, 0.2}).version());
  }
}
