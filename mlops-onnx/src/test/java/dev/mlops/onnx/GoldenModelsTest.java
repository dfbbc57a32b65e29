package dev.mlops.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model a real exporter made (PyTorch, Tribuo, the scikit-learn classifier layout, onnx's
 * helpers) predicts through the registry as a user calls it (register with its mapping, load,
 * predict) what the exporter's own framework computed, within float32 tolerance (1e-5 relative,
 * 1e-7 absolute near 0).
 */
class GoldenModelsTest {
  private StorageBackend backend;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    backend = StorageBackend.open("mem:onnx-golden-" + UUID.randomUUID());
    registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build();
  }

  @AfterEach
  void close() {
    registry.close();
    backend.close();
  }

  static Stream<String> models() {
    return TestModels.manifest().stream().filter(e -> e.get("expect").asText().equals("ok")).map(e -> e.get("file").asText());
  }

  @Test
  void everyExporterIsCovered() {
    List<String> files = models().toList();
    assertEquals(12, files.size(), files.toString());
    for (String prefix : List.of("torch_", "tribuo_", "sklearn_", "mixed_")) {
      assertTrue(files.stream().anyMatch(f -> f.startsWith(prefix)), prefix);
    }
  }

  /** What the registration gives: only what the graph does not say itself. */
  static OnnxMapping mapping(String file) {
    JsonNode golden = TestModels.json(file.replace(".onnx", ".golden.json"));
    List<String> features = TestModels.strings(golden.get("feature_names"));
    if (file.startsWith("tribuo_")) {
      OnnxMapping m = OnnxMapping.features(features);
      if (golden.has("class_index")) {
        String[] classes = new String[golden.get("class_index").size()];
        golden.get("class_index").fields().forEachRemaining(e -> classes[e.getValue().asInt()] = e.getKey());
        m = m.classes(classes);
      }
      return m;
    }
    if (file.startsWith("sklearn_")) {
      return OnnxMapping.features(features);  // an unnamed tensor in; the ZipMap names the classes
    }
    return switch (file) {
      // an unnamed tensor in, logits out, no metadata: everything is given
      case "torch_mlp_logits.onnx" -> OnnxMapping.features(features).classes(TestModels.strings(TestModels.entry(file).get("class_labels")));
      case "torch_mlp_regressor.onnx" -> OnnxMapping.features(features);
      // metadata_props names the features and classes; inputs per feature name themselves
      default -> OnnxMapping.none();
    };
  }

  @ParameterizedTest
  @MethodSource("models")
  void predictionsThroughTheRegistryEqualTheExportersOwn(String file) {
    JsonNode golden = TestModels.json(file.replace(".onnx", ".golden.json"));
    String name = file.replace(".onnx", "").replace('_', '-');
    ModelVersion v = registry.register(Registration.of(name).fromFile(TestModels.file(file)).flavor("onnx")
        .signature(mapping(file).signature()));
    List<Map<String, Object>> rows = TestModels.rows(golden);
    try (OnnxModel model = OnnxModel.load(registry, "models:/" + name + "/" + v.version())) {
      List<OnnxPrediction> batch = model.predictBatch(rows);
      assertEquals(rows.size(), batch.size());
      check(file, golden, model.signature(), batch);
      List<OnnxPrediction> single = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        single.add(model.predict(row));
      }
      check(file + " (row by row)", golden, model.signature(), single);
      if (rows.get(0).values().stream().allMatch(x -> x instanceof Number)) {
        float[][] arrays = new float[rows.size()][];
        for (int i = 0; i < arrays.length; i++) {
          arrays[i] = new float[model.signature().features().size()];
          for (int f = 0; f < arrays[i].length; f++) {
            arrays[i][f] = ((Number) rows.get(i).get(model.signature().featureNames().get(f))).floatValue();
          }
        }
        assertEquals(batch, model.predictBatch(arrays), "float arrays in feature order give the same predictions as maps");
      }
    }
  }

  private static void check(String what, JsonNode golden, OnnxSignature signature, List<OnnxPrediction> predictions) {
    List<String> classes = signature.classes();
    Iterator<Map.Entry<String, JsonNode>> outputs = golden.get("outputs").fields();
    int compared = 0;
    while (outputs.hasNext()) {
      Map.Entry<String, JsonNode> out = outputs.next();
      JsonNode expected = out.getValue();
      JsonNode data = expected.get("data");
      for (int i = 0; i < predictions.size(); i++) {
        OnnxPrediction p = predictions.get(i);
        String at = what + " output " + out.getKey() + " row " + i;
        if (expected.get("kind").asText().equals("seq_map")) {
          Iterator<Map.Entry<String, JsonNode>> probs = data.get(i).fields();
          while (probs.hasNext()) {
            Map.Entry<String, JsonNode> e = probs.next();
            close(e.getValue().asDouble(), p.probabilities().get(e.getKey()), at + " class " + e.getKey());
            compared++;
          }
        } else if (expected.get("dtype").asText().equals("float32") && signature.task() == OnnxSignature.Task.REGRESSION) {
          JsonNode row = data.get(i);
          close((row.isArray() ? row.get(0) : row).asDouble(), p.value(), at);
          compared++;
        } else if (expected.get("dtype").asText().equals("float32")) {
          for (int c = 0; c < classes.size(); c++) {
            close(data.get(i).get(c).asDouble(), p.scores().get(classes.get(c)), at + " class " + classes.get(c));
            compared++;
          }
        } else {
          // a label output: an index into the classes (PyTorch's ArgMax) or the class itself (scikit-learn's labels)
          String label = data.get(i).isIntegralNumber() && !golden.get("outputs").has("output_probability")
              ? classes.get(data.get(i).asInt()) : data.get(i).asText();
          assertEquals(label, p.label(), at);
          compared++;
        }
      }
    }
    if (golden.has("expected_labels")) {
      for (int i = 0; i < predictions.size(); i++) {
        assertEquals(golden.get("expected_labels").get(i).asText(), predictions.get(i).label(), what + " Tribuo's label, row " + i);
        compared++;
      }
    }
    assertTrue(compared >= predictions.size(), what + ": compared " + compared + " values");
  }

  private static void close(double expected, Double actual, String at) {
    assertTrue(actual != null, at + ": no value");
    double d = Math.abs(expected - actual);
    assertTrue(d <= 1e-5 * Math.max(Math.abs(expected), Math.abs(actual)) || d <= 1e-7,
        at + ": expected " + expected + ", got " + actual + " (relative difference " + d / Math.abs(expected) + ")");
  }

  @Test
  void theSignatureSaysWhatEachOutputIs() {
    Map<String, String> expected = Map.of(
        "torch_mlp_classifier.onnx", "CLASSIFICATION probabilities=true [probabilities PROBABILITIES, label LABEL]",
        "torch_mlp_logits.onnx", "CLASSIFICATION probabilities=false [logits SCORES]",
        "sklearn_logreg_zipmap_str.onnx", "CLASSIFICATION probabilities=true [output_label LABEL, output_probability PROBABILITIES]",
        "tribuo_fm_classifier.onnx", "CLASSIFICATION probabilities=true [output PROBABILITIES]",
        "torch_mlp_regressor_named_inputs.onnx", "REGRESSION probabilities=false [prediction VALUE]",
        "mixed_inputs_regressor.onnx", "REGRESSION probabilities=false [value VALUE]");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String name = e.getKey().replace(".onnx", "").replace('_', '-');
      ModelVersion v = registry.register(Registration.of(name).fromFile(TestModels.file(e.getKey())).flavor("onnx")
          .signature(mapping(e.getKey()).signature()));
      try (OnnxModel model = OnnxModel.load(registry, v.uri())) {
        OnnxSignature s = model.signature();
        assertEquals(e.getValue(), s.task() + " probabilities=" + s.probabilities() + " "
            + s.outputs().stream().map(o -> o.name() + " " + o.role()).toList(), e.getKey());
      }
    }
  }
}
