package dev.mlops.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.IntegrityException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OnnxModelTest {
  static final List<String> IRIS = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
  static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");

  private StorageBackend backend;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    backend = StorageBackend.open("mem:onnx-model-" + UUID.randomUUID());
    registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build();
  }

  @AfterEach
  void close() {
    registry.close();
    backend.close();
  }

  ModelVersion register(String name, String file, OnnxMapping mapping) {
    return registry.register(Registration.of(name).fromFile(TestModels.file(file)).flavor("onnx").signature(mapping.signature()));
  }

  ModelVersion logits() {
    return register("iris", "torch_mlp_logits.onnx", OnnxMapping.features(IRIS).classes(SPECIES));
  }

  static Map<String, Object> iris(double a, double b, double c, double d) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("sepal_length", a);
    row.put("sepal_width", b);
    row.put("petal_length", c);
    row.put("petal_width", d);
    return row;
  }

  @Nested
  class Registering {
    @Test
    void storesTheDerivedSignatureAndTheGraphsFactsAsTags() {
      ModelVersion v = register("iris", "torch_mlp_classifier.onnx", OnnxMapping.none());
      assertEquals(List.of(new FeatureSpec("sepal_length", "float"), new FeatureSpec("sepal_width", "float"),
          new FeatureSpec("petal_length", "float"), new FeatureSpec("petal_width", "float")), v.signature().inputs());
      assertEquals(SPECIES, v.signature().outputDomain(), "classes from the graph's metadata_props");
      assertEquals("pytorch 1.13.0", v.tags().get("onnx.producer"));
      assertEquals("ai.onnx 17", v.tags().get("onnx.opsets"));
      assertEquals("8", v.tags().get("onnx.ir_version"));
      assertEquals("classification", v.tags().get("onnx.task"));
      assertEquals("features: float[batch,4]", v.tags().get("onnx.inputs"));
      assertEquals("probabilities: float[N,3] (probabilities), label: int64[N] (label)", v.tags().get("onnx.outputs"));
      assertEquals("onnx", v.flavor());
    }

    @Test
    void keepsTheInputExampleAndRunsTheGraphOnIt() {
      String example = "{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}";
      ModelVersion v = registry.register(Registration.of("iris").fromFile(TestModels.file("torch_mlp_logits.onnx")).flavor("onnx")
          .signature(OnnxMapping.features(IRIS).classes(SPECIES).signature()).inputExample(example));
      assertEquals(example, v.signature().inputExample());

      InvalidArgumentException missing = assertThrows(InvalidArgumentException.class, () -> registry.register(Registration.of("iris")
          .fromFile(TestModels.file("torch_mlp_logits.onnx")).flavor("onnx").signature(OnnxMapping.features(IRIS).classes(SPECIES)
              .signature()).inputExample("{\"sepal_length\": 5.1}")));
      assertTrue(missing.getMessage().startsWith("input example: feature 'sepal_width' = null: is missing"), missing.getMessage());
      InvalidArgumentException notJson = assertThrows(InvalidArgumentException.class, () -> registry.register(Registration.of("iris")
          .fromFile(TestModels.file("torch_mlp_logits.onnx")).flavor("onnx").signature(OnnxMapping.features(IRIS).classes(SPECIES)
              .signature()).inputExample("5.1, 3.5")));
      assertTrue(notJson.getMessage().contains("must be a JSON object of feature values"), notJson.getMessage());
      assertEquals(1, registry.versions("iris").size());
    }

    @Test
    void refusesAMappingThatDoesNotFitTheGraphAndStoresNothing() {
      Map<String, OnnxMapping> misfits = new LinkedHashMap<>();
      misfits.put("graph input 'input' [N, 4] has 4 columns", OnnxMapping.features("a", "b", "c").classes(SPECIES));
      misfits.put("output 'logits' gives 3 class scores per row", OnnxMapping.features(IRIS).classes("setosa", "other"));
      misfits.put("output 'logits' gives several numbers per row: for a classifier, name its classes", OnnxMapping.features(IRIS));
      misfits.put("graph input 'input' is one tensor [N, 4] whose columns have no names", OnnxMapping.none().classes(SPECIES));
      for (Map.Entry<String, OnnxMapping> m : misfits.entrySet()) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> register("iris", "torch_mlp_logits.onnx",
            m.getValue()), m.getKey());
        assertTrue(e.getMessage().contains(m.getKey()), e.getMessage());
      }
      InvalidArgumentException order = assertThrows(InvalidArgumentException.class, () -> register("iris", "torch_mlp_classifier.onnx",
          OnnxMapping.features("sepal_width", "sepal_length", "petal_length", "petal_width")));
      assertTrue(order.getMessage().contains("differ from the graph's metadata_props feature_names"), order.getMessage());
      InvalidArgumentException zip = assertThrows(InvalidArgumentException.class, () -> register("iris",
          "sklearn_logreg_zipmap_str.onnx", OnnxMapping.features(IRIS).classes("setosa", "versicolor", "virginia")));
      assertTrue(zip.getMessage().contains("the graph's ZipMap names its classes [setosa, versicolor, virginica]"), zip.getMessage());
      InvalidArgumentException perFeature = assertThrows(InvalidArgumentException.class, () -> register("weather",
          "torch_mlp_regressor_named_inputs.onnx", OnnxMapping.features("temperature", "humidity", "wind", "pressure")));
      assertTrue(perFeature.getMessage().contains("one input per feature, named [temperature, humidity, wind_speed, pressure]"),
          perFeature.getMessage());
      InvalidArgumentException regressorWithClasses = assertThrows(InvalidArgumentException.class, () -> register("weather",
          "torch_mlp_regressor.onnx", OnnxMapping.features("temperature", "humidity", "wind_speed", "pressure").classes("hot", "cold")));
      assertTrue(regressorWithClasses.getMessage().contains("a classifier needs a label or class score output"),
          regressorWithClasses.getMessage());
      assertTrue(registry.getModel("iris").isEmpty() && registry.getModel("weather").isEmpty(), "nothing was registered");
    }

    @Test
    void namesAZipMapsIntegerClassesInKeyOrder() {
      ModelVersion v = register("species", "sklearn_logreg_zipmap_int_labels_3_5_7.onnx", OnnxMapping.features(IRIS).classes(SPECIES));
      assertEquals(SPECIES, v.signature().outputDomain());
      ModelVersion keys = register("keys", "sklearn_logreg_zipmap_int_labels_3_5_7.onnx", OnnxMapping.features(IRIS));
      assertEquals(List.of("3", "5", "7"), keys.signature().outputDomain());
      var golden = TestModels.json("sklearn_logreg_zipmap_int_labels_3_5_7.golden.json");
      Map<String, String> name = Map.of("3", "setosa", "5", "versicolor", "7", "virginica");
      try (OnnxModel named = OnnxModel.load(registry, v.uri()); OnnxModel byKey = OnnxModel.load(registry, keys.uri())) {
        List<Map<String, Object>> rows = TestModels.rows(golden);
        List<OnnxPrediction> a = named.predictBatch(rows);
        List<OnnxPrediction> b = byKey.predictBatch(rows);
        for (int i = 0; i < rows.size(); i++) {
          assertEquals(name.get(b.get(i).label()), a.get(i).label());
          assertEquals(b.get(i).probabilities().get("5"), a.get(i).probabilities().get("versicolor"));
        }
      }
    }

    @Test
    void mappingNamesAreCheckedWhenGiven() {
      InvalidArgumentException twice = assertThrows(InvalidArgumentException.class, () -> OnnxMapping.features("a", "b", "a"));
      assertTrue(twice.getMessage().contains("'a' appears twice"), twice.getMessage());
      assertThrows(InvalidArgumentException.class, () -> OnnxMapping.features("a", " "));
      assertThrows(InvalidArgumentException.class, () -> OnnxMapping.features("a").classes("x", null));
    }
  }

  @Nested
  class Predicting {
    @Test
    void refusesRowsThatDoNotFitTheSignatureNamingFieldValueAndRule() {
      try (OnnxModel m = OnnxModel.load(registry, logits().uri())) {
        Map<String, Object> typo = iris(5.1, 3.5, 1.4, 0.2);
        typo.put("sepal_lenght", typo.remove("sepal_length"));
        assertMessage("feature = 'sepal_lenght': is not a feature of the model; its features are " + IRIS, () -> m.predict(typo));
        Map<String, Object> missing = iris(5.1, 3.5, 1.4, 0.2);
        missing.remove("petal_width");
        assertMessage("feature 'petal_width' = null: is missing", () -> m.predict(missing));
        assertMessage("feature 'sepal_width' = NaN: must be finite", () -> m.predict(iris(5.1, Double.NaN, 1.4, 0.2)));
        assertMessage("feature 'petal_length' = Infinity: must be finite", () -> m.predict(iris(5.1, 3.5, Double.POSITIVE_INFINITY, 0.2)));
        assertMessage("feature 'sepal_length' = 1.0E39: is outside float32's range", () -> m.predict(iris(1e39, 3.5, 1.4, 0.2)));
        Map<String, Object> text = iris(5.1, 3.5, 1.4, 0.2);
        text.put("sepal_width", "3.5");
        assertMessage("feature 'sepal_width' = '3.5': must be a number, not String", () -> m.predict(text));
        assertMessage("row 1, feature 'petal_width' = NaN: must be finite",
            () -> m.predictBatch(List.of(iris(5.1, 3.5, 1.4, 0.2), iris(5.1, 3.5, 1.4, Double.NaN))));
        assertMessage("row = '3 values': must hold the model's 4 features in order " + IRIS, () -> m.predict(new float[] {1, 2, 3}));
        assertMessage("row 0, feature 'sepal_length' = NaN: must be finite", () -> m.predictBatch(new float[][] {{Float.NaN, 1, 1, 1}}));
        assertEquals(m.predict(iris(5.1, 3.5, 1.4, 0.2)), m.predict(Map.of("sepal_length", 5.1f, "sepal_width", 3.5f,
            "petal_length", 1.4f, "petal_width", 0.2f)), "any Number is accepted");
        assertEquals(List.of(), m.predictBatch(List.of()));
      }
    }

    @Test
    void checksEachInputsOwnTypeWhenTheGraphTakesOneInputPerFeature() {
      ModelVersion v = register("mixed", "mixed_inputs_regressor.onnx", OnnxMapping.none());
      try (OnnxModel m = OnnxModel.load(registry, v.uri())) {
        assertEquals(List.of(new FeatureSpec("colour", "string"), new FeatureSpec("size", "float"), new FeatureSpec("count", "int64")),
            m.signature().features());
        assertEquals(2 * 1.5 + 0.5 * 4 + 2, m.predict(Map.of("colour", "blue", "size", 1.5, "count", 4)).value(), 1e-6);
        assertEquals(2 * 1.5 + 0.5 * 4 + 2, m.predict(Map.of("colour", "blue", "size", 1.5, "count", 4.0)).value(), 1e-6,
            "a whole double is an int64");
        assertMessage("feature 'count' = 2.5: must be a whole number", () -> m.predict(Map.of("colour", "red", "size", 1.0, "count", 2.5)));
        assertMessage("feature 'colour' = 3: must be a string", () -> m.predict(Map.of("colour", 3, "size", 1.0, "count", 2)));
        assertMessage("rows = 'float arrays': the model takes string features", () -> m.predict(new float[] {1, 2, 3}));
      }
    }

    @Test
    void manyThreadsPredictAtOnceAndGetWhatOneThreadGets() throws Exception {
      Random random = new Random(7);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        rows.add(iris(4 + 4 * random.nextDouble(), 2 + 2 * random.nextDouble(), 1 + 6 * random.nextDouble(), 2.5 * random.nextDouble()));
      }
      try (OnnxModel m = OnnxModel.load(registry, register("iris", "sklearn_logreg_zipmap_str.onnx",
          OnnxMapping.features(IRIS)).uri())) {
        Map<Integer, OnnxPrediction> expected = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
          expected.put(i, m.predict(rows.get(i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
          List<Future<List<String>>> results = new ArrayList<>();
          for (int t = 0; t < 4; t++) {
            int offset = t;
            results.add(pool.submit(() -> {
              start.await();
              List<String> wrong = new ArrayList<>();
              for (int k = 0; k < 500; k++) {
                int i = (k * 7 + offset * 13) % rows.size();
                OnnxPrediction p = k % 5 == 0 ? m.predictBatch(List.of(rows.get(i), rows.get((i + 1) % rows.size()))).get(0)
                    : m.predict(rows.get(i));
                if (!p.label().equals(expected.get(i).label()) || !close(p.probabilities(), expected.get(i).probabilities())) {
                  wrong.add("row " + i + ": " + p + " instead of " + expected.get(i));
                }
              }
              return wrong;
            }));
          }
          start.countDown();
          for (Future<List<String>> f : results) {
            List<String> wrong = f.get(5, TimeUnit.MINUTES);
            assertTrue(wrong.isEmpty(), wrong.size() + " wrong predictions, first " + (wrong.isEmpty() ? "" : wrong.get(0)));
          }
        } finally {
          pool.shutdownNow();
        }
      }
    }

    private static boolean close(Map<String, Double> a, Map<String, Double> b) {
      for (Map.Entry<String, Double> e : a.entrySet()) {
        if (Math.abs(e.getValue() - b.get(e.getKey())) > 1e-6) {
          return false;
        }
      }
      return a.keySet().equals(b.keySet());
    }

    @Test
    void aRegressorHasAValueAndNoLabel() {
      ModelVersion v = register("weather", "torch_mlp_regressor.onnx", OnnxMapping.features("temperature", "humidity", "wind_speed",
          "pressure"));
      try (OnnxModel m = OnnxModel.load(registry, v.uri())) {
        OnnxPrediction p = m.predict(new float[] {20, 0.5f, 5, 1013});
        assertFalse(p.isClassification());
        assertTrue(Double.isFinite(p.value()));
        assertEquals(Map.of(), p.scores());
        assertThrows(IllegalStateException.class, p::label);
        assertEquals(OnnxSignature.Task.REGRESSION, m.signature().task());
      }
    }

    @Test
    void logitsAreScoresNotProbabilities() {
      try (OnnxModel m = OnnxModel.load(registry, logits().uri())) {
        OnnxPrediction p = m.predict(iris(5.1, 3.5, 1.4, 0.2));
        assertFalse(p.hasProbabilities());
        assertEquals(Map.of(), p.probabilities());
        assertEquals(SPECIES, List.copyOf(p.scores().keySet()));
        String best = p.scores().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertEquals(best, p.label(), "the label is the arg max of the scores");
        assertThrows(IllegalStateException.class, p::value);
      }
    }
  }

  @Nested
  class Loading {
    @Test
    void eachLoadIsTheCallersOwnSessionClosingOneLeavesTheOthers() {
      ModelVersion v = logits();
      registry.setAlias("iris", "live", v.version());
      OnnxModel first = OnnxModel.load(registry, "models:/iris@live");
      try (OnnxModel second = OnnxModel.load(registry, "models:/iris@live")) {
        assertNotSame(first, second);
        first.close();
        first.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> first.predict(iris(5.1, 3.5, 1.4, 0.2)));
        assertTrue(closed.getMessage().contains("models:/iris/1 is closed"), closed.getMessage());
        assertEquals("setosa", second.predict(iris(5.1, 3.5, 1.4, 0.2)).label(), "the other caller's model still predicts");
        try (OnnxModel third = OnnxModel.load(registry, "models:/iris@live")) {
          assertEquals("setosa", third.predict(iris(5.1, 3.5, 1.4, 0.2)).label(), "a later load is open");
          assertEquals(v, third.version().orElseThrow());
        }
      }
    }

    @Test
    void theBytesAreCheckedAgainstTheRegisteredDigestBeforeEveryLoad() {
      ModelVersion v = logits();
      OnnxModel.load(registry, v.uri()).close();
      byte[] other = TestModels.json("models.json").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      backend.store(ArtifactStore.class).put("registry", "blobs/" + v.sha256(), new ByteArrayInputStream(other));
      IntegrityException e = assertThrows(IntegrityException.class, () -> OnnxModel.load(registry, v.uri()));
      assertTrue(e.getMessage().contains(v.sha256()), e.getMessage());
    }

    @Test
    void aVersionOfAnotherFlavorIsNotAnOnnxModel() {
      ModelVersion v = registry.register(Registration.of("bytes").fromFile(TestModels.file("torch_mlp_logits.onnx")).flavor("generic"));
      assertThrows(InvalidArgumentException.class, () -> OnnxModel.load(registry, v.uri()));
    }
  }

  static void assertMessage(String expectedStart, org.junit.jupiter.api.function.Executable call) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(expectedStart), "expected '" + expectedStart + "...', got: " + e.getMessage());
  }
}
