package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/** Endpoint behaviour, run on the mem: and file: backends by the subclasses. */
abstract class EndpointContract {
  @TempDir
  Path dir;
  StorageBackend backend;
  /** The operator's registry: registers versions and moves aliases, as a person or a pipeline would. */
  ModelRegistry admin;
  /** The server opens its own registry on the same backend, acting as "serving". */
  ModelServer server;

  abstract StorageBackend newBackend();

  @BeforeEach
  void open() {
    backend = newBackend();
    admin = ModelRegistry.builder().storage(backend).principal(() -> "alice").eventPollInterval(Duration.ofMillis(20))
        .allowJavaSerialization(ServingFixture.ALLOW_TEST_MODELS).build();
    ServingFixture.register(admin, "churn", Models.train(1));
    ServingFixture.register(admin, "churn", Models.train(2));
    admin.setAlias("churn", "champion", 1);
    server = newServer();
  }

  ModelServer newServer() {
    return ModelServer.builder().registry(ModelRegistry.builder().storage(backend).principal(() -> "serving")
        .eventPollInterval(Duration.ofMillis(20)).allowJavaSerialization(ServingFixture.ALLOW_TEST_MODELS).build()).build();
  }

  @AfterEach
  void close() {
    ModelRegistry r = server.registry();
    server.close();
    r.close();
    admin.close();
    backend.close();
  }

