package dev.mlops.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.LargeOnnxModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit's MLP writer, which the benchmarks use for models wider than the bundled ones: the
 * file it writes registers, loads and computes what its javadoc says, {@code max(0, mean(input))},
 * one row at a time and as a batch.
 */
class WrittenMlpTest {
  @TempDir
  Path dir;

  @Test
  void aWrittenMlpComputesTheMeanOfItsInputsThroughTheRegistry() {
    int features = 24;
    Path file = dir.resolve("mlp.onnx");
    LargeOnnxModel.writeMlp(file, features, new int[] {32, 16}, 1);
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= features; i++) {
      names.add("x" + i);
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage("file:" + dir.resolve("store")).flavor(OnnxFlavor.create()).build()) {
      ModelVersion v = registry.register(Registration.of("mlp").fromFile(file).flavor("onnx")
          .signature(OnnxMapping.features(names).signature()));
      try (OnnxModel model = OnnxModel.load(registry, v.uri())) {
        Random r = new Random(11);
        float[][] rows = new float[40][features];
        for (float[] row : rows) {
          for (int f = 0; f < features; f++) {
            row[f] = (float) (r.nextGaussian() + 0.2);
          }
        }
        List<OnnxPrediction> batch = model.predictBatch(rows);
        for (int i = 0; i < rows.length; i++) {
          double mean = 0;
          for (float x : rows[i]) {
            mean += x;
          }
          double expected = Math.max(0, mean / features);
          assertEquals(expected, model.predict(rows[i]).value(), 1e-5 + 1e-5 * expected, "row " + i + " alone");
          assertEquals(expected, batch.get(i).value(), 1e-5 + 1e-5 * expected, "row " + i + " in a batch of " + rows.length);
        }
      }
    }
  }

  @Test
  void aLayerWithoutUnitsIsRefusedNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LargeOnnxModel.writeMlp(dir.resolve("bad.onnx"), 4, new int[] {8, 0}, 1));
    assertTrue(e.getMessage().contains("hidden layer 2 has 0 units"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LargeOnnxModel.writeMlp(dir.resolve("bad.onnx"), 4, new int[0], 1));
  }
}
