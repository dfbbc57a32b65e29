package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelFlavor;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * A model that is not a Tribuo model, registered under a flavor of its own and served through a
 * {@link ModelAdapter}: the same endpoint guarantees as a Tribuo model (canary, hot swap, shadows,
 * micro-batching, input checks, prediction logging), and each opened version closed exactly once.
 */
class NonTribuoModelTest {
  /** The flavor the tiny models are registered under: the registry stores their bytes without reading them. */
  static final String FLAVOR = "tiny-linear";

  /**
   * A hand-written logistic model of two features, read from its bytes ({@code "w1 w2 bias"}):
   * p(yes) = sigmoid(w1 x1 + w2 x2 + bias). It counts its closes, its batches, and can hold a request.
   */
  static class TinyModel implements ServedModel<Label> {
    final int version;
    final double w1;
    final double w2;
    final double bias;
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();
    /** When set, a request with x1 = 99 waits here (it is "in flight") until the test opens it. */
    volatile CountDownLatch hold;
    final CountDownLatch holding = new CountDownLatch(1);

    TinyModel(int version, byte[] bytes) {
      this.version = version;
      String[] p = new String(bytes, StandardCharsets.UTF_8).trim().split(" ");
      this.w1 = Double.parseDouble(p[0]);
      this.w2 = Double.parseDouble(p[1]);
      this.bias = Double.parseDouble(p[2]);
    }

    @Override
    public Class<Label> outputType() {
      return Label.class;
    }

    @Override
    public List<String> featureNames() {
      return List.of("x1", "x2");
    }

    double probability(double[] x) {
      return 1 / (1 + Math.exp(-(w1 * x[0] + w2 * x[1] + bias)));
    }

