package dev.mlops.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.Eventually;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A graph that takes seconds per call (a Loop of 6,000 256x256 matrix products) is cancelled by
 * its caller's handle while it runs in ONNX Runtime, or before it starts; the session still works after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancellationTest {
  private StorageBackend backend;
  private ModelRegistry registry;
  private ModelVersion slow;
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final Map<String, Object> row = Map.of("a", 1.0, "b", 2.0, "c", 3.0, "d", 4.5);

  @BeforeAll
  void register() {
    backend = StorageBackend.open("mem:onnx-cancel-" + UUID.randomUUID());
    registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build();
    // registration runs the graph once on its example: seconds
    slow = registry.register(Registration.of("slow").fromFile(TestModels.file("hostile_slow.onnx")).flavor("onnx")
        .signature(OnnxMapping.features("a", "b", "c", "d").signature()));
  }

  @AfterAll
  void close() {
    pool.shutdownNow();
    registry.close();
    backend.close();
  }

  @Test
  void aRunInProgressIsCancelledByItsHandleAndTheSessionStillWorks() throws Exception {
    try (OnnxModel model = OnnxModel.load(registry, slow.uri())) {
      Cancellation cancellation = new Cancellation();
      Future<List<OnnxPrediction>> running = runningInsideOnnxRuntime(model, cancellation);
      cancellation.cancel();
      ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.MINUTES));
      assertInstanceOf(CancellationException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("models:/slow/1 was cancelled"), e.getCause().getMessage());
      assertTrue(e.getCause().getCause().getMessage().contains("terminate flag"), "ONNX Runtime says why it stopped: "
          + e.getCause().getCause().getMessage());

      // the same session runs to the end when nobody cancels: output = sum(x) / 256, exactly
      JsonNode golden = TestModels.json("hostile_slow.golden.json");
      Map<String, Object> goldenRow = TestModels.rows(golden).get(0);
      Map<String, Object> renamed = Map.of("a", goldenRow.get("sepal_length"), "b", goldenRow.get("sepal_width"),
          "c", goldenRow.get("petal_length"), "d", goldenRow.get("petal_width"));
      assertEquals(golden.get("outputs").get("out").get("data").get(0).get(0).asDouble(), model.predict(renamed).value());
    }
  }

  @Test
  void aCancelledHandleStopsAPredictionBeforeItRuns() {
    try (OnnxModel model = OnnxModel.load(registry, slow.uri())) {
      Cancellation cancellation = new Cancellation();
      cancellation.cancel();
      assertTrue(cancellation.isCancelled());
      assertThrows(CancellationException.class, () -> model.predictBatch(List.of(row), cancellation));
      assertThrows(CancellationException.class, () -> model.predictBatch(new float[][] {{1, 2, 3, 4}}, cancellation),
          "a cancelled handle stays cancelled");
    }
  }

  @Test
  void aModelClosesOnceItsCancelledRunHasEnded() throws Exception {
    OnnxModel model = OnnxModel.load(registry, slow.uri());
    Cancellation cancellation = new Cancellation();
    Future<List<OnnxPrediction>> running = runningInsideOnnxRuntime(model, cancellation);
    cancellation.cancel();
    model.close();   // waits for the cancelled run to leave the session before freeing it
    ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.MINUTES));
    assertInstanceOf(CancellationException.class, e.getCause());
    assertThrows(IllegalStateException.class, () -> model.predict(row));
  }

  /** Starts a prediction on another thread and returns once that thread is inside ONNX Runtime's run. */
  private Future<List<OnnxPrediction>> runningInsideOnnxRuntime(OnnxModel model, Cancellation cancellation) {
    java.util.concurrent.atomic.AtomicReference<Thread> runner = new java.util.concurrent.atomic.AtomicReference<>();
    Future<List<OnnxPrediction>> running = pool.submit(() -> {
      runner.set(Thread.currentThread());
      return model.predictBatch(List.of(row), cancellation);
    });
    Eventually.until(() -> runner.get() != null && insideOnnxRuntime(runner.get()), "the prediction runs inside ONNX Runtime");
    return running;
  }

  private static boolean insideOnnxRuntime(Thread t) {
    return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals("ai.onnxruntime.OrtSession")
        && f.getMethodName().equals("run") && f.isNativeMethod());
  }
}
