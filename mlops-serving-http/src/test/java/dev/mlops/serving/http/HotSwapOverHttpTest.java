package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.testkit.Concurrently;
import dev.mlops.testkit.Eventually;
import java.net.http.HttpResponse;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The in-process swap guarantee over HTTP: clients see every alias move without one failed request. */
class HotSwapOverHttpTest {
  static final int CLIENTS = 4;
  static final int MOVES = 100;

  /** How a load thread sends one inference. */
  interface Send {
    HttpResponse<String> infer() throws Exception;
  }

  @Test
  @DisplayName("four HTTP clients through 100 alias moves: every request counted, every one answered 200 by v1 or v2, each move seen")
  void hundredMovesWithoutAFailedRequest() throws Exception {
    try (HttpFixture f = new HttpFixture(b -> b.threads(CLIENTS), e -> e)) {
      throughMoves(f, CLIENTS, MOVES, () -> f.post("/v2/models/churn/infer", HttpFixture.columns(3, 0)));
    }
  }

  /**
   * {@code clients} threads send inferences while {@code @champion} moves {@code moves} times between
   * v1 and v2 (each move waited for, and seen answered): no request fails, every one is counted by the
   * endpoint, each answered "yes" by v1 or v2. Leaves {@code @champion} on v1 when {@code moves} is even.
   */
  static void throughMoves(HttpFixture f, int clients, int moves, Send send) throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicLongArray answeredBy = new AtomicLongArray(3);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    long[] sent = new long[clients + 1];
    long before = f.churn.describe().variants().get(0).requests();
    Concurrently.run(clients + 1, t -> {
      if (t == clients) {
        try {
          for (int i = 1; i <= moves; i++) {
            int v = i % 2 == 0 ? 1 : 2;
            f.admin.setAlias("churn", "champion", v);
            assertTrue(f.churn.awaitVersion("champion", v, Eventually.DEFAULT_TIMEOUT), "move " + i + " flipped");
            long seen = answeredBy.get(v);
            Eventually.until(() -> answeredBy.get(v) > seen, "an HTTP request answered by v" + v + " after move " + i);
          }
        } finally {
          done.set(true);
        }
        return;
      }
      while (!done.get()) {
        HttpResponse<String> r = send.infer();
        sent[t]++;
        if (r.statusCode() != 200) {
          failures.add(r.statusCode() + " " + r.body());
          continue;
        }
        JsonNode body = HttpFixture.json(r);
        int v = body.get("model_version").asInt();
        if (!body.get("outputs").get(0).get("data").get(0).asText().equals("yes") || v < 1 || v > 2) {
          failures.add(r.body());
        }
        answeredBy.incrementAndGet(v);
      }
    });
    long total = 0;
    for (long s : sent) {
      total += s;
    }
    assertEquals("[]", failures.toString());
    assertEquals(total, answeredBy.get(1) + answeredBy.get(2), "every request sent was answered and counted");
    assertTrue(answeredBy.get(1) > 0 && answeredBy.get(2) > 0);
    assertEquals(before + total, f.churn.describe().variants().get(0).requests(), "the endpoint counted the same requests");
  }
}
