package dev.mlops.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.Slow;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime has no cleaner: a session, tensor, result or ZipMap entry not closed stays in native
 * memory until the process ends. These tests repeat what a service does many times and check
 * that the process's resident memory outside the Java heap stops growing once warm: generous bounds, about leaks,
 * not speed.
 */
// measures the process's resident memory: no other test class runs beside it
@org.junit.jupiter.api.parallel.Isolated
@Slow
class NativeMemoryTest {
  private static final long MB = 1 << 20;

  private StorageBackend backend;
  private ModelRegistry registry;
  private ModelVersion zipMap;
  private List<Map<String, Object>> rows;

  @BeforeEach
  void open() {
    backend = StorageBackend.open("mem:onnx-memory-" + UUID.randomUUID());
    registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build();
    zipMap = registry.register(Registration.of("iris").fromFile(TestModels.file("sklearn_logreg_zipmap_str.onnx")).flavor("onnx")
        .signature(OnnxMapping.features(OnnxModelTest.IRIS).signature()));
    rows = TestModels.rows(TestModels.json("sklearn_logreg_zipmap_str.golden.json"));
  }

  @AfterEach
  void close() {
    registry.close();
    backend.close();
  }

  @Test
  void loadingPredictingAndClosingAThousandSessionsDoesNotGrowResidentMemory() throws IOException {
    for (int i = 0; i < 200; i++) {
      cycle();
    }
    long warm = TestModels.residentBytesOutsideHeap();
    for (int i = 0; i < 1_000; i++) {
      cycle();
    }
    long after = TestModels.residentBytesOutsideHeap();
    assertTrue(after - warm < 48 * MB, "1,000 sessions loaded, used and closed: resident memory outside the heap " + warm / MB + " MB when warm, "
        + after / MB + " MB after");
  }

  private void cycle() {
    try (OnnxModel model = OnnxModel.load(registry, zipMap.uri())) {
      assertEquals(rows.size(), model.predictBatch(rows).size());
    }
  }

  /** Each row of a ZipMap output is a native map of its own: left open, 20,000 batches of 20 rows keep about 170 MB. */
  @Test
  void predictingTwentyThousandZipMapBatchesDoesNotGrowResidentMemory() throws IOException {
    try (OnnxModel model = OnnxModel.load(registry, zipMap.uri())) {
      for (int i = 0; i < 10_000; i++) {
        model.predictBatch(rows);
      }
      long warm = TestModels.residentBytesOutsideHeap();
      for (int i = 0; i < 20_000; i++) {
        model.predictBatch(rows);
      }
      long after = TestModels.residentBytesOutsideHeap();
      assertTrue(after - warm < 64 * MB, "20,000 batches of 20 rows through a ZipMap model: resident memory outside the heap " + warm / MB
          + " MB when warm, " + after / MB + " MB after");
    }
  }
}
