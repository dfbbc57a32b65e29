package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.RolloutPolicy;
import dev.mlops.testkit.Concurrently;
import dev.mlops.testkit.Eventually;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MLflow's scoring protocol, feedback by request id, the Prometheus scrape and the capacity answers, over HTTP. */
class MlflowFeedbackMetricsTest {

  @Test
  @DisplayName("/invocations answers MLflow's four input forms with the same predictions as the endpoint in process")
  void invocationsInEveryForm() throws Exception {
    try (HttpFixture f = new HttpFixture()) {
      String expected = expected(f);
      assertEquals("{\"predictions\":[\"yes\",\"no\"]}", expected);
      for (String body : new String[] {
          "{\"dataframe_split\": {\"index\": [0, 1], \"columns\": [\"x2\", \"x1\"], \"data\": [[0.5, 3], [1, -2]]}}",
          "{\"dataframe_records\": [{\"x1\": 3, \"x2\": 0.5}, {\"x1\": -2, \"x2\": 1}]}",
          "{\"instances\": [[3, 0.5], [-2, 1]]}",
          "{\"instances\": [{\"x1\": 3, \"x2\": 0.5}, {\"x1\": -2, \"x2\": 1}]}",
          "{\"inputs\": {\"x1\": [3, -2], \"x2\": [0.5, 1]}, \"params\": {}}"}) {
        HttpResponse<String> r = f.post("/invocations", body);
        assertEquals(200, r.statusCode(), body + ": " + r.body());
        assertEquals(expected, r.body(), body);
        assertEquals(2, r.headers().firstValue("X-Request-Ids").orElse("").split(",").length);
      }
      HttpResponse<String> both = f.post("/invocations", "{\"instances\": [[1, 2]], \"inputs\": [[1, 2]]}");
      assertEquals(400, both.statusCode());
      assertTrue(HttpFixture.json(both).get("error").asText().contains("exactly one of"), both.body());
      HttpResponse<String> missing = f.post("/invocations", "{\"dataframe_records\": [{\"x1\": 3}]}");
      assertEquals(400, missing.statusCode());
      assertTrue(HttpFixture.json(missing).get("error").asText().contains("x2"), missing.body());
      HttpResponse<String> xml = f.send(HttpRequest.newBuilder(f.uri("/invocations")).header("Content-Type", "application/xml")
          .POST(HttpRequest.BodyPublishers.ofString("<x1>3</x1>")));
      assertEquals(415, xml.statusCode());
      assertTrue(xml.body().contains("send application/json or text/csv"), xml.body());
    }
  }

  /** The in-process answers to the rows (x1 3, x2 0.5) and (x1 -2, x2 1), as /invocations writes them. */
  static String expected(HttpFixture f) {
    return "{\"predictions\":[\"" + f.churn.predict(Map.of("x1", 3.0, "x2", 0.5)).outputText() + "\",\""
        + f.churn.predict(Map.of("x1", -2.0, "x2", 1.0)).outputText() + "\"]}";
  }