  /** Runs {@code work} on a new thread and waits for it to finish (a positive wait): a caller that was held would fail it. */
  static <V> V onAnotherThread(java.util.concurrent.Callable<V> work) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread.submit(work).get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      thread.shutdownNow();
    }
  }

  static dev.mlops.monitoring.profile.Profile reference(Random r) {
    dev.mlops.monitoring.profile.Profile ref = new dev.mlops.monitoring.profile.Profile();
    for (int i = 0; i < 1000; i++) {
      ref.update(Models.request(r));
    }
    return ref;
  }

  @Test
  void answersWithTheVersionVariantAndARequestIdFromMapsExamplesAndArrays() {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    assertEquals(EndpointStatus.State.READY, e.describe().state());
    Served<Label> s = e.predict(Map.of("x1", 3.0, "x2", 0.0));
    assertEquals("yes", s.outputText());
    assertEquals("churn", s.model());
    assertEquals(1, s.version());
    assertEquals("champion", s.variant());
    assertTrue(s.latencyNanos() > 0);
    assertTrue(s.score() > 0.5 && s.score() <= 1, s.toString());
    assertEquals(Set.of("yes", "no"), s.scores().keySet());
    assertFalse(s.requestId().equals(e.predict(Map.of("x1", 3.0, "x2", 0.0)).requestId()), "request ids differ");
    assertEquals("no", e.predict(new ArrayExample<>(new Label("?"), Models.FEATURES, new double[] {-3, 0})).outputText());
    assertEquals(List.of("x1", "x2"), e.featureNames());
    assertEquals("no", e.predict(new double[] {-3, 0}).outputText());
    assertEquals(2, e.predictAll(List.of(Map.of("x1", 1.0, "x2", 0.0), Map.of("x1", -1.0, "x2", 0.0))).size());
  }

  @Test
  void badInputGetsSpecificErrorsOrIsServedWithTheProblemsRecordedAndEitherWayCounted() {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> e.predict(Map.of("x1", 1.0, "x2", 0.0, "x9", 1.0)));
    assertTrue(unknown.getMessage().contains("unknown feature 'x9'"), unknown.getMessage());
    InvalidInputException missing = assertThrows(InvalidInputException.class, () -> e.predict(Map.of("x1", 1.0)));
    assertTrue(missing.getMessage().contains("missing feature 'x2'; expected a number"), missing.getMessage());
    InvalidInputException type = assertThrows(InvalidInputException.class, () -> e.predict(Map.of("x1", "abc", "x2", 0.0)));
    assertTrue(type.getMessage().contains("feature 'x1' is 'abc' (String); expected a number"), type.getMessage());
    InvalidInputException nan = assertThrows(InvalidInputException.class, () -> e.predict(Map.of("x1", Double.NaN, "x2", 0.0)));
    assertTrue(nan.getMessage().contains("feature 'x1' is NaN; expected a finite number"), nan.getMessage());
    InvalidInputException arr = assertThrows(InvalidInputException.class, () -> e.predict(new double[] {1, 2, 3}));
    assertTrue(arr.getMessage().contains("expected 2 in the order [x1, x2]"), arr.getMessage());
    assertEquals(Map.of("missing_feature", 1L, "non_finite", 1L, "unknown_feature", 1L, "wrong_type", 1L, "wrong_count", 1L), e.inputProblems());

    Endpoint<Label> lenient = server.endpoint("lenient", Label.class).serve("models:/churn@champion")
        .inputPolicy(InputPolicy.SERVE_AND_RECORD).build();
    Served<Label> s = lenient.predict(Map.of("x1", 3.0, "x2", Double.POSITIVE_INFINITY, "extra", 1.0));
    assertEquals("yes", s.outputText());
    assertEquals(2, s.problems().size(), s.problems().toString());
    assertEquals(List.of(new InputProblem(InputProblem.Kind.UNKNOWN_FEATURE, "extra", "unknown feature 'extra'; the model's features are [x1, x2]"),
        new InputProblem(InputProblem.Kind.NON_FINITE, "x2", "feature 'x2' is Infinity; expected a finite number")),
        s.problems().stream().sorted(java.util.Comparator.comparing(InputProblem::kind)).toList());
    assertEquals(Map.of("non_finite", 1L, "unknown_feature", 1L), lenient.inputProblems());
  }

  /** Sends one input (a feature map, a Tribuo example or values in order) by one path: sync, batch, async or a micro-batched endpoint. */
  @SuppressWarnings("unchecked")
  static Served<Label> send(String path, Endpoint<Label> e, Endpoint<Label> batched, Object input) throws Exception {
    Endpoint<Label> to = path.equals("micro-batched") ? batched : e;
    try {
      return switch (path) {
        case "sync", "micro-batched" -> input instanceof Map<?, ?> m ? to.predict((Map<String, ?>) m)
            : input instanceof double[] d ? to.predict(d) : to.predict((org.tribuo.Example<Label>) input);
        case "batch" -> (input instanceof Map<?, ?> m ? to.predictAll(List.of((Map<String, ?>) m))
            : input instanceof double[] d ? to.predictAllArrays(List.<double[]>of(d))
            : to.predictAllExamples(List.of((org.tribuo.Example<Label>) input))).get(0);
        case "async" -> (input instanceof Map<?, ?> m ? to.predictAsync((Map<String, ?>) m)
            : input instanceof double[] d ? to.predictAsync(d) : to.predictAsync((org.tribuo.Example<Label>) input))
            .get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        default -> throw new IllegalArgumentException(path);
      };
    } catch (java.util.concurrent.ExecutionException ex) {
      throw ex.getCause() instanceof Exception cause ? cause : ex;
    }
  }

  @Test
  void everyInputFormAndPathGetsTheSameChecksAndTheSameException() throws Exception {
    List<String> paths = List.of("sync", "batch", "async", "micro-batched");
    org.tribuo.Example<Label> lacking = new ArrayExample<>(new Label("?"), new String[] {"x1"}, new double[] {3});
    org.tribuo.Example<Label> unknownOnly = new ArrayExample<>(new Label("?"), new String[] {"x9"}, new double[] {3});
    for (InputPolicy policy : InputPolicy.values()) {
      Endpoint<Label> e = server.endpoint("plain-" + policy, Label.class).serve("models:/churn@champion").inputPolicy(policy).build();
      Endpoint<Label> batched = server.endpoint("batched-" + policy, Label.class).serve("models:/churn@champion").inputPolicy(policy)
          .batching(Batching.noDelay(8)).build();
      for (String path : paths) {
        String where = policy + ", " + path;
        // a feature the model uses is missing: as a map or as a Tribuo example, the same problem
        for (Object input : List.<Object>of(Map.of("x1", 3.0), lacking)) {
          if (policy == InputPolicy.REJECT) {
            InvalidInputException ex = assertThrows(InvalidInputException.class, () -> send(path, e, batched, input), where);
            assertEquals(List.of(new InputProblem(InputProblem.Kind.MISSING_FEATURE, "x2", "missing feature 'x2'; expected a number")),
                ex.problems(), where);
          } else {
            Served<Label> s = send(path, e, batched, input);
            assertEquals(List.of(new InputProblem(InputProblem.Kind.MISSING_FEATURE, "x2", "missing feature 'x2'; expected a number")),
                s.problems(), where);
            assertEquals("yes", s.outputText(), where);
          }
        }
        // nothing the model can predict from: refused under either policy, never Tribuo's own exception
        for (Object input : List.<Object>of(Map.of(), new double[] {3.0}, unknownOnly, Map.of("x9", 1.0))) {
          InvalidInputException ex = assertThrows(InvalidInputException.class, () -> send(path, e, batched, input), where);
          assertFalse(ex.problems().isEmpty(), where);
          // typed: a caller acts on the kind and the feature, never on the message's text
          for (InputProblem p : ex.problems()) {
            assertEquals(p.kind() == InputProblem.Kind.WRONG_COUNT || p.kind() == InputProblem.Kind.NO_FEATURES,
                p.featureName().isEmpty(), where + ": " + p);
          }
        }
      }
      // sync, batch and async went to e, each with 8 missing features, 2 unknown ones and 1 wrong count
      assertEquals(Map.of("missing_feature", 24L, "unknown_feature", 6L, "wrong_count", 3L), e.inputProblems(), policy.toString());
    }
  }

  @Test
  void hotSwapsUnderConcurrentLoadFailNoRequest() throws Exception {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").warmup(5).build();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Set<Integer> versions = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      fs.add(pool.submit(() -> {
        Random r = new Random();
        while (!stop.get()) {
          try {
            versions.add(e.predict(Models.request(r)).version());
            ok.incrementAndGet();
          } catch (Throwable ex) {
            failures.add(ex);
          }
        }
      }));
    }
    try {
      // 100 moves, each awaited and followed by at least 10 answers of the version moved to
      for (int i = 0; i < 100; i++) {
        int target = i % 2 == 0 ? 2 : 1;
        admin.setAlias("churn", "champion", target);
        assertTrue(e.awaitVersion("champion", target, Eventually.DEFAULT_TIMEOUT), "the endpoint serves v" + target);
        long before = ok.get();
        Eventually.until(() -> ok.get() >= before + 10, "requests are answered after the swap");
      }
    } finally {
      stop.set(true);
      for (Future<?> f : fs) {
        f.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
      pool.shutdown();
    }
    assertTrue(failures.isEmpty(), failures.size() + " failed requests, first: " + (failures.isEmpty() ? "" : failures.get(0)));
    assertEquals(Set.of(1, 2), versions);
    assertEquals(List.of(2), e.describe().variants().get(0).retainedVersions(), "the previous version stays loaded");
  }

  /** Registers a version of churn whose warm-up waits at {@code gate}: its input example is a request the gate holds. */
  int gatedWarmUp(Models.Gate gate) throws java.io.IOException {
    return ServingFixture.registerSerialized(admin, "churn", new Models.Gated(Models.train(2), gate.name), dir, Models.HELD_JSON).version();
  }

  @Test
  void anAliasMoveIsServedByThePreviousVersionUntilTheNewOneIsWarmedUpThenByTheNewOneAlone() throws Exception {
    Models.Gate gate = Models.Gate.create("swap-" + UUID.randomUUID());
    int held = gatedWarmUp(gate);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    admin.setAlias("churn", "champion", held);
    gate.awaitEntered();   // the new version is loaded and warming up, held at its gate on its input example
    EndpointStatus.VariantStatus champion = e.describe().variants().get(0);
    assertEquals(1, champion.version());
    assertEquals(held, champion.pendingVersion());
    Random r = new Random(16);
    for (int i = 0; i < 200; i++) {
      assertEquals(1, e.predict(Models.request(r)).version(), "the previous version serves until the new one is warm");
    }
    gate.open();
    assertTrue(e.awaitVersion("champion", held, Eventually.DEFAULT_TIMEOUT));
    for (int i = 0; i < 200; i++) {
      assertEquals(held, e.predict(Models.request(r)).version(), "from the flip on, the new version answers every request");
    }
    assertNull(e.describe().variants().get(0).pendingVersion());
  }

  @Test
  void aMoveMadeWhileAVersionLoadsIsServedAndTheVersionItLeftNeverServes() throws Exception {
    Models.Gate gate = Models.Gate.create("moved-on-" + UUID.randomUUID());
    int held = gatedWarmUp(gate);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    admin.setAlias("churn", "champion", held);
    gate.awaitEntered();
    admin.setAlias("churn", "champion", 2);   // moved on while the held version warms up
    gate.open();
    assertTrue(e.awaitVersion("champion", 2, Eventually.DEFAULT_TIMEOUT));
    assertEquals(List.of(1), e.describe().variants().get(0).retainedVersions(), "v" + held + " never served");
    assertNull(e.describe().variants().get(0).pendingVersion());
  }

  @Test
  void aMoveBackToAVersionStillLoadedFlipsWithoutLoadingOrWarmingItAgain() throws Exception {
    Models.Gate gate = Models.Gate.create("kept-" + UUID.randomUUID());
    gate.open();
    int gated = gatedWarmUp(gate);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    admin.setAlias("churn", "champion", gated);
    assertTrue(e.awaitVersion("champion", gated, Eventually.DEFAULT_TIMEOUT));
    admin.setAlias("churn", "champion", 1);
    assertTrue(e.awaitVersion("champion", 1, Eventually.DEFAULT_TIMEOUT));
    // a warm-up of the gated version would now wait at its closed gate: a version kept loaded needs none
    gate.close();
    admin.setAlias("churn", "champion", gated);
    assertTrue(e.awaitVersion("champion", gated, Eventually.DEFAULT_TIMEOUT));
    assertEquals(0, gate.waiting.get());
    assertEquals(List.of(1), e.describe().variants().get(0).retainedVersions());
  }

  @Test
  void awaitingAVersionThatFailsToLoadThrowsWithTheReasonWhileThePreviousOneServes() throws Exception {
    int broken = ServingFixture.registerSerialized(admin, "churn", new Models.Throwing(Models.train(1)), dir).version();
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    Thread caller = Thread.currentThread();
    Thread mover = new Thread(() -> {
      Eventually.until(() -> caller.getState() == Thread.State.TIMED_WAITING, "the caller waits for the flip");
      admin.setAlias("churn", "champion", broken);
    });
    mover.start();
    LoadFailedException ex = assertThrows(LoadFailedException.class, () -> e.awaitVersion("champion", broken, Eventually.DEFAULT_TIMEOUT));
    mover.join();
    assertTrue(ex.getMessage().contains("this model is broken") && ex.getMessage().contains("v1 keeps serving"), ex.getMessage());
    assertEquals(1, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
    assertThrows(dev.mlops.api.InvalidArgumentException.class, () -> e.awaitVersion("champion", 1, Duration.ofSeconds(-1)));
    assertThrows(dev.mlops.api.NotFoundException.class, () -> e.awaitVersion("nobody", 1, Duration.ZERO));
  }

  @Test
  void awaitingAVersionWhoseLoadFailedBeforeTheCallThrowsAtOnceInsteadOfWaitingOutItsTimeout() throws Exception {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    int broken = ServingFixture.registerSerialized(admin, "churn", new Models.Throwing(Models.train(1)), dir).version();
    admin.setAlias("churn", "champion", broken);
    Eventually.until(() -> e.describe().state() == EndpointStatus.State.DEGRADED, "the failed load has ended");
    // the caller asks only now: the failure it missed is the variant's last load, and none is under way
    LoadFailedException ex = assertThrows(LoadFailedException.class, () -> e.awaitVersion("champion", broken, Duration.ofDays(1)));
    assertTrue(ex.getMessage().contains("this model is broken") && ex.getMessage().contains("v1 keeps serving"), ex.getMessage());
    // a later load of another version settles it: waiting for v1 returns at once, and v1 serves
    assertTrue(e.awaitVersion("champion", 1, Duration.ZERO));
  }

  @Test
  void aVersionThatFailsItsWarmUpNeverServes() throws Exception {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    int broken = ServingFixture.registerSerialized(admin, "churn", new Models.Throwing(Models.train(1)), dir).version();
    admin.setAlias("churn", "champion", broken);
    Eventually.until(() -> e.describe().state() == EndpointStatus.State.DEGRADED, "the failed warm-up is reported");
    assertTrue(e.describe().reason().contains("this model is broken"), e.describe().reason());
    assertEquals(1, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
  }

  @Test
  void aFailingLoadKeepsTheServingVersionAndReportsDegraded() throws Exception {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    // a version that is not a Tribuo model: loading it fails
    int broken = admin.register(dev.mlops.registry.Registration.of("churn").fromFile(java.nio.file.Files.write(dir.resolve("x.bin"),
        new byte[] {1, 2, 3})).flavor(dev.mlops.api.registry.ModelVersion.GENERIC)).version();
    admin.setAlias("churn", "champion", broken);
    Eventually.until(() -> e.describe().state() == EndpointStatus.State.DEGRADED, "the endpoint reports the failed load");
    EndpointStatus status = e.describe();
    assertTrue(status.reason().contains("v1 still serves"), status.reason());
    assertEquals(1, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
    admin.setAlias("churn", "champion", 2);
    Eventually.until(() -> e.describe().state() == EndpointStatus.State.READY
        && e.describe().variants().get(0).version() == 2, "v2 serves and the endpoint is ready");
  }

  @Test
  void anInstantRollbackServesARetainedVersion() throws Exception {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
    admin.setAlias("churn", "champion", 2);
    Eventually.until(() -> e.describe().variants().get(0).version() == 2, "v2 serves");
    e.rollbackTo("champion", 1);
    assertEquals(1, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
    assertThrows(dev.mlops.api.NotFoundException.class, () -> e.rollbackTo("champion", 7));
  }

  @Test
  void canarySharesStayWithinABinomialIntervalAndStickyKeysNeverMove() {
    admin.setAlias("churn", "canary", 2);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.2).build();
    Random r = new Random(7);
    int n = 20_000;
    int canary = 0;
    for (int i = 0; i < n; i++) {
      if (e.predict(Models.request(r)).variant().equals("canary")) {
        canary++;
      }
    }
    double sd = Math.sqrt(n * 0.2 * 0.8);
    assertTrue(Math.abs(canary - n * 0.2) < 4.5 * sd, canary + " canary requests of " + n);
    Map<String, String> first = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      first.put("user-" + i, e.predict(Models.request(r), "user-" + i).variant());
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 500; i++) {
        assertEquals(first.get("user-" + i), e.predict(Models.request(r), "user-" + i).variant(), "user-" + i);
      }
    }
    long sticky = first.values().stream().filter("canary"::equals).count();
    assertTrue(sticky > 50 && sticky < 150, sticky + " of 500 keys on the canary");
    e.setWeight("canary", 0.5);
    long moved = first.entrySet().stream().filter(x -> x.getValue().equals("canary")
        && !e.predict(Models.request(r), x.getKey()).variant().equals("canary")).count();
    assertEquals(0, moved, "raising the canary's weight moves no key off it");
  }

  @Test
  void aHeldOrThrowingShadowLeavesTheCallersAnswersUnchangedAndNeverHoldsThem() throws Exception {
    String gateName = "shadow-" + UUID.randomUUID();
    Models.Gate gate = Models.Gate.create(gateName);
    ServingFixture.registerSerialized(admin, "held", new Models.Gated(Models.train(1), gateName), dir);
    ServingFixture.registerSerialized(admin, "broken", new Models.Throwing(Models.train(1)), dir);
    Endpoint<Label> plain = server.endpoint("plain", Label.class).serve("models:/churn@champion").build();
    Endpoint<Label> e = server.endpoint("shadowed", Label.class).serve("models:/churn@champion")
        .shadow("held", "models:/held/1").shadow("broken", "models:/broken/1").queues(10_000, 10).warmup(0).build();
    // the first request holds the shadow worker at the gate until the test opens it
    e.predict(Models.held());
    gate.awaitEntered();
    Random r = new Random(3);
    // every request returns while the shadow is still held: none waited for it
    onAnotherThread(() -> {
      for (int i = 0; i < 300; i++) {
        Map<String, Object> req = Models.request(r);
        Served<Label> s = e.predict(req);
        assertEquals(plain.predict(req).outputText(), s.outputText());
        assertEquals("champion", s.variant());
      }
      return null;
    });
    assertEquals(1, gate.waiting.get(), "the shadow was held throughout");
    EndpointStatus st = e.describe();
    assertTrue(st.shadowDropped() >= 300 - 16, "a full shadow queue (10, rounded up to 16) drops and counts: " + st.shadowDropped());
    gate.open();
    Eventually.until(() -> e.describe().variants().stream().filter(v -> v.name().equals("broken")).findFirst().orElseThrow().errors()
        == 301 - e.describe().shadowDropped(), "every shadowed request failed on the broken shadow and was counted");
  }

  @Test
  void aBackgroundWorkerHeldToASmallShareOfACoreStillShadowsAndLogsEveryRequestBelowItsQueues() throws Exception {
    Random r = new Random(41);
    try (dev.mlops.monitoring.Monitor monitor = dev.mlops.monitoring.Monitor.builder("paced").reference(reference(r)).windowRows(100)
        .executor(Runnable::run).build()) {
      Endpoint<Label> e = server.endpoint("paced", Label.class).serve("models:/churn@champion").shadow("next", "models:/churn/2")
          .logTo(monitor).backgroundShare(0.1).build();
      for (int i = 0; i < 600; i++) {
        e.predict(Models.request(r));
      }
      // the worker pauses to keep to 10 % of a core: the items wait in their queues, none is dropped
      assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));
      EndpointStatus st = e.describe();
      assertEquals(0, st.shadowDropped());
      assertEquals(0, st.logging().rowsDropped());
      assertEquals(600, st.variants().stream().filter(v -> v.name().equals("next")).findFirst().orElseThrow().requests());
      assertEquals(600, monitor.stats().rows());
    }
  }

  @Test
  void shadowsRecordAgreementAndScoreDifference() throws Exception {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").shadow("next", "models:/churn/2")
        .shadow("flipped", "models:/churn/" + ServingFixture.register(admin, "churn", Models.mislabelling(3)).version()).build();
    Random r = new Random(4);
    for (int i = 0; i < 400; i++) {
      e.predict(Models.request(r));
    }
    assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));
    Map<String, EndpointStatus.VariantStatus> vs = new HashMap<>();
    e.describe().variants().forEach(v -> vs.put(v.name(), v));
    assertTrue(vs.get("next").agreement() > 0.9, vs.get("next").toString());
    assertTrue(vs.get("flipped").agreement() < 0.1, vs.get("flipped").toString());
    assertTrue(vs.get("flipped").meanScoreDifference() > 0.5, vs.get("flipped").toString());
    assertEquals(400, vs.get("next").requests());
  }

  @Test
  void aFullEndpointRefusesWithACapacityExceptionNamingItsLimit() throws Exception {
    String gateName = "capacity-" + UUID.randomUUID();
    Models.Gate gate = Models.Gate.create(gateName);
    ServingFixture.registerSerialized(admin, "held", new Models.Gated(Models.train(1), gateName), dir);
    Endpoint<Label> e = server.endpoint("held", Label.class).serve("models:/held/1").maxConcurrency(1).async(1, 1).build();
    CompletableFuture<Served<Label>> first = e.predictAsync(Models.held());
    gate.awaitEntered();   // the one request allowed in flight is held, on the one async worker
    CapacityException sync = assertThrows(CapacityException.class, () -> e.predict(Map.of("x1", 1.0, "x2", 0.0)));
    assertEquals("endpoint 'held' is at capacity: 1 requests in flight", sync.getMessage());
    CompletableFuture<Served<Label>> queued = e.predictAsync(Map.of("x1", 1.0, "x2", 0.0));
    CapacityException queue = assertThrows(CapacityException.class, () -> e.predictAsync(Map.of("x1", 1.0, "x2", 0.0)));
    assertEquals("endpoint 'held' is at capacity: its async queue of 1 requests is full", queue.getMessage());
    assertEquals(2, e.describe().rejectedForCapacity());
    gate.open();
    assertEquals(1, first.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).version());
    assertEquals("yes", queued.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).outputText());
  }

  @Test
  void aBanditConvergesToTheBetterArmWithAFixedSeed() {
    ServingFixture.register(admin, "churn", Models.train(3));
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn/1").arm("b", "models:/churn/3", 0.5)
        .bandit(Bandit.thompson(42)).build();
    Random r = new Random(5);
    int lastB = 0;
    for (int i = 0; i < 3000; i++) {
      Served<Label> s = e.predict(Models.request(r));
      double p = s.variant().equals("b") ? 0.8 : 0.3;
      e.feedback(s.requestId(), r.nextDouble() < p ? 1.0 : 0.0);
      if (i >= 2000 && s.variant().equals("b")) {
        lastB++;
      }
    }
    assertTrue(lastB > 900, "the better arm got " + lastB + " of the last 1000 requests");
    List<AbSummary> ab = e.abSummary();
    AbSummary b = ab.stream().filter(a -> a.variant().equals("b")).findFirst().orElseThrow();
    assertTrue(b.rate() > 0.7 && b.z() > 0 && b.significant(0.01), b.toString());
  }

  @Test
  void theAbSummaryComparesEachOtherVariantWithTheChampionNeverTheChampionWithItself() {
    admin.setAlias("churn", "canary", 2);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.5)
        .feedback(1000, true).build();
    Random r = new Random(6);
    for (int i = 0; i < 400; i++) {
      Map<String, Object> req = Models.request(r);
      e.feedback(e.predict(req).requestId(), new Label(Models.truth(req)));
    }
    assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()), "the feedback was counted");
    List<AbSummary> ab = e.abSummary();
    assertEquals(List.of("canary"), ab.stream().map(AbSummary::variant).toList(), ab.toString());
    assertTrue(ab.get(0).outcomes() > 0 && ab.get(0).championOutcomes() > 0 && !Double.isNaN(ab.get(0).pValue()), ab.toString());
  }

  @Test
  void aVariantThatAnsweredNothingSaysSoInsteadOfPrintingNanLatencies() {
    admin.setAlias("churn", "canary", 2);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.2)
        .shadow("shadow", "models:/churn/2").build();
    String idle = e.describe().toString();
    assertFalse(idle.contains("NaN"), idle);
    assertEquals(3, idle.split("no requests", -1).length - 1, idle);
    e.predict(Map.of("x1", 3.0, "x2", 0.0));
    assertTrue(e.describe().variants().stream().anyMatch(v -> v.toString().contains("1 request, 0 errors, p50 ")), e.describe().toString());
  }

  /**
   * A canary alias moved to a version whose every prediction throws, under a policy of windows of 50 requests, at most
   * 5 % errors, the alias restored on a rollback (warm-up off: with it, the broken version would never serve); requests
   * are sent until the policy acts. Each test checks one consequence.
   */
  @Nested
  @DisplayName("an erroring canary")
  class ErroringCanary {
    private final List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    private final Random r = new Random(6);
    private Endpoint<Label> e;
    private int broken;
    private int canaryFailures;

    @BeforeEach
    void serveABrokenCanaryUntilThePolicyActs() throws Exception {
      admin.setAlias("churn", "canary", 2);
      e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.3)
          .warmup(0).rollout(RolloutPolicy.builder().window(50).maxErrorRate(0.05).restoreAlias(true).build()).build();
      e.onRollout(events::add);
      broken = ServingFixture.registerSerialized(admin, "churn", new Models.Throwing(Models.train(1)), dir).version();
      admin.setAlias("churn", "canary", broken);
      Eventually.until(() -> {
        Integer v = e.describe().variants().get(1).version();
        return v != null && v == broken;
      }, "the canary serves the broken version");
      for (int i = 0; i < 2000 && events.isEmpty(); i++) {
        try {
          e.predict(Models.request(r));
        } catch (IllegalStateException ex) {
          canaryFailures++;
        }
      }
      Eventually.until(() -> !events.isEmpty(), "the policy rolled the canary back");
    }

    @Test
    @DisplayName("is rolled back by the error-rate rule, with its version and figures")
    void isRolledBackByTheErrorRateRule() {
      RolloutEvent ev = events.get(0);
      assertEquals(RolloutEvent.Kind.ROLLED_BACK, ev.kind());
      assertEquals("error_rate", ev.rule());
      assertEquals(broken, ev.version());
      assertTrue(ev.detail().startsWith("error rate 1.000 > 0.050"), ev.detail());
    }

    @Test
    @DisplayName("is rolled back after exactly one window of failed requests")
    void withinOneWindow() {
      assertEquals(50, canaryFailures, "rolled back after exactly one window of failed requests");
    }

    @Test
    @DisplayName("gets no more requests: every later one goes to the champion")
    void getsNoMoreRequests() {
      assertEquals(0.0, e.describe().variants().get(1).weight());
      for (int i = 0; i < 200; i++) {
        assertEquals("champion", e.predict(Models.request(r)).variant());
      }
    }

    @Test
    @DisplayName("has its alias restored through the registry, in a verified audit trail")
    void itsAliasIsRestoredInAVerifiedAuditTrail() {
      Eventually.until(() -> admin.aliases("churn").get("canary") == 2, "the canary alias is back on v2");
      List<AuditEntry> moves = admin.audit("churn", "serving", Long.MIN_VALUE, Long.MAX_VALUE);
      assertEquals(1, moves.size(), moves.toString());
      assertEquals("ALIAS_MOVED", moves.get(0).action());
      assertEquals("churn@canary", moves.get(0).target());
      assertTrue(admin.verifyAudit().valid());
    }
  }

  @Test
  void aMislabellingCanaryIsRolledBackOnLabelledAccuracy() throws Exception {
    int bad = ServingFixture.register(admin, "churn", Models.mislabelling(9)).version();
    admin.setAlias("churn", "canary", bad);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.3)
        .rollout(RolloutPolicy.builder().window(60).minAccuracyDelta(-0.1, 30).build()).build();
    List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    e.onRollout(events::add);
    Random r = new Random(8);
    for (int i = 0; i < 3000 && events.isEmpty(); i++) {
      Map<String, Object> req = Models.request(r);
      Served<Label> s = e.predict(req);
      e.feedback(s.requestId(), new Label(Models.truth(req)));
    }
    Eventually.until(() -> !events.isEmpty(), "the policy rolled the canary back");
    assertEquals("accuracy", events.get(0).rule(), events.get(0).toString());
    assertEquals(0.0, e.describe().variants().get(1).weight());
    assertTrue(e.describe().variants().get(1).accuracy() < 0.2, e.describe().toString());
  }

  @Test
  void aCleanCanaryIsPromotedThroughTheRegistry() throws Exception {
    admin.setAlias("churn", "canary", 2);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.5)
        .rollout(RolloutPolicy.builder().window(50).promoteAfter(200, "champion").build()).build();
    List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    e.onRollout(events::add);
    Random r = new Random(10);
    for (int i = 0; i < 2000 && events.isEmpty(); i++) {
      e.predict(Models.request(r));
    }
    Eventually.until(() -> !events.isEmpty(), "the canary was promoted");
    assertEquals(RolloutEvent.Kind.PROMOTED, events.get(0).kind());
    Eventually.until(() -> admin.aliases("churn").get("champion") == 2, "champion points at v2");
    Eventually.until(() -> e.describe().variants().get(0).version() == 2, "the champion variant serves v2");
  }

  @Test
  void aCanaryParkedOnTheChampionsOwnVersionIsNeverProposedForPromotion() throws Exception {
    // between challengers the canary alias rests on the champion's version; its requests are clean
    // but promoting it would move the champion onto itself
    admin.setAlias("churn", "canary", 1);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.5)
        .rollout(RolloutPolicy.builder().window(50).promoteAfter(200, "champion").build()).build();
    List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    e.onRollout(events::add);
    Random r = new Random(12);
    for (int i = 0; i < 2000; i++) {
      e.predict(Models.request(r));
    }
    assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()), "the judge's actions ran");
    assertTrue(e.describe().variants().get(1).requests() >= 200, "the canary answered enough requests: " + e.describe());
    assertEquals(List.of(), events, "no promotion was proposed");
    assertEquals(List.of(), admin.audit("churn", "serving", Long.MIN_VALUE, Long.MAX_VALUE), "serving moved no alias");
    assertEquals(List.of(), admin.requests("churn"), "no promotion request");
  }

  /** A monitor whose first window report (10 rows) holds the endpoint's logging thread until {@code release} opens. */
  static dev.mlops.monitoring.Monitor heldMonitor(Random r, CountDownLatch reporting, CountDownLatch release) {
    return dev.mlops.monitoring.Monitor.builder("held").reference(reference(r)).windowRows(10).executor(Runnable::run).onReport(w -> {
      reporting.countDown();
      try {
        release.await();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }).build();
  }

  @Test
  void predictionLoggingNeverBlocksTheCaller() throws Exception {
    Random r = new Random(11);
    CountDownLatch reporting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").logTo(heldMonitor(r, reporting, release))
        .queues(50, 10).build();
    for (int i = 0; i < 10; i++) {
      e.predict(Models.request(r));
    }
    assertTrue(reporting.await(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the logging thread reached the held report");
    // the caller's 2,000 predictions all return while the logging thread is held
    onAnotherThread(() -> {
      for (int i = 0; i < 2000; i++) {
        e.predict(Models.request(r));
      }
      return null;
    });
    EndpointStatus.Logging logging = e.describe().logging();
    assertTrue(logging.rowsDropped() >= 2000 - 64, "rows over the queue's capacity (50, rounded up to 64) were dropped and counted: "
        + logging);
    release.countDown();
    assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));
  }

  @Test
  void droppedRowsAndDroppedLabelsAreCountedApartAndTheMonitorsRowsReconcile() throws Exception {
    Random r = new Random(14);
    CountDownLatch reporting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    dev.mlops.monitoring.Monitor held = heldMonitor(r, reporting, release);
    dev.mlops.monitoring.performance.PredictionLog log = new dev.mlops.monitoring.performance.PredictionLog(1000, 0.5);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").logTo(held).predictionLog(log, "yes")
        .queues(50, 10).build();
    List<String> ids = new ArrayList<>();
    List<String> truths = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Map<String, Object> req = Models.request(r);
      ids.add(e.predict(req).requestId());
      truths.add(Models.truth(req));
      if (i == 9) {
        assertTrue(reporting.await(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the logging thread reached the held report");
      }
    }
    // the logging thread is held and its queue full of rows: every label is dropped, and counted as a label
    for (int i = 0; i < 1000; i++) {
      assertTrue(e.feedback(ids.get(i), new Label(truths.get(i))));
    }
    EndpointStatus.Logging logging = e.describe().logging();
    assertEquals(1000, logging.rows());
    assertEquals(1000, logging.labels());
    assertEquals(1000, logging.labelsDropped(), logging.toString());
    assertTrue(logging.rowsDropped() >= 990 - 64 && logging.rowsDropped() <= 990, logging.toString());
    release.countDown();
    assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));
    held.flush();
    assertEquals(logging.rows() - logging.rowsDropped(), held.stats().rows(), "rows the monitor saw = rows logged - rows dropped");
    // labels sent again, a queue's worth at a time, reach the prediction log: those of dropped rows find nothing to join
    for (int i = 0; i < 1000; i++) {
      assertTrue(e.feedback(ids.get(i), new Label(truths.get(i))));
      if (i % 50 == 49) {
        assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));
      }
    }
    logging = e.describe().logging();
    assertEquals(1000, logging.labelsDropped(), "no label of the second round was dropped: " + logging);
    assertEquals(logging.rowsDropped(), logging.labelsUnjoined(), logging.toString());
    assertEquals(logging.rows() - logging.rowsDropped(), log.windows().get(0).labelled());
  }

  @Test
  void delayedLabelsJoinThePredictionLogAndTheMonitorSeesTheTraffic() throws Exception {
    Random r = new Random(12);
    dev.mlops.monitoring.profile.Profile ref = reference(r);
    dev.mlops.monitoring.Monitor monitor = dev.mlops.monitoring.Monitor.builder("churn-live").reference(ref).windowRows(100)
        .executor(Runnable::run).build();
    dev.mlops.monitoring.performance.PredictionLog log = new dev.mlops.monitoring.performance.PredictionLog(100, 0.5);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").logTo(monitor).predictionLog(log, "yes").build();
    List<String> ids = new ArrayList<>();
    List<String> truths = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Map<String, Object> req = Models.request(r);
      ids.add(e.predict(req).requestId());
      truths.add(Models.truth(req));
    }
    for (int i = 0; i < 150; i++) {
      assertTrue(e.feedback(ids.get(i), new Label(truths.get(i))));
    }
    assertFalse(e.feedback("unknown-id", new Label("yes")));
    assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));
    assertEquals(3, monitor.reports().size());
    assertEquals(300, monitor.stats().rows());
    List<dev.mlops.monitoring.performance.PredictionLog.WindowPerformance> w = log.windows();
    assertEquals(3, w.size());
    assertEquals(100, w.get(0).labelled());
    assertEquals(50, w.get(1).labelled());
    assertTrue(w.get(0).realized().accuracy() > 0.9);
    assertEquals(150, e.describe().variants().get(0).labelled());
  }

  @Test
  void feedbackJoinsEveryOneOfTheLastWindowOfAnswersAndNothingOlder() {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").feedback(1000, true).build();
    Random r = new Random(15);
    List<String> ids = new ArrayList<>();
    List<String> truths = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      Map<String, Object> req = Models.request(r);
      ids.add(e.predict(req).requestId());
      truths.add(Models.truth(req));
    }
    // the window is the last 1,000 answers, first in, first out: never an answer that happens to be evicted early
    for (int i = 4000; i < 5000; i++) {
      assertTrue(e.feedback(ids.get(i), new Label(truths.get(i))), "answer " + i + " of 5,000 is in the window of the last 1,000");
    }
    assertFalse(e.feedback(ids.get(3999), new Label(truths.get(3999))), "answer 3,999 left the window");
    assertEquals(1000, e.describe().variants().get(0).labelled());
  }

  @Test
  void feedbackRightAfterAnAnswerAlwaysJoinsUnderConcurrentLoad() throws Exception {
    // a window of 2,000 answers, four callers answering 25,000 each and labelling each answer at once; they meet every
    // 100 requests, so at most 400 answers are registered between an answer and its label, whatever the scheduling
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").feedback(2000, true).build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    java.util.concurrent.CyclicBarrier rounds = new java.util.concurrent.CyclicBarrier(4);
    try {
      List<Future<Long>> refused = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Random r = new Random(t);
        refused.add(pool.submit(() -> {
          long n = 0;
          for (int i = 0; i < 25_000; i++) {
            Map<String, Object> req = Models.request(r);
            if (!e.feedback(e.predict(req).requestId(), new Label(Models.truth(req)))) {
              n++;
            }
            if (i % 100 == 99) {
              rounds.await(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
          }
          return n;
        }));
      }
      long total = 0;
      for (Future<Long> f : refused) {
        total += f.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
      assertEquals(0, total, "labels refused for answers just given");
    } finally {
      pool.shutdown();
    }
    assertEquals(100_000, e.describe().variants().get(0).labelled());
  }

  @Test
  void microBatchingGivesTheSameAnswers() throws Exception {
    Endpoint<Label> plain = server.endpoint("plain", Label.class).serve("models:/churn@champion").build();
    Endpoint<Label> batched = server.endpoint("batched", Label.class).serve("models:/churn@champion")
        .batching(Batching.of(16, Duration.ofMillis(2))).build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        fs.add(pool.submit(() -> {
          Random r = new Random(seed);
          for (int i = 0; i < 200; i++) {
            Map<String, Object> req = Models.request(r);
            if (!plain.predict(req).outputText().equals(batched.predict(req).outputText())) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : fs) {
        assertTrue(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdown();
    }
    Endpoint<Label> noDelay = server.endpoint("nodelay", Label.class).serve("models:/churn@champion").batching(Batching.noDelay(8)).build();
    assertEquals("yes", noDelay.predict(Map.of("x1", 3.0, "x2", 0.0)).outputText());
    Endpoint<Label> adaptive = server.endpoint("adaptive", Label.class).serve("models:/churn@champion")
        .batching(Batching.adaptive(8, Duration.ofMillis(5))).build();
    assertEquals("no", adaptive.predict(Map.of("x1", -3.0, "x2", 0.0)).outputText());
  }

  @Test
  void micrometerMetersAreTaggedByEndpointVariantAndVersion() throws Exception {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    admin.setAlias("churn", "canary", 2);
    try (ModelServer metered = ModelServer.builder().registry(server.registry()).meterRegistry(meters).build()) {
      Endpoint<Label> e = metered.endpoint("m", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.5).build();
      Random r = new Random(13);
      for (int i = 0; i < 200; i++) {
        e.predict(Models.request(r));
      }
      assertThrows(InvalidInputException.class, () -> e.predict(Map.of("x1", 1.0)));
      long champion = (long) meters.get("mlops.serving.latency").tags("endpoint", "m", "variant", "champion", "version", "1").functionTimer().count();
      long canary = (long) meters.get("mlops.serving.latency").tags("endpoint", "m", "variant", "canary", "version", "2").functionTimer().count();
      assertEquals(200, champion + canary);
      assertTrue(champion > 50 && canary > 50);
      assertEquals(1.0, meters.get("mlops.serving.errors").tags("endpoint", "m", "kind", "invalid_input").counter().count());
      assertNotNull(meters.get("mlops.serving.queue.depth").tags("endpoint", "m", "queue", "shadow").gauge());
      assertEquals((double) e.describe().shadowDropped(),
          meters.get("mlops.serving.dropped").tags("endpoint", "m", "queue", "shadow", "item", "request").functionCounter().count());
      for (String item : List.of("row", "label")) {
        assertEquals(0.0, meters.get("mlops.serving.dropped").tags("endpoint", "m", "queue", "log", "item", item).functionCounter().count());
      }
    }
  }
}
