package dev.mlops.onnx.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.tracking.Run;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An ONNX file logged into a run beside a Tribuo model: checked first, then file, signature, digest and producer, registrable from the run. */
class OnnxTrackingTest {
  private static final List<String> IRIS = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
  private StorageBackend backend;
  private Tracker tracker;

  @BeforeEach
  void open() {
    backend = StorageBackend.open("mem:onnx-tracking-" + UUID.randomUUID());
    tracker = Tracker.builder().storage(backend).build();
  }

  @AfterEach
  void close() {
    tracker.close();
    backend.close();
  }

  @Test
  void aPyTorchExportIsLoggedWithItsDigestSignatureAndProducerAndRegistersFromTheRun() throws Exception {
    String runId;
    ArtifactInfo info;
    try (ActiveRun run = tracker.startRun("iris")) {
      runId = run.id();
      info = OnnxTracking.logModel(run, TestModels.file("torch_mlp_logits.onnx"), "model",
          OnnxMapping.features(IRIS).classes("setosa", "versicolor", "virginica"));
    }
    assertEquals("model/model.onnx", info.path());
    Run run = tracker.getRun(runId);
    byte[] file = Files.readAllBytes(TestModels.file("torch_mlp_logits.onnx"));
    assertEquals(TestModels.entry("torch_mlp_logits.onnx").get("sha256").asText(), run.tags().get(OnnxTracking.MODEL_SHA256));
    assertEquals("pytorch 1.13.0", run.tags().get("mlops.onnx.producer"));
    assertEquals("classification", run.tags().get("mlops.onnx.task"));
    assertTrue(run.tags().get("mlops.onnx.outputs").contains("logits: float[N,3] (scores)"), run.tags().get("mlops.onnx.outputs"));
    try (InputStream in = tracker.artifacts().open(runId, "model/model.onnx")) {
      assertArrayEquals(file, in.readAllBytes());
    }
    JsonNode signature;
    try (InputStream in = tracker.artifacts().open(runId, "model/signature.json")) {
      signature = new ObjectMapper().readTree(in);
    }
    assertEquals("classification", signature.get("task").asText());
    assertEquals("sepal_length", signature.get("features").get(0).get("name").asText());
    assertEquals("float", signature.get("features").get(0).get("type").asText());
    assertEquals(List.of("setosa", "versicolor", "virginica"), TestModels.strings(signature.get("classes")));

    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build()) {
      ModelVersion v = registry.register(Registration.of("iris").fromRunArtifact(runId, "model/model.onnx").flavor("onnx")
          .signature(OnnxMapping.features(IRIS).classes("setosa", "versicolor", "virginica").signature()));
      assertEquals(run.tags().get(OnnxTracking.MODEL_SHA256), v.sha256());
      assertEquals(run.tags().get("mlops.onnx.outputs"), v.tags().get("onnx.outputs"), "the same facts as the registry's");
    }
  }

  @Test
  void aModelTheRegistryWouldRefuseIsRefusedBeforeAnythingIsWritten() {
    try (ActiveRun run = tracker.startRun("iris")) {
      InvalidArgumentException truncated = assertThrows(InvalidArgumentException.class,
          () -> OnnxTracking.logModel(run, TestModels.file("hostile_truncated.onnx"), "model"));
      assertTrue(truncated.getMessage().contains("not a readable ONNX model"), truncated.getMessage());
      InvalidArgumentException mapping = assertThrows(InvalidArgumentException.class, () -> OnnxTracking.logModel(run,
          TestModels.file("torch_mlp_logits.onnx"), "model", OnnxMapping.features("a", "b", "c").classes("x", "y", "z")));
      assertTrue(mapping.getMessage().contains("features"), mapping.getMessage());
      assertEquals(List.of(), run.listArtifacts(""));
      assertTrue(run.get().tags().keySet().stream().noneMatch(k -> k.startsWith("mlops.onnx") || k.equals(OnnxTracking.MODEL_SHA256)),
          run.get().tags().toString());
    }
  }
}