  static HttpResponse<String> csv(HttpFixture f, String body) throws Exception {
    return f.send(HttpRequest.newBuilder(f.uri("/invocations")).header("Content-Type", "text/csv; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  @DisplayName("/invocations reads text/csv as mlflow models serve does: a header row, quoted fields, CRLF, empty cells left out")
  void invocationsCsv() throws Exception {
    try (HttpFixture f = new HttpFixture()) {
      String expected = expected(f);
      for (String body : new String[] {"x1,x2\n3,0.5\n-2,1\n", "x2,x1\r\n0.5,3\r\n1,-2", "\uFEFF\"x1\",\"x2\"\n\"3\",.5\n-2e0,+1\n\n"}) {
        HttpResponse<String> r = csv(f, body);
        assertEquals(200, r.statusCode(), body + ": " + r.body());
        assertEquals(expected, r.body(), body);
      }
      HttpResponse<String> missing = csv(f, "x1,x2\n3,\n");
      assertEquals(400, missing.statusCode());
      assertTrue(HttpFixture.json(missing).get("error").asText().contains("x2"), "an empty cell is a missing feature: " + missing.body());
      record Bad(String body, String says) {}
      for (Bad b : java.util.List.of(new Bad("x1,x2\n3\n", "CSV row 1 has 1 fields; the header names 2 columns [x1, x2]"),
          new Bad("x1,x1\n3,4\n", "must be named, and named once"), new Bad("x1,x2\n\"3,4\n", "ends inside a quoted field"),
          new Bad("x1,x2\n3,4\"\n", "a quote inside an unquoted field"), new Bad("", "the CSV body is empty"))) {
        HttpResponse<String> r = csv(f, b.body());
        assertEquals(400, r.statusCode(), b + r.body());
        assertTrue(HttpFixture.json(r).get("error").asText().contains(b.says()), b + r.body());
      }
    }
  }

  @Test
  @DisplayName("labels and rewards for a request id reach the endpoint: a wrong canary is rolled back while HTTP clients send traffic and feedback")
  void canaryRolledBackByHttpFeedback() throws Exception {
    try (HttpFixture f = new HttpFixture(b -> b, e -> e.canary("models:/churn@canary", 0.5)
        .rollout(RolloutPolicy.builder().window(40).minAccuracyDelta(-0.05, 20).build()))) {
      assertTrue(f.churn.awaitVersion("canary", 3, Eventually.DEFAULT_TIMEOUT));
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      Concurrently.run(3, t -> {
        Random r = new Random(t);
        while (f.churn.describe().variants().get(1).weight() > 0) {
          double x1 = r.nextBoolean() ? 2 + r.nextDouble() : -2 - r.nextDouble();
          HttpResponse<String> answer = f.post("/v2/models/churn/infer", HttpFixture.columns(x1, 0));
          if (answer.statusCode() != 200) {
            failures.add(answer.body());
            continue;
          }
          String id = HttpFixture.json(answer).get("parameters").get("request_ids").get(0).asText();
          HttpResponse<String> label = f.post("/v2/models/churn/feedback", "{\"request_id\": \"" + id + "\", \"label\": \""
              + (x1 > 0 ? "yes" : "no") + "\"}");
          if (label.statusCode() != 200 || !HttpFixture.json(label).get("joined").asBoolean()) {
            failures.add(label.body());
          }
        }
      });
      assertEquals("[]", failures.toString());
      assertEquals(0.0, f.churn.describe().variants().get(1).weight(), "the canary was rolled back");
      assertTrue(f.churn.describe().variants().get(1).labelled() > 0);
      HttpResponse<String> unknown = f.post("/v2/models/churn/feedback", "{\"request_id\": \"nobody\", \"label\": \"yes\"}");
      assertEquals("{\"joined\":false}", unknown.body());
      HttpResponse<String> bad = f.post("/v2/models/churn/feedback", "{\"request_id\": \"x\", \"reward\": 3}");
      assertEquals(400, bad.statusCode());
      assertTrue(HttpFixture.json(bad).get("error").asText().contains("reward"), bad.body());
    }
  }

  @Test
  @DisplayName("/metrics is the Prometheus text of the server's meters, the endpoint's among them")
  void prometheusScrape() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (HttpFixture f = new HttpFixture(ModelServer.builder().meterRegistry(prometheus), b -> b.prometheus(prometheus), e -> e)) {
      assertEquals(200, f.post("/v2/models/churn/infer", HttpFixture.columns(3, 0)).statusCode());
      HttpResponse<String> metrics = f.get("/metrics");
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      assertTrue(metrics.body().contains("mlops_serving_latency_seconds_count{endpoint=\"churn\""), metrics.body());
    }
    try (HttpFixture f = new HttpFixture()) {
      assertEquals(404, f.get("/metrics").statusCode(), "no registry, no route");
    }
  }

  @Test
  @DisplayName("an endpoint with nothing to answer with is a 503 with Retry-After, and readiness says so")
  void unavailable() throws Exception {
    try (HttpFixture f = new HttpFixture()) {
      // an endpoint on an alias that names no version yet: its first load fails, nothing serves
      f.server.endpoint("later", org.tribuo.classification.Label.class).serve("models:/churn@later").build();
      HttpResponse<String> r = f.post("/v2/models/later/infer", HttpFixture.columns(3, 0));
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
      JsonNode ready = HttpFixture.json(f.get("/v2/health/ready"));
      assertEquals(false, ready.get("ready").asBoolean());
      assertEquals(503, f.get("/v2/models/later/ready").statusCode());
      assertEquals(200, f.get("/v2/models/churn/ready").statusCode());
      assertEquals(200, f.get("/v2/health/live").statusCode());
    }
  }
}
