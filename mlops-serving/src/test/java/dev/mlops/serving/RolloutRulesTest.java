package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;

/**
 * Which rules a rollout policy judges, and on what: only the rules it configures (the error rate
 * has a default), and a comparison with the champion only when both have enough samples in the
 * window. Requests carry sticky keys, so which variant answers each is fixed, and latencies are
 * read from a test clock that only the canary's model moves: every outcome here is decided by the
 * requests sent, not by chance or timing.
 */
class RolloutRulesTest {
  @TempDir
  Path dir;
  ModelRegistry registry;
  ModelServer server;
  /** The endpoints' latency clock: only the canary moves it, so the champion answers in 0 ns and the canary in 15 ms. */
  String clockName = "rollout-" + UUID.randomUUID();
  java.util.concurrent.atomic.AtomicLong clock = Models.clock(clockName);

  @BeforeEach
  void open() throws Exception {
    registry = ModelRegistry.builder().storage("mem:rollout-" + UUID.randomUUID()).allowJavaSerialization(ServingFixture.ALLOW_TEST_MODELS)
        .build();
    ServingFixture.register(registry, "churn", Models.train(1));
    // v2: answers as v1 does, 15 ms later: above the 10 ms floor and far above the champion's
    ServingFixture.registerSerialized(registry, "churn", new Models.Delayed(Models.train(1), clockName, 15_000_000), dir);
    registry.setAlias("churn", "champion", 1);
    registry.setAlias("churn", "canary", 2);
    server = ModelServer.builder().registry(registry).build();
  }

  @AfterEach
  void close() {
    server.close();
    registry.close();
  }

  /** An endpoint following champion and canary, its latencies read from the test clock. */
  EndpointBuilder<Label> endpoint(double canaryWeight, RolloutPolicy policy) {
    EndpointBuilder<Label> b = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", canaryWeight)
        .warmup(0).rollout(policy);
    b.ticker = clock::get;
    return b;
  }

  /** Sends {@code n} requests with the sticky keys key-0 ... key-(n-1); returns how many the canary answered. */
  static int send(Endpoint<Label> e, int n) {
    Random r = new Random(1);
    int canary = 0;
    for (int i = 0; i < n; i++) {
      if (e.predict(Models.request(r), "key-" + i).variant().equals("canary")) {
        canary++;
      }
    }
    return canary;
  }

  double canaryWeight(Endpoint<Label> e) {
    return e.describe().variants().get(1).weight();
  }

  @Test
  void aSlowCanaryIsNotJudgedOnLatencyByAPolicyThatDoesNotAskForIt() {
    Endpoint<Label> e = endpoint(0.3, RolloutPolicy.builder().window(100).build()).build();
    int canary = send(e, 1000);
    assertTrue(canary >= 200, "two full canary windows were judged: " + canary);
    assertEquals(0.3, canaryWeight(e), "a policy without a latency rule never rolls back on latency");
  }

  @Test
  void aLatencyRuleIsNotJudgedAgainstAChampionWithTooFewSamplesInTheWindow() {
    Endpoint<Label> e = endpoint(0.97, RolloutPolicy.builder().window(100).maxLatencyRatio(3, Duration.ofMillis(10)).build()).build();
    int canary = send(e, 300);
    assertTrue(canary >= 200 && 300 - canary < 100, "the champion answered fewer than 100 requests in each window: " + (300 - canary));
    assertEquals(0.97, canaryWeight(e), "a p99 of a handful of champion requests is no baseline");
  }

  @Test
  void aConfiguredLatencyRuleRollsBackASlowCanaryOnceBothHaveEnoughSamples() {
    Endpoint<Label> e = endpoint(0.3, RolloutPolicy.builder().window(100).maxLatencyRatio(3, Duration.ofMillis(10)).build()).build();
    List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    e.onRollout(events::add);
    send(e, 1000);
    assertEquals(0.0, canaryWeight(e));
    Eventually.until(() -> !events.isEmpty(), "the rollback is announced");
    assertEquals("latency_p99", events.get(0).rule());
    assertTrue(events.get(0).detail().contains("over 100 canary and"), events.get(0).detail());
  }
}
