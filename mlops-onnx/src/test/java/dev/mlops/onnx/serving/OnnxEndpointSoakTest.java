package dev.mlops.onnx.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.onnx.OnnxMapping;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.Registration;
import dev.mlops.serving.CapacityException;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.LoadFailedException;
import dev.mlops.serving.Served;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.Slow;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tribuo.regression.Regressor;

/**
 * What takes seconds: a graph that takes seconds per call behind an endpoint (its capacity limit
 * holds, a warm-up past its timeout keeps the old version serving), and 1,000 hot swaps of ONNX
 * versions with the process's resident memory measured.
 */
// measures the process's resident memory: no other test class runs beside it
@org.junit.jupiter.api.parallel.Isolated
@Slow
class OnnxEndpointSoakTest extends OnnxServingFixture {
  private static final long MB = 1 << 20;
  private static final List<String> ABCD = List.of("a", "b", "c", "d");

  private int register(String file) {
    return registry.register(Registration.of("model").fromFile(TestModels.file(file)).flavor("onnx")
        .signature(OnnxMapping.features(ABCD).signature())).version();
  }

  @Test
  void aSlowGraphKeepsItsCapacityLimitAndAWarmUpPastItsTimeoutKeepsTheOldVersionServing() throws Exception {
    int fast = register("torch_mlp_regressor.onnx");
    int slow = register("hostile_slow.onnx");   // runs once at registration: seconds
    registry.setAlias("model", "champion", fast);
    registry.setAlias("model", "slow", slow);
    Map<String, Object> row = Map.of("a", 1.0, "b", 2.0, "c", 3.0, "d", 4.5);

    // the timeout bounds real time now (a hanging prediction is abandoned), so it must leave the small graph's warm-up room on a
    // busy machine (its first runs took over 50 ms in a loaded CI run) while the slow graph's three runs (about 200 GFLOP each) take seconds
    Endpoint<Regressor> e = server.endpoint("swap", Regressor.class).serve("models:/model@champion").warmup(3)
        .warmupTimeout(Duration.ofMillis(1500)).build();
    double before = e.predict(row).output().getValues()[0];
    registry.setAlias("model", "champion", slow);
    LoadFailedException failed = assertThrows(LoadFailedException.class, () -> e.awaitVersion("champion", slow, Duration.ofMinutes(5)));
    assertTrue(failed.getMessage().contains("did not finish within its timeout of 1500 ms"), failed.getMessage());
    Served<Regressor> still = e.predict(row);
    assertEquals(fast, still.version());
    assertEquals(before, still.output().getValues()[0]);
    Eventually.until(() -> opened.size() == 2 && opened.get(1).isClosed(), "the slow version that never served is closed");

    Endpoint<Regressor> limited = server.endpoint("slow", Regressor.class).serve("models:/model@slow").warmup(0).maxConcurrency(1).build();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      AtomicReference<Thread> runner = new AtomicReference<>();
      Future<Served<Regressor>> first = pool.submit(() -> {
        runner.set(Thread.currentThread());
        return limited.predict(row);
      });
      Eventually.until(() -> runner.get() != null && insideOnnxRuntime(runner.get()), "the first request runs inside ONNX Runtime");
      CapacityException refused = assertThrows(CapacityException.class, () -> limited.predict(row));
      assertTrue(refused.getMessage().contains("1 requests in flight"), refused.getMessage());
      assertEquals((1.0 + 2.0 + 3.0 + 4.5) / 256, first.get(5, TimeUnit.MINUTES).output().getValues()[0], 1e-6,
          "the slow graph's answer: sum(x) / 256");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aThousandHotSwapsKeepResidentMemoryFlat() throws Exception {
    int a = register("torch_mlp_regressor.onnx");
    int b = register("torch_mlp_regressor.onnx");   // the same bytes as a second version: each swap opens a new session
    registry.setAlias("model", "champion", a);
    Endpoint<Regressor> e = server.endpoint("swaps", Regressor.class).serve("models:/model@champion").warmup(5).retainVersions(0).build();
    Map<String, Object> row = Map.of("a", 1.0, "b", 2.0, "c", 3.0, "d", 4.5);
    for (int i = 0; i < 200; i++) {
      swap(e, i % 2 == 0 ? b : a, row);
    }
    long warm = TestModels.residentBytesOutsideHeap();
    for (int i = 0; i < 1_000; i++) {
      swap(e, i % 2 == 0 ? b : a, row);
    }
    Eventually.until(() -> opened.stream().limit(opened.size() - 1).allMatch(ServedOnnxModel::isClosed), "every swapped-out session closed");
    long after = TestModels.residentBytesOutsideHeap();
    assertEquals(1_201, opened.size());
    // the figures, in the test's output file (the build redirects it there)
    System.out.println("1,000 hot swaps: resident memory outside the heap " + warm / MB + " MB when warm, " + after / MB + " MB after");
    assertTrue(after - warm < 48 * MB, "1,000 hot swaps: resident memory outside the heap " + warm / MB + " MB when warm, " + after / MB + " MB after");
  }

  private void swap(Endpoint<Regressor> e, int to, Map<String, Object> row) throws InterruptedException {
    registry.setAlias("model", "champion", to);
    assertTrue(e.awaitVersion("champion", to, Eventually.DEFAULT_TIMEOUT));
    assertEquals(to, e.predict(row).version());
  }

  private static boolean insideOnnxRuntime(Thread t) {
    return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals("ai.onnxruntime.OrtSession")
        && f.getMethodName().equals("run") && f.isNativeMethod());
  }
}
