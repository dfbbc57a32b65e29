package dev.mlops.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.LargeOnnxModel;
import dev.mlops.testkit.Slow;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Broken and hostile models are refused at registration with their reason, and the store keeps nothing of them. */
class HostileModelsTest {
  @TempDir
  Path dir;
  private StorageBackend backend;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    backend = StorageBackend.open("file:" + dir.resolve("store"));
    registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build();
  }

  @AfterEach
  void close() {
    registry.close();
    backend.close();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "hostile_truncated.onnx          | is not a readable ONNX model: truncated or corrupt file: a field of 2791 bytes at byte 20 runs past the end",
      "hostile_custom_op.onnx          | uses operator com.example.custom:FancyScore, which ONNX Runtime 1.29.0 does not have",
      "hostile_future_opset.onnx       | imports opset 99 of domain ai.onnx, which ONNX Runtime 1.29.0 does not have (it supports that domain up to opset 26)",
      "hostile_wrong_output_shape.onnx | ONNX graph output = 'scores: float[?,2]': computes shape [2, 3] on 2 example rows, not the declared one",
      "hostile_external_data.onnx      | keep their weights in external files",
  })
  void isRefusedWithItsReasonAndNothingIsStored(String file, String reason) throws Exception {
    Path path = TestModels.file(file);
    int auditBefore = registry.audit().size();
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> registry.register(Registration.of("hostile")
        .fromFile(path).flavor("onnx").signature(OnnxMapping.features("a", "b", "c", "d").signature())));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(registry.getModel("hostile").isEmpty(), "no model, no version");
    assertEquals(auditBefore, registry.audit().size(), "no audit entry");
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
    assertThrows(NotFoundException.class, () -> backend.store(ArtifactStore.class).info("registry", "blobs/" + sha), "no bytes");
  }

  @Test
  void aModelLargerThanTheFlavorsLimitIsRefusedBeforeItIsRead() throws Exception {
    Path big = dir.resolve("big.onnx");
    long size = LargeOnnxModel.write(big, LargeOnnxModel.hiddenUnitsFor(300L << 20));
    long before = allocatedByThisThread();
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> registry.register(Registration.of("big").fromFile(big).flavor("onnx")));
    long allocated = allocatedByThisThread() - before;
    assertTrue(e.getMessage().contains(size + " bytes") && e.getMessage().contains("exceeds the " + OnnxFlavor.DEFAULT_MAX_MODEL_BYTES
        + "-byte limit of flavor onnx"), e.getMessage());
    assertTrue(allocated < 8 << 20, "refusing a " + size + "-byte model allocated " + allocated + " bytes: it was not read");
    assertTrue(registry.getModel("big").isEmpty());
  }

  @Test
  @Slow
  void aLargeModelRegistersAndLoadsUnderARaisedLimitHoldingItOnceInTheHeap() throws Exception {
    Path mid = dir.resolve("mid.onnx");
    long size = LargeOnnxModel.write(mid, LargeOnnxModel.hiddenUnitsFor(40L << 20));
    try (ModelRegistry small = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.builder().maxModelBytes(32L << 20).build())
        .build();
        ModelRegistry large = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.builder().maxModelBytes(64L << 20).build())
            .build()) {
      assertThrows(InvalidArgumentException.class, () -> small.register(Registration.of("mid").fromFile(mid).flavor("onnx")));
      long before = allocatedByThisThread();
      var v = large.register(Registration.of("mid").fromFile(mid).flavor("onnx")
          .signature(OnnxMapping.features("x1", "x2", "x3", "x4").signature()));
      long registering = allocatedByThisThread() - before;
      assertEquals(size, v.size());
      before = allocatedByThisThread();
      try (OnnxModel m = OnnxModel.load(large, v.uri())) {
        long loading = allocatedByThisThread() - before;
        assertEquals(10.5 / 4, m.predict(new float[] {1, 2, 3, 4.5f}).value(), 1e-3, "output = sum(input) / 4");
        assertTrue(registering < size * 3 / 2, "registering a " + size + "-byte model allocated " + registering + " bytes");
        assertTrue(loading < size * 3 / 2, "loading a " + size + "-byte model allocated " + loading + " bytes");
      }
    }
  }

  @Test
  void everyRefusalIsAnInvalidArgumentNotAFailedVersion() {
    for (String file : List.of("hostile_truncated.onnx", "hostile_custom_op.onnx", "hostile_future_opset.onnx",
        "hostile_wrong_output_shape.onnx", "hostile_external_data.onnx")) {
      String name = "m-" + UUID.randomUUID();
      assertThrows(InvalidArgumentException.class, () -> registry.register(Registration.of(name).fromFile(TestModels.file(file))
          .flavor("onnx").signature(OnnxMapping.features("a", "b", "c", "d").signature())), file);
      assertTrue(registry.getModel(name).isEmpty(), file);
    }
  }

  private static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(Thread.currentThread().getId());
  }
}
