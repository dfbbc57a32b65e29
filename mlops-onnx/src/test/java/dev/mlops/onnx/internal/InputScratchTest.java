package dev.mlops.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.onnx.OnnxModel;
import dev.mlops.onnx.OnnxPrediction;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Input tensors are built in a thread's own reused direct buffers, and reuse never mixes one run's inputs into another's. */
class InputScratchTest {
  @Test
  @DisplayName("a thread reuses its buffer per input position; a larger tensor than the limit, or another thread, gets its own")
  void reuse() throws Exception {
    ByteBuffer a = InputLayout.scratch(0, 16);
    assertEquals(0, a.position());
    assertEquals(16, a.limit());
    a.putFloat(0, 42f);
    ByteBuffer again = InputLayout.scratch(0, 32);
    assertSame(a, again, "one buffer per input position while it is large enough");
    assertEquals(32, again.limit());
    assertNotSame(a, InputLayout.scratch(1, 16), "the second input of a run has its own");
    ByteBuffer large = InputLayout.scratch(0, InputLayout.SCRATCH_BYTES + 1L);
    assertNotSame(large, InputLayout.scratch(0, InputLayout.SCRATCH_BYTES + 1L), "above the limit each tensor gets a buffer of its own");
    assertTrue(large.isDirect() && large.capacity() == InputLayout.SCRATCH_BYTES + 1);
    AtomicReference<ByteBuffer> other = new AtomicReference<>();
    Thread t = new Thread(() -> other.set(InputLayout.scratch(0, 16)));
    t.start();
    t.join();
    assertNotSame(InputLayout.scratch(0, 16), other.get(), "threads never share a buffer");
  }

  @Test
  @DisplayName("row by row on one thread, alternating a graph of one input and a graph of one input per feature: each answer is the one the row gets on a thread of its own")
  void alternatingModelsOnOneThreadGiveEachRowsOwnAnswer() throws Exception {
    try (StorageBackend backend = StorageBackend.open("mem:scratch-" + System.nanoTime());
        ModelRegistry registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build()) {
      List<String> features = TestModels.strings(TestModels.json("torch_mlp_logits.golden.json").get("feature_names"));
      ModelVersion logits = registry.register(Registration.of("logits").fromFile(TestModels.file("torch_mlp_logits.onnx")).flavor("onnx")
          .signature(OnnxMapping.features(features).classes(TestModels.strings(TestModels.entry("torch_mlp_logits.onnx").get("class_labels")))
              .signature()));
      // a regressor with one input per feature (named in its metadata), so each run fills several buffers
      ModelVersion perFeature = registry.register(Registration.of("per-feature").fromFile(TestModels.file("torch_mlp_regressor_named_inputs.onnx"))
          .flavor("onnx").signature(OnnxMapping.none().signature()));
      try (OnnxModel a = OnnxModel.load(registry, logits.uri()); OnnxModel b = OnnxModel.load(registry, perFeature.uri())) {
        Random r = new Random(3);
        int rows = 500;
        float[][] x = random(r, rows, a.signature().features().size());
        float[][] y = random(r, rows, b.signature().features().size());
        // the reference: each graph's rows on a fresh thread, one graph after the other
        List<OnnxPrediction> expectedA = new ArrayList<>();
        List<OnnxPrediction> expectedB = new ArrayList<>();
        Thread t = new Thread(() -> {
          for (float[] row : x) {
            expectedA.add(a.predict(row));
          }
        });
        t.start();
        t.join();
        t = new Thread(() -> {
          for (float[] row : y) {
            expectedB.add(b.predict(row));
          }
        });
        t.start();
        t.join();
        List<OnnxPrediction> singleA = new ArrayList<>();
        List<OnnxPrediction> singleB = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
          singleA.add(a.predict(x[i]));
          singleB.add(b.predict(y[i]));
        }
        assertEquals(expectedA, singleA);
        assertEquals(expectedB, singleB);
        assertTrue(singleA.stream().map(OnnxPrediction::label).distinct().count() > 1, "the rows reach more than one class");
        assertTrue(singleB.stream().mapToDouble(OnnxPrediction::value).distinct().count() > rows / 2, "the rows' values differ");
      }
    }
  }

  private static float[][] random(Random r, int rows, int width) {
    float[][] out = new float[rows][width];
    for (float[] row : out) {
      for (int f = 0; f < width; f++) {
        row[f] = (float) (r.nextGaussian() * 3);
      }
    }
    return out;
  }
}
