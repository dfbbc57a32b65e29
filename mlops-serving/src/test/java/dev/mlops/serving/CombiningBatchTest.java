package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelFlavor;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/**
 * Micro-batching with no delay runs each batch on a caller's thread (combining): the caller that finds
 * no batch running predicts what is queued, the others wait, and whoever's answer came last wakes the
 * oldest waiting caller to lead the next batch. The model's first batch is held on a latch, so which
 * requests queue behind it is decided by the test, not by timing.
 */
class CombiningBatchTest {
  private static final String FLAVOR = "gated";

  /** A model answering "yes" with probability x1 / 100; its first batch waits at the gate while one is set. */
  static final class GatedModel implements ServedModel<Label> {
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch gate;

    @Override
    public Class<Label> outputType() {
      return Label.class;
    }

    @Override
    public List<String> featureNames() {
      return List.of("x1", "x2");
    }

    @Override
    public Prediction<Label> predict(Example<Label> row) {
      double yes = FeatureOrder.of(featureNames()).doubles(row)[0] / 100;
      return ServedModel.classification(row, yes >= 0.5 ? "yes" : "no", Map.of("yes", yes, "no", 1 - yes));
    }

    @Override
    public List<Prediction<Label>> predictBatch(List<Example<Label>> rows) {
      batches.add(rows.size());
      threads.add(Thread.currentThread().getName());
      CountDownLatch g = gate;
      if (g != null) {
        gate = null;
        entered.countDown();
        try {
          g.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return ServedModel.super.predictBatch(rows);
    }
  }

  @TempDir
  Path dir;
  private StorageBackend backend;
  private ModelRegistry registry;
  private ModelServer server;
  private final GatedModel model = new GatedModel();
  private Endpoint<Label> endpoint;

  @BeforeEach
  void open() throws Exception {
    backend = StorageBackend.open("mem:combining-" + UUID.randomUUID());
    registry = ModelRegistry.builder().storage(backend).flavor(ModelFlavor.opaque(FLAVOR)).build();
    Path f = Files.writeString(dir.resolve("weights.txt"), "gated");
    registry.register(Registration.of("gated").fromFile(f).flavor(FLAVOR).inputExample("{\"x1\": 1.0, \"x2\": 0.0}"));
    registry.setAlias("gated", "champion", 1);
    server = ModelServer.builder().registry(registry).modelAdapter(FLAVOR, source -> model).build();
    endpoint = server.endpoint("gated", Label.class).serve("models:/gated@champion").batching(Batching.noDelay(8)).build();
    model.batches.clear(); // whatever the warm-up ran
    model.threads.clear();
  }

  @AfterEach
  void close() {
    server.close();
    registry.close();
    backend.close();
  }

  /** A caller on its own named thread predicting {@code x1}. */
  private CompletableFuture<Served<Label>> caller(String name, double x1, List<Thread> started) {
    CompletableFuture<Served<Label>> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(endpoint.predict(Map.of("x1", x1, "x2", 0.0)));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, name);
    t.setDaemon(true);
    started.add(t);
    t.start();
    return f;
  }

  /** Waits until {@code t} is parked in the batcher, waiting for its answer. */
  private static void parkedInTheBatcher(Thread t) {
    Eventually.until(() -> t.getState() == Thread.State.WAITING
        && Arrays.stream(t.getStackTrace()).anyMatch(s -> s.getClassName().equals(Batcher.class.getName())),
        () -> t.getName() + " is " + t.getState() + " at " + Arrays.toString(t.getStackTrace()));
  }

  /** caller-a (x1 = 10) leads the first batch and is held at the gate until the test opens it. */
  private CompletableFuture<Served<Label>> leaderHeldAtTheGate(CountDownLatch gate, List<Thread> threads) throws InterruptedException {
    model.gate = gate;
    CompletableFuture<Served<Label>> a = caller("caller-a", 10, threads);
    assertTrue(model.entered.await(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    return a;
  }

  private static Served<Label> answer(CompletableFuture<Served<Label>> f) throws Exception {
    return f.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("requests that queue behind a running batch are predicted as one batch, led by the oldest waiting caller")
  void theQueuedRequestsMakeOneBatch() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    CompletableFuture<Served<Label>> a = leaderHeldAtTheGate(gate, threads);
    List<CompletableFuture<Served<Label>>> followers = new ArrayList<>();
    double[] x1 = {20, 70, 90};
    for (int i = 0; i < x1.length; i++) {
      followers.add(caller("caller-" + (char) ('b' + i), x1[i], threads));
      parkedInTheBatcher(threads.get(i + 1));
    }
    gate.countDown();
    assertEquals(0.10, answer(a).scores().get("yes"), 1e-12);
    for (int i = 0; i < x1.length; i++) {
      Served<Label> s = answer(followers.get(i));
      assertEquals(x1[i] / 100, s.scores().get("yes"), 1e-12, "each caller gets its own answer: " + s);
      assertEquals(x1[i] >= 50 ? "yes" : "no", s.outputText());
    }
    assertEquals(List.of(1, 3), model.batches, "the first caller's batch, then the three that queued behind it as one");
    assertEquals(List.of("caller-a", "caller-b"), model.threads, "each batch ran on a caller's thread: the oldest waiting one led the second");
  }

  @Test
  @DisplayName("a waiting caller interrupted leaves the queue and passes on the lead: the callers behind it are answered")
  void anInterruptedCallerPassesOnTheLead() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    CompletableFuture<Served<Label>> a = leaderHeldAtTheGate(gate, threads);
    CompletableFuture<Served<Label>> b = caller("caller-b", 20, threads);
    parkedInTheBatcher(threads.get(1));
    CompletableFuture<Served<Label>> c = caller("caller-c", 80, threads);
    parkedInTheBatcher(threads.get(2));
    threads.get(1).interrupt(); // the oldest waiting caller, the one the leader would wake
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> answer(b));
    assertInstanceOf(EndpointUnavailableException.class, refused.getCause());
    gate.countDown();
    assertEquals(0.10, answer(a).scores().get("yes"), 1e-12);
    assertEquals("yes", answer(c).outputText(), "the caller behind the interrupted one is answered");
    assertEquals(List.of(1, 1), model.batches, "the interrupted caller's request left the queue and was never predicted");
  }

  @Test
  @DisplayName("eight callers predicting at once: every answer is the caller's own, every request in exactly one batch")
  void manyCallersEachGetTheirOwnAnswer() throws Exception {
    int callers = 8;
    int each = 2_000;
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      int id = c;
      done.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < each; i++) {
          double x1 = (id * each + i) % 100;
          Served<Label> s = endpoint.predict(Map.of("x1", x1, "x2", 0.0));
          if (Math.abs(s.scores().get("yes") - x1 / 100) > 1e-12) {
            throw new AssertionError("caller " + id + " asked x1 = " + x1 + " and got " + s);
          }
        }
      }, java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hammer-" + id);
        t.setDaemon(true);
        return t;
      })));
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(callers * each, model.batches.stream().mapToInt(Integer::intValue).sum());
    assertTrue(model.batches.stream().allMatch(n -> n >= 1 && n <= 8), model.batches.toString());
  }
}
