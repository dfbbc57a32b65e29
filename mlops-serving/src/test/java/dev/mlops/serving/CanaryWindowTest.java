package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.Eventually;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;

/**
 * A canary's window under a rollout policy lets in exactly its size in requests, then takes no
 * more until it is judged: the champion answers meanwhile, so a breach costs at most one window
 * plus the requests already routed when the canary's weight went to 0.
 */
class CanaryWindowTest {
  @TempDir
  Path dir;
  ModelRegistry registry;
  ModelServer server;

  @BeforeEach
  void open() {
    registry = ModelRegistry.builder().storage("mem:canary-window-" + UUID.randomUUID()).allowJavaSerialization(ServingFixture.ALLOW_TEST_MODELS)
        .build();
    ServingFixture.register(registry, "churn", Models.train(1));
    registry.setAlias("churn", "champion", 1);
    server = ModelServer.builder().registry(registry).build();
  }

  @AfterEach
  void close() {
    server.close();
    registry.close();
  }

  static <V> List<V> onThreads(int threads, java.util.concurrent.Callable<V> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<V>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(pool.submit(work));
      }
      List<V> out = new ArrayList<>();
      for (Future<V> f : fs) {
        out.add(f.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFullWindowAwaitingJudgementTakesNoMoreRequestsUntilItIsJudged() throws Exception {
    String gateName = "window-" + UUID.randomUUID();
    Models.Gate gate = Models.Gate.create(gateName);
    ServingFixture.registerSerialized(registry, "churn", new Models.Gated(Models.train(1), gateName), dir);
    registry.setAlias("churn", "canary", 2);
    // every request goes to the canary while it takes them
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 1.0)
        .rollout(RolloutPolicy.builder().window(20).build()).build();
    ExecutorService held = Executors.newSingleThreadExecutor();
    try {
      Future<Served<Label>> first = held.submit(() -> e.predict(Models.held()));
      gate.awaitEntered();   // the window's first request is in flight, held by the canary
      Random r = new Random(1);
      for (int i = 0; i < 19; i++) {
        assertEquals("canary", e.predict(Models.request(r)).variant());
      }
      // the window holds 20 requests, one still in flight: it cannot be judged yet, and takes no more
      List<Long> canaryAnswers = onThreads(4, () -> {
        Random rr = new Random();
        long n = 0;
        for (int i = 0; i < 100; i++) {
          if (e.predict(Models.request(rr)).variant().equals("canary")) {
            n++;
          }
        }
        return n;
      });
      assertEquals(List.of(0L, 0L, 0L, 0L), canaryAnswers, "requests answered by the canary while its full window awaited judgement");
      assertEquals(19, e.describe().variants().get(1).requests());
      gate.open();
      assertEquals("canary", first.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).variant());
      // the request that completed the window judged it (clean): a new window takes requests again
      assertEquals("canary", e.predict(Models.request(r)).variant());
      assertEquals(1.0, e.describe().variants().get(1).weight());
    } finally {
      held.shutdownNow();
    }
  }

  @Test
  void aBreachCostsOneWindowPlusTheRequestsInFlight() throws Exception {
    ServingFixture.registerSerialized(registry, "churn", new Models.Throwing(Models.train(1)), dir);
    registry.setAlias("churn", "canary", 2);
    // warm-up off: with it, the broken version would never serve
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.5)
        .warmup(0).rollout(RolloutPolicy.builder().window(50).build()).build();
    AtomicBoolean rolledBack = new AtomicBoolean();
    e.onRollout(ev -> rolledBack.set(true));
    int threads = 4;
    List<Integer> failures = onThreads(threads, () -> {
      Random r = new Random();
      int n = 0;
      // until the canary's weight is 0, then a few more: a request routed before that may still reach it
      for (int after = 0; after < 200; ) {
        Map<String, Object> req = Models.request(r);
        try {
          e.predict(req);
        } catch (IllegalStateException broken) {
          n++;
        }
        if (e.describe().variants().get(1).weight() == 0) {
          after++;
        }
      }
      return n;
    });
    int total = failures.stream().mapToInt(Integer::intValue).sum();
    assertTrue(total >= 50 && total <= 50 + threads - 1, "canary failures: " + total + " for a window of 50 and " + threads + " callers");
    Eventually.until(rolledBack::get, "the rollback is announced");
  }

  /**
   * The demo's champion once read more labels than requests: a champion request held while the
   * canary's windows were judged twice counted in a window the totals had already summed, while its
   * label counted in the live one. The totals now count every request, however late it ends.
   */
  @Test
  void aRequestHeldWhileTheWindowsRollCountsInTheTotalsAndLabelsNeverOutnumberRequests() throws Exception {
    String gateName = "totals-" + UUID.randomUUID();
    Models.Gate gate = Models.Gate.create(gateName);
    ServingFixture.registerSerialized(registry, "churn", new Models.Gated(Models.train(1), gateName), dir);
    registry.setAlias("churn", "champion", 2);
    registry.setAlias("churn", "canary", 1);
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 1.0)
        .rollout(RolloutPolicy.builder().window(5).build()).build();
    e.setWeight("canary", 0);
    ExecutorService held = Executors.newSingleThreadExecutor();
    try {
      Future<Served<Label>> first = held.submit(() -> e.predict(Models.held()));
      gate.awaitEntered(); // the champion's request is in flight; it read the champion's window when it was routed
      e.setWeight("canary", 1.0);
      Random r = new Random(3);
      List<Served<Label>> answers = new ArrayList<>();
      List<Map<String, Object>> requests = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        Map<String, Object> request = Models.request(r);
        requests.add(request);
        answers.add(e.predict(request)); // three canary windows judged: the champion's window rolled three times
      }
      assertTrue(answers.stream().allMatch(a -> a.variant().equals("canary")), "every request but the held one went to the canary");
      gate.open();
      Served<Label> late = first.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertEquals("champion", late.variant());
      assertTrue(e.feedback(late.requestId(), new Label(Models.truth(Models.held()))));
      for (int i = 0; i < answers.size(); i++) {
        assertTrue(e.feedback(answers.get(i).requestId(), new Label(Models.truth(requests.get(i)))));
      }
      EndpointStatus.VariantStatus champion = e.describe().variants().get(0);
      EndpointStatus.VariantStatus canary = e.describe().variants().get(1);
      assertEquals(1, champion.requests(), "the held request counts once the windows have rolled");
      assertEquals(1, champion.labelled());
      assertEquals(15, canary.requests());
      assertEquals(15, canary.labelled());
    } finally {
      held.shutdownNow();
    }
  }

  @Test
  void aLabelDeliveredTwiceCountsOnceInTheVariantsFigures() {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").feedback(100, true).build();
    Map<String, Object> request = Models.request(new Random(5));
    Served<Label> answer = e.predict(request);
    Label truth = new Label(Models.truth(request));
    assertTrue(e.feedback(answer.requestId(), truth));
    assertTrue(e.feedback(answer.requestId(), truth), "a retried label still joins (for the prediction logs)");
    EndpointStatus.VariantStatus champion = e.describe().variants().get(0);
    assertEquals(1, champion.requests());
    assertEquals(1, champion.labelled());
  }
}
