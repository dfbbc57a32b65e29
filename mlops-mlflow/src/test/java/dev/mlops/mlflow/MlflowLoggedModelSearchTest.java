package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.FakeClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code mlflow.search_logged_models(...)} as MLflow 3's Python client sends it: its
 * {@code rest_store.py} posts {@code SearchLoggedModels(experiment_ids, filter, datasets=[{dataset_name,
 * dataset_digest}], max_results, order_by=[{field_name, ascending, dataset_name, dataset_digest}],
 * page_token)} to {@code logged-models/search} as JSON ({@code service.proto}). The models are made
 * the way {@code log_model} makes them: created, their run's metrics logged again with the model's
 * id and the evaluation dataset's name and digest ({@code LogBatch} metrics carry
 * {@code model_id}, {@code dataset_name}, {@code dataset_digest} in 3.x), then finalized. What
 * is expected follows MLflow's {@code SearchLoggedModelsUtils}.
 */
class MlflowLoggedModelSearchTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final FakeClock clock = new FakeClock(1_733_500_000_000L);
  private StorageBackend backend;
  private MlflowServer server;
  private String exp;
  private String runId;
  /** forest: acc 0.95 on eval (0.99 on train), READY, from the run; linear: acc 0.80 on eval, READY; agent: no metric, no run, PENDING. */
  private String forest;
  private String linear;
  private String agent;

  @BeforeEach
  void start() throws Exception {
    backend = StorageBackend.open("mem:" + UUID.randomUUID());
    server = MlflowServer.builder().storage(backend).port(0).clock(clock).start();
    exp = ok("POST", "experiments/create", "{\"name\": \"churn\"}").path("experiment_id").asText();
    runId = ok("POST", "runs/create", "{\"experiment_id\": \"" + exp + "\", \"start_time\": 1733500000000}").path("run").path("info").path("run_id").asText();
    forest = create("{\"experiment_id\": \"" + exp + "\", \"name\": \"forest\", \"model_type\": \"sklearn\", \"source_run_id\": \"" + runId
        + "\", \"params\": [{\"key\": \"n_estimators\", \"value\": \"100\"}], \"tags\": [{\"key\": \"team\", \"value\": \"Risk\"}]}");
    clock.advance(1_000);
    linear = create("{\"experiment_id\": \"" + exp + "\", \"name\": \"linear\", \"source_run_id\": \"" + runId
        + "\", \"params\": [{\"key\": \"C\", \"value\": \"0.5\"}], \"tags\": [{\"key\": \"team\", \"value\": \"growth\"}]}");
    clock.advance(1_000);
    agent = create("{\"experiment_id\": \"" + exp + "\", \"name\": \"Agent-v2\", \"model_type\": \"agent\"}");
    clock.advance(1_000);
    ok("POST", "runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": ["
        + metric("acc", 0.95, 1, forest, "eval", "d1") + ", " + metric("acc", 0.99, 1, forest, "train", "d0") + ", "
        + metric("loss", 0.2, 1, forest, "eval", "d1") + ", " + metric("acc", 0.80, 1, linear, "eval", "d1") + "]}");
    for (String id : List.of(forest, linear)) {
      ok("PATCH", "logged-models/" + id, "{\"model_id\": \"" + id + "\", \"status\": \"LOGGED_MODEL_READY\"}");
    }
  }

  @AfterEach
  void stop() {
    server.close();
    backend.close();
  }

  private static String metric(String key, double value, long step, String modelId, String dataset, String digest) {
    return "{\"key\": \"" + key + "\", \"value\": " + value + ", \"timestamp\": 1733500001000, \"step\": " + step + ", \"model_id\": \"" + modelId
        + "\", \"dataset_name\": \"" + dataset + "\", \"dataset_digest\": \"" + digest + "\"}";
  }

  private String create(String body) throws Exception {
    return ok("POST", "logged-models", body).path("model").path("info").path("model_id").asText();
  }

  private HttpResponse<String> call(String method, String route, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/" + route))
        .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String method, String route, String body) throws Exception {
    HttpResponse<String> r = call(method, route, body);
    assertEquals(200, r.statusCode(), method + " " + route + ": " + r.body());
    return Wire.JSON.readTree(r.body());
  }

  /** The names of the models a search answers, in its order. */
  private List<String> search(String fields) throws Exception {
    JsonNode answer = ok("POST", "logged-models/search", "{\"experiment_ids\": [\"" + exp + "\"]" + (fields.isEmpty() ? "" : ", " + fields) + "}");
    List<String> names = new ArrayList<>();
    answer.path("models").forEach(m -> names.add(m.path("info").path("name").asText()));
    return names;
  }

  private static String filter(String f) {
    return "\"filter\": \"" + f.replace("\"", "\\\"") + "\"";
  }

  @Test
  @DisplayName("a metric comparison holds when a metric of that key linked to the model satisfies it; datasets restrict which metrics count")
  void metricsAndDatasets() throws Exception {
    assertEquals(List.of("linear", "forest"), search(filter("metrics.acc > 0.5")), "newest first");
    assertEquals(List.of("forest"), search(filter("metrics.acc >= 0.95")), "the train metric (0.99) or the eval one (0.95)");
    assertEquals(List.of(), search(filter("metrics.acc > 0.96") + ", \"datasets\": [{\"dataset_name\": \"eval\"}]"),
        "on eval the forest has 0.95; its 0.99 is on train");
    assertEquals(List.of("forest"), search(filter("metrics.acc > 0.96") + ", \"datasets\": [{\"dataset_name\": \"train\", \"dataset_digest\": \"d0\"}]"));
    assertEquals(List.of(), search(filter("metrics.acc > 0.96") + ", \"datasets\": [{\"dataset_name\": \"train\", \"dataset_digest\": \"other\"}]"));
    assertEquals(List.of("forest"), search(filter("metrics.loss < 0.5 AND metrics.acc != 0.80")));
    assertEquals(List.of("linear", "forest"), search("\"datasets\": [{\"dataset_name\": \"eval\"}]"),
        "datasets and no metric comparison: the models with a metric on one of them");
    assertEquals(List.of(), search("\"datasets\": [{\"dataset_name\": \"test\"}]"));
  }

  @Test
  @DisplayName("params, tags and attributes, with LIKE and ILIKE where MLflow allows them, AND-ed")
  void paramsTagsAttributes() throws Exception {
    assertEquals(List.of("forest"), search(filter("params.n_estimators = '100'")));
    assertEquals(List.of("linear"), search(filter("params.C != '1.0'")), "a model without the param does not match !=");
    assertEquals(List.of("forest"), search(filter("tags.team LIKE 'R%'")));
    assertEquals(List.of("linear", "forest"), search(filter("tags.team ILIKE '%r%'")));
    assertEquals(List.of("Agent-v2"), search(filter("name ILIKE 'agent%'")));
    assertEquals(List.of(), search(filter("name LIKE 'agent%'")), "LIKE is case-sensitive");
    assertEquals(List.of("linear", "forest"), search(filter("attributes.status = 'READY'")));
    assertEquals(List.of("Agent-v2"), search(filter("status = 'PENDING' AND model_type = 'agent'")));
    assertEquals(List.of("linear", "forest"), search(filter("source_run_id = '" + runId + "'")));
    assertEquals(List.of("Agent-v2", "forest"), search(filter("model_id IN ('" + forest + "', '" + agent + "')")));
    assertEquals(List.of("Agent-v2", "linear"), search(filter("creation_timestamp > 1733500000000")));
    assertEquals(List.of("forest"), search(filter("creation_time <= 1733500000000 AND tags.team = 'Risk' AND metrics.acc > 0.9")));
    assertEquals(List.of("linear", "forest"), search(filter("last_updated_timestamp > 1733500002000")), "metrics linked and finalized later");
  }

  @Test
  @DisplayName("order_by an attribute or a metric (optionally on a dataset), a missing value last, ties by creation time then id; pages keep the filter")
  void ordering() throws Exception {
    assertEquals(List.of("Agent-v2", "linear", "forest"), search(""), "newest first by default");
    assertEquals(List.of("Agent-v2", "forest", "linear"), search("\"order_by\": [{\"field_name\": \"name\"}]"));
    assertEquals(List.of("forest", "linear", "Agent-v2"), search("\"order_by\": [{\"field_name\": \"creation_time\", \"ascending\": true}]"));
    assertEquals(List.of("forest", "linear", "Agent-v2"), search("\"order_by\": [{\"field_name\": \"metrics.acc\", \"ascending\": false}]"));
    assertEquals(List.of("linear", "forest", "Agent-v2"), search("\"order_by\": [{\"field_name\": \"metrics.acc\", \"ascending\": true}]"),
        "a model without the metric sorts last both ways");
    assertEquals(List.of("forest", "Agent-v2", "linear"), search("\"order_by\": [{\"field_name\": \"metrics.acc\", \"ascending\": true,"
        + " \"dataset_name\": \"train\"}]"), "on train only the forest has acc; the others tie, broken by creation time descending");

    JsonNode page = ok("POST", "logged-models/search", "{\"experiment_ids\": [\"" + exp + "\"], " + filter("status = 'READY'")
        + ", \"max_results\": 1, \"order_by\": [{\"field_name\": \"name\", \"ascending\": true}]}");
    assertEquals("forest", page.path("models").get(0).path("info").path("name").asText());
    JsonNode next = ok("POST", "logged-models/search", "{\"experiment_ids\": [\"" + exp + "\"], " + filter("status = 'READY'")
        + ", \"max_results\": 1, \"order_by\": [{\"field_name\": \"name\", \"ascending\": true}], \"page_token\": \""
        + page.path("next_page_token").asText() + "\"}");
    assertEquals("linear", next.path("models").get(0).path("info").path("name").asText());
    assertFalse(next.has("next_page_token"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "metrics.acc LIKE '0.9%'|LIKE",
      "metrics.acc > 'high'|a number",
      "params.C > '0.1'|cannot use >",
      "tags.team = 5|a quoted string",
      "creation_timestamp ILIKE '17%'|cannot use ILIKE",
      "run_name = 'x'|'run_name",
      "attributes.description = 'x'|'description'",
      "datasets.name = 'eval'|'datasets.'",
      "metrics.acc > 0.5 AND|end of filter"})
  @DisplayName("a filter MLflow refuses: 400 INVALID_PARAMETER_VALUE naming the bad token, nothing answered")
  void refusedFilters(String f, String named) throws Exception {
    HttpResponse<String> r = call("POST", "logged-models/search", "{\"experiment_ids\": [\"" + exp + "\"], " + filter(f) + "}");
    assertEquals(400, r.statusCode(), r.body());
    JsonNode error = Wire.JSON.readTree(r.body());
    assertEquals("INVALID_PARAMETER_VALUE", error.path("error_code").asText());
    assertTrue(error.path("message").asText().contains(named), error.path("message").asText());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"field_name\": \"params.C\"}|only `metrics.<name>` is allowed",
      "{\"field_name\": \"run_name\"}|run_name",
      "{\"ascending\": true}|`field_name`",
      "{\"field_name\": \"metrics.acc\", \"dataset_digest\": \"d1\"}|dataset_name",
      "{\"field_name\": \"name\", \"ascending\": \"up\"}|must be a boolean"})
  @DisplayName("an order_by MLflow refuses: 400 INVALID_PARAMETER_VALUE saying why")
  void refusedOrders(String clause, String named) throws Exception {
    HttpResponse<String> r = call("POST", "logged-models/search", "{\"experiment_ids\": [\"" + exp + "\"], \"order_by\": [" + clause + "]}");
    assertEquals(400, r.statusCode(), r.body());
    JsonNode error = Wire.JSON.readTree(r.body());
    assertEquals("INVALID_PARAMETER_VALUE", error.path("error_code").asText());
    assertTrue(error.path("message").asText().contains(named), error.path("message").asText());
  }

  @Test
  @DisplayName("a linked metric keeps its dataset on the model, as MLflow's Metric carries it")
  void linkedMetricsCarryTheirDataset() throws Exception {
    JsonNode metrics = ok("GET", "logged-models/" + forest, "").path("model").path("data").path("metrics");
    assertEquals(3, metrics.size(), metrics.toString());
    List<String> seen = new ArrayList<>();
    metrics.forEach(m -> seen.add(m.path("key").asText() + "@" + m.path("dataset_name").asText() + "/" + m.path("dataset_digest").asText()
        + "=" + m.path("value").asDouble()));
    assertEquals(List.of("acc@eval/d1=0.95", "acc@train/d0=0.99", "loss@eval/d1=0.2"), seen.stream().sorted().toList());
  }
}