    @Override
    public Prediction<Label> predict(Example<Label> row) {
      double[] x = FeatureOrder.of(featureNames()).doubles(row);
      CountDownLatch h = hold;
      if (h != null && x[0] == 99) {
        holding.countDown();
        try {
          h.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      double yes = probability(x);
      Map<String, Double> probabilities = new LinkedHashMap<>();
      probabilities.put("yes", yes);
      probabilities.put("no", 1 - yes);
      return ServedModel.classification(row, yes >= 0.5 ? "yes" : "no", probabilities);
    }

    @Override
    public List<Prediction<Label>> predictBatch(List<Example<Label>> rows) {
      batches.incrementAndGet();
      List<Prediction<Label>> out = new ArrayList<>();
      for (Example<Label> row : rows) {
        out.add(predict(row));
      }
      return out;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @TempDir
  Path dir;
  StorageBackend backend;
  ModelRegistry admin;
  ModelServer server;
  /** Every model the adapter opened, in order. */
  final List<TinyModel> opened = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() throws Exception {
    backend = StorageBackend.open("mem:non-tribuo-" + UUID.randomUUID());
    admin = ModelRegistry.builder().storage(backend).flavor(ModelFlavor.opaque(FLAVOR)).eventPollInterval(Duration.ofMillis(20)).build();
    register("4 0 0");    // v1: yes when x1 > 0
    register("-4 0 0");   // v2: the opposite
    register("0 4 0");    // v3: yes when x2 > 0
    admin.setAlias("tiny", "champion", 1);
    server = ModelServer.builder().registry(admin).modelAdapter(FLAVOR, source -> {
      TinyModel m = new TinyModel(source.version().version(), source.bytes());
      opened.add(m);
      return m;
    }).build();
  }

  private void register(String weights) throws Exception {
    Path f = Files.createTempFile(dir, "tiny", ".txt");
    Files.writeString(f, weights);
    admin.register(Registration.of("tiny").fromFile(f).flavor(FLAVOR).inputExample("{\"x1\": 1.0, \"x2\": 0.0}"));
  }

  @AfterEach
  void close() {
    server.close();
    admin.close();
    backend.close();
  }

  /** The models opened for {@code version}, in order. */
  List<TinyModel> openedOf(int version) {
    return opened.stream().filter(m -> m.version == version).toList();
  }

  @Nested
  @DisplayName("served with the endpoint's guarantees")
  class Serving {
    @Test
    @DisplayName("answers carry the class probabilities and the version; a canary takes its share")
    void canaryAndProbabilities() {
      admin.setAlias("tiny", "canary", 2);
      Endpoint<Label> e = server.endpoint("tiny", Label.class).serve("models:/tiny@champion").canary("models:/tiny@canary", 0.5).build();
      assertEquals(EndpointStatus.State.READY, e.describe().state());
      assertEquals(List.of("x1", "x2"), e.featureNames());
      int[] byVersion = new int[3];
      for (int i = 0; i < 400; i++) {
        Served<Label> s = e.predict(Map.of("x1", 1.0, "x2", 0.0));
        byVersion[s.version()]++;
        double yes = 1 / (1 + Math.exp(s.version() == 1 ? -4.0 : 4.0));
        assertEquals(s.version() == 1 ? "yes" : "no", s.outputText(), s.toString());
        assertEquals(yes, s.scores().get("yes"), 1e-12);
        assertEquals(1 - yes, s.scores().get("no"), 1e-12);
        assertEquals(s.version() == 1 ? "champion" : "canary", s.variant());
      }
      assertTrue(byVersion[1] > 120 && byVersion[2] > 120, "both variants answer: " + byVersion[1] + " / " + byVersion[2]);
    }

    @Test
    @DisplayName("an alias move swaps to the new version once it is loaded and warmed up")
    void hotSwap() throws Exception {
      Endpoint<Label> e = server.endpoint("tiny", Label.class).serve("models:/tiny@champion").build();
      assertEquals("yes", e.predict(Map.of("x1", 1.0, "x2", -1.0)).outputText());
      admin.setAlias("tiny", "champion", 3);
      assertTrue(e.awaitVersion("champion", 3, Eventually.DEFAULT_TIMEOUT));
      Served<Label> s = e.predict(Map.of("x1", 1.0, "x2", -1.0));
      assertEquals(3, s.version());
      assertEquals("no", s.outputText());
      assertEquals("yes", e.predict(new double[] {-1, 1}).outputText());
    }

    @Test
    @DisplayName("the same input checks as a Tribuo model, by the model's feature names")
    void inputChecks() {
      Endpoint<Label> e = server.endpoint("tiny", Label.class).serve("models:/tiny@champion").build();
      InvalidInputException bad = assertThrows(InvalidInputException.class, () -> e.predict(Map.of("x1", 1.0, "x3", 2.0)));
      assertTrue(bad.getMessage().contains("x3") && bad.getMessage().contains("x2"), bad.getMessage());
      assertEquals(Map.of("missing_feature", 1L, "unknown_feature", 1L), e.inputProblems());
      assertThrows(InvalidInputException.class, () -> e.predict(new double[] {1}));
    }

    @Test
    @DisplayName("micro-batches go to the model's own batch call; shadows compare its answers")
    void batchesAndShadows() throws Exception {
      admin.setAlias("tiny", "next", 2);
      Endpoint<Label> e = server.endpoint("tiny", Label.class).serve("models:/tiny@champion").shadow("next", "models:/tiny@next")
          .batching(Batching.of(8, Duration.ofMillis(1))).build();
      for (int i = 0; i < 20; i++) {
        assertEquals("yes", e.predict(Map.of("x1", 1.0, "x2", 0.0)).outputText());
      }
      assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));
      assertTrue(openedOf(1).get(0).batches.get() > 0, "the champion predicted through its batch call");
      EndpointStatus.VariantStatus shadow = e.describe().variants().get(1);
      assertEquals("next", shadow.name());
      assertEquals(0.0, shadow.agreement(), "v2 always answers the opposite");
    }

    @Test
    @DisplayName("a model that asks its own endpoint while it answers gets both answers right (a request inside a request)")
    void aRequestInsideARequest() {
      Endpoint<?>[] self = new Endpoint<?>[1];
      List<Served<?>> inner = new CopyOnWriteArrayList<>();
      try (ModelServer nested = ModelServer.builder().registry(admin).modelAdapter(FLAVOR, source -> new TinyModel(source.version().version(),
          source.bytes()) {
        @Override
        public Prediction<Label> predict(Example<Label> row) {
          if (FeatureOrder.of(featureNames()).doubles(row)[1] == 5) {
            inner.add(self[0].predict(Map.of("x1", -1.0, "x2", 0.0)));
          }
          return super.predict(row);
        }
      }).build()) {
        Endpoint<Label> e = nested.endpoint("tiny", Label.class).serve("models:/tiny@champion").warmup(0).build();
        self[0] = e;
        Served<Label> outer = e.predict(Map.of("x1", 1.0, "x2", 5.0));
        assertEquals("yes", outer.outputText());
        assertEquals(1, inner.size());
        assertEquals("no", inner.get(0).outputText());
        assertFalse(outer.requestId().equals(inner.get(0).requestId()), outer.requestId());
        assertEquals("yes", e.predict(Map.of("x1", 1.0, "x2", 0.0)).outputText(), "the thread's next request starts clean");
      }
    }

    @Test
    @DisplayName("an adapter whose model has another output type fails the load and says why")
    void wrongOutputType() {
      try (ModelServer regression = ModelServer.builder().registry(admin).modelAdapter(FLAVOR, source -> new ServedModel<Regressor>() {
        @Override
        public Class<Regressor> outputType() {
          return Regressor.class;
        }

        @Override
        public List<String> featureNames() {
          return List.of("x1");
        }

        @Override
        public Prediction<Regressor> predict(Example<Regressor> row) {
          return ServedModel.regression(row, "y", 1.0);
        }
      }).build()) {
        Endpoint<Label> e = regression.endpoint("tiny", Label.class).serve("models:/tiny@champion").build();
        EndpointStatus status = e.describe();
        assertEquals(EndpointStatus.State.FAILED, status.state());
        assertTrue(status.reason().contains("Regressor"), status.reason());
      }
    }

    @Test
    @DisplayName("a flavor without an adapter is refused with the way to add one")
    void noAdapter() {
      try (ModelServer plain = ModelServer.builder().registry(admin).build()) {
        Endpoint<Label> e = plain.endpoint("tiny", Label.class).serve("models:/tiny@champion").build();
        String reason = e.describe().reason();
        assertTrue(reason.contains("modelAdapter(\"" + FLAVOR + "\""), reason);
      }
    }
  }

  @Nested
  @DisplayName("closed exactly once")
  class Closing {
    @Test
    @DisplayName("when a version leaves the kept versions, and the rest when the endpoint closes")
    void swappedOutVersionsAreClosedOnce() throws Exception {
      Endpoint<Label> e = server.endpoint("tiny", Label.class).serve("models:/tiny@champion").retainVersions(1).build();
      admin.setAlias("tiny", "champion", 2);
      assertTrue(e.awaitVersion("champion", 2, Eventually.DEFAULT_TIMEOUT));
      assertEquals(0, openedOf(1).get(0).closes.get(), "v1 is kept loaded for an instant rollback");
      admin.setAlias("tiny", "champion", 3);
      assertTrue(e.awaitVersion("champion", 3, Eventually.DEFAULT_TIMEOUT));
      assertEquals(1, openedOf(1).get(0).closes.get(), "v1 left the kept versions");
      assertEquals(0, openedOf(2).get(0).closes.get());
      e.rollbackTo("champion", 2);
      assertEquals(2, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
      assertEquals(0, openedOf(2).get(0).closes.get(), "a version moved back to is not closed");
      assertEquals(0, openedOf(3).get(0).closes.get(), "v3 is now the kept one");
      e.close();
      assertEquals(1, openedOf(1).get(0).closes.get());
      assertEquals(1, openedOf(2).get(0).closes.get());
      assertEquals(1, openedOf(3).get(0).closes.get());
      assertEquals(3, opened.size(), "each version opened once");
      server.close();
      opened.forEach(m -> assertEquals(1, m.closes.get(), "closed once: v" + m.version));
    }

    @Test
    @DisplayName("a version still answering a request is closed when that request ends, not before")
    void aVersionInUseIsClosedByItsLastRequest() throws Exception {
      Endpoint<Label> e = server.endpoint("tiny", Label.class).serve("models:/tiny@champion").retainVersions(0).build();
      TinyModel v1 = openedOf(1).get(0);
      CountDownLatch release = new CountDownLatch(1);
      v1.hold = release;
      ExecutorService caller = Executors.newSingleThreadExecutor();
      try {
        Future<Served<Label>> held = caller.submit(() -> e.predict(Map.of("x1", 99.0, "x2", 0.0)));
        assertTrue(v1.holding.await(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        admin.setAlias("tiny", "champion", 2);
        assertTrue(e.awaitVersion("champion", 2, Eventually.DEFAULT_TIMEOUT));
        assertEquals(0, v1.closes.get(), "v1 still answers a request");
        release.countDown();
        Served<Label> answer = held.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, answer.version());
        assertEquals(1, v1.closes.get(), "closed by the request that used it last");
      } finally {
        caller.shutdownNow();
      }
      e.close();
      assertEquals(1, v1.closes.get());
      assertEquals(1, openedOf(2).get(0).closes.get());
    }

    @Test
    @DisplayName("a version whose warm-up fails is closed and never serves")
    void aFailedWarmUpIsClosed() throws Exception {
      AtomicInteger failing = new AtomicInteger();
      List<TinyModel> bad = new CopyOnWriteArrayList<>();
      try (ModelServer strict = ModelServer.builder().registry(admin).modelAdapter(FLAVOR, source -> {
        TinyModel m = new TinyModel(source.version().version(), source.bytes()) {
          @Override
          public Prediction<Label> predict(Example<Label> row) {
            if (version == 2) {
              failing.incrementAndGet();
              throw new IllegalStateException("v2 cannot predict");
            }
            return super.predict(row);
          }
        };
        bad.add(m);
        return m;
      }).build()) {
        Endpoint<Label> e = strict.endpoint("tiny", Label.class).serve("models:/tiny@champion").build();
        admin.setAlias("tiny", "champion", 2);
        assertThrows(LoadFailedException.class, () -> e.awaitVersion("champion", 2, Eventually.DEFAULT_TIMEOUT));
        assertEquals(1, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
        TinyModel v2 = bad.stream().filter(m -> m.version == 2).findFirst().orElseThrow();
        assertTrue(failing.get() > 0);
        assertEquals(1, v2.closes.get(), "the version that never served is closed");
        assertFalse(bad.stream().filter(m -> m.version == 1).anyMatch(m -> m.closes.get() > 0));
      }
    }

    @Test
    @DisplayName("a version whose warm-up runs past its timeout is closed and the old version keeps serving")
    void aWarmUpPastItsTimeoutIsClosed() throws Exception {
      java.util.concurrent.atomic.AtomicLong ticker = new java.util.concurrent.atomic.AtomicLong();
      List<TinyModel> models = new CopyOnWriteArrayList<>();
      try (ModelServer slow = ModelServer.builder().registry(admin).modelAdapter(FLAVOR, source -> {
        TinyModel m = new TinyModel(source.version().version(), source.bytes()) {
          @Override
          public Prediction<Label> predict(Example<Label> row) {
            if (version == 2) {
              ticker.addAndGet(Duration.ofSeconds(30).toNanos());   // v2 takes 30 s a prediction on the endpoint's clock
            }
            return super.predict(row);
          }
        };
        models.add(m);
        return m;
      }).build()) {
        EndpointBuilder<Label> b = slow.endpoint("tiny", Label.class).serve("models:/tiny@champion").warmup(5)
            .warmupTimeout(Duration.ofSeconds(100));   // the wall clock's bound is never reached: the endpoint's clock decides
        b.ticker = ticker::get;
        Endpoint<Label> e = b.build();
        admin.setAlias("tiny", "champion", 2);
        // polled rather than awaitVersion, which reports only a failure that ends after it is called
        Eventually.until(() -> e.describe().state() == EndpointStatus.State.DEGRADED, "the load of v2 failed");
        assertTrue(e.describe().toString().contains("took 120000 ms for 4 of 5 predictions, past its timeout of 100000 ms"), e.describe().toString());
        assertEquals(1, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
        TinyModel v2 = models.stream().filter(m -> m.version == 2).findFirst().orElseThrow();
        assertEquals(1, v2.closes.get(), "the version that never served is closed");
        assertThrows(dev.mlops.api.InvalidArgumentException.class, () -> slow.endpoint("x", Label.class).warmupTimeout(Duration.ZERO));
      }
    }

    @Test
    @DisplayName("bounded warm-ups of successive versions run on one reused thread, not a new thread each")
    void boundedWarmUpsReuseTheirThread() throws Exception {
      Map<Integer, Thread> warmedOn = new java.util.concurrent.ConcurrentHashMap<>();
      try (ModelServer reuse = ModelServer.builder().registry(admin).modelAdapter(FLAVOR, source -> new TinyModel(source.version().version(), source.bytes()) {
        @Override
        public Prediction<Label> predict(Example<Label> row) {
          warmedOn.putIfAbsent(version, Thread.currentThread());
          return super.predict(row);
        }
      }).build()) {
        Endpoint<Label> e = reuse.endpoint("tiny", Label.class).serve("models:/tiny@champion").warmup(2)
            .warmupTimeout(Duration.ofSeconds(30)).build();
        admin.setAlias("tiny", "champion", 2);
        assertTrue(e.awaitVersion("champion", 2, Eventually.DEFAULT_TIMEOUT));
        admin.setAlias("tiny", "champion", 3);
        assertTrue(e.awaitVersion("champion", 3, Eventually.DEFAULT_TIMEOUT));
        assertTrue(warmedOn.get(2).getName().startsWith("mlops-warmup-tiny"), warmedOn.get(2).getName());
        assertEquals(warmedOn.get(2), warmedOn.get(3), "v2 and v3 warmed up on one thread");
      }
    }

    @Test
    @DisplayName("a warm-up prediction that hangs is abandoned at the timeout: the old version serves, later loads go on, the hung version is closed when it returns")
    void aHangingWarmUpPredictionIsAbandoned() throws Exception {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch hanging = new CountDownLatch(1);
      List<TinyModel> models = new CopyOnWriteArrayList<>();
      try (ModelServer hung = ModelServer.builder().registry(admin).modelAdapter(FLAVOR, source -> {
        TinyModel m = new TinyModel(source.version().version(), source.bytes()) {
          @Override
          public Prediction<Label> predict(Example<Label> row) {
            if (version == 2) {
              hanging.countDown();
              boolean interrupted = false;
              while (release.getCount() > 0) {   // deaf to interrupts, as a native call is
                try {
                  release.await();
                } catch (InterruptedException e) {
                  interrupted = true;
                }
              }
              if (interrupted) {
                Thread.currentThread().interrupt();
              }
            }
            return super.predict(row);
          }
        };
        models.add(m);
        return m;
      }).build()) {
        // real time bounds this warm-up: 2 s leaves v1's and v3's five trivial predictions room on a busy machine
        Endpoint<Label> e = hung.endpoint("tiny", Label.class).serve("models:/tiny@champion").warmup(5)
            .warmupTimeout(Duration.ofMillis(2000)).build();
        admin.setAlias("tiny", "champion", 2);
        assertTrue(hanging.await(Eventually.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "v2's warm-up reached its hanging prediction");
        Eventually.until(() -> e.describe().state() == EndpointStatus.State.DEGRADED, "the load of v2 was refused");
        assertTrue(e.describe().toString().contains("did not finish within its timeout of 2000 ms"), e.describe().toString());
        assertEquals(1, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
        TinyModel v2 = models.stream().filter(m -> m.version == 2).findFirst().orElseThrow();
        assertEquals(0, v2.closes.get(), "not closed under its hanging prediction");
        admin.setAlias("tiny", "champion", 3);   // the endpoint's loads are not held up by the hung one
        assertTrue(e.awaitVersion("champion", 3, Eventually.DEFAULT_TIMEOUT));
        assertEquals(3, e.predict(Map.of("x1", 1.0, "x2", 1.0)).version());
        release.countDown();
        Eventually.until(() -> v2.closes.get() == 1, "the abandoned version is closed once its prediction returns");
      }
    }
  }
}
