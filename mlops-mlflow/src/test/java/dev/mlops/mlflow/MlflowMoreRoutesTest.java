package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.tracking.MlflowClient;

/**
 * The routes added beside the first set: registered-model and version tag deletion, a version's
 * description, the bulk metric interval MLflow's UI draws from, and MLflow 3's logged-model routes.
 * Through MLflow's own Java client where it can send the request ({@code sendGet},
 * {@code sendPost}, {@code sendPatch}), the JDK's client for DELETE, which it cannot send.
 */
class MlflowMoreRoutesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private StorageBackend backend;
  private MlflowServer server;
  private MlflowClient client;
  private Tracker tracker;
  private ModelRegistry registry;

  @BeforeEach
  void start() {
    backend = StorageBackend.open("mem:" + UUID.randomUUID());
    server = MlflowServer.builder().storage(backend).port(0).start();
    client = new MlflowClient(server.url());
    tracker = Tracker.builder().storage(backend).build();
    registry = ModelRegistry.builder().storage(backend).build();
  }

  @AfterEach
  void stop() {
    registry.close();
    client.close();
    tracker.close();
    server.close();
    backend.close();
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String method, String path, String body) throws Exception {
    HttpResponse<String> r = call(method, path, body);
    assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
    return Wire.JSON.readTree(r.body());
  }

  private String versionOfANewModel(String name) throws Exception {
    String runId = client.createRun().getRunId();
    // MLflow's Java client uploads to an mlflow-artifacts: URI only through Python's mlflow; the proxy route directly
    ok("PUT", "/api/2.0/mlflow-artifacts/artifacts/0/" + runId + "/artifacts/model/weights.bin", "weights");
    client.sendPost("registered-models/create", "{\"name\": \"" + name + "\", \"tags\": [{\"key\": \"team\", \"value\": \"risk\"}]}");
    client.sendPost("model-versions/create", "{\"name\": \"" + name + "\", \"source\": \"runs:/" + runId + "/model\", \"run_id\": \"" + runId
        + "\", \"tags\": [{\"key\": \"qa\", \"value\": \"passed\"}]}");
    return runId;
  }

  @Test
  @DisplayName("registered-model and version tags are deleted, a version's description is edited, and each change is audited")
  void tagDeletionAndVersionDescription() throws Exception {
    versionOfANewModel("fraud");
    ok("DELETE", "/api/2.0/mlflow/registered-models/delete-tag", "{\"name\": \"fraud\", \"key\": \"team\"}");
    ok("DELETE", "/api/2.0/mlflow/model-versions/delete-tag", "{\"name\": \"fraud\", \"version\": \"1\", \"key\": \"qa\"}");
    ok("DELETE", "/api/2.0/mlflow/model-versions/delete-tag", "{\"name\": \"fraud\", \"version\": \"1\", \"key\": \"never-set\"}");
    String answer = client.sendPatch("model-versions/update", "{\"name\": \"fraud\", \"version\": \"1\", \"description\": \"gradient boosted, v1\"}");
    assertEquals("gradient boosted, v1", Wire.JSON.readTree(answer).path("model_version").path("description").asText());

    assertFalse(registry.getModel("fraud").orElseThrow().tags().containsKey("team"));
    assertFalse(registry.getVersion("fraud", 1).tags().containsKey("qa"));
    assertEquals("gradient boosted, v1", registry.getVersion("fraud", 1).description());
    List<AuditEntry> audit = registry.audit();
    AuditEntry described = audit.get(audit.size() - 1);
    assertEquals("MODEL_DESCRIBED", described.action());
    assertEquals("fraud/1", described.target());
    AuditEntry untagged = audit.get(audit.size() - 2);
    assertEquals("VERSION_TAG_SET", untagged.action());
    assertEquals(Map.of("key", "qa", "value", "passed"), untagged.beforeFields());
    assertEquals(Map.of(), untagged.afterFields(), "a deleted tag has no state after; the absent key wrote nothing");

    HttpResponse<String> unknown = call("DELETE", "/api/2.0/mlflow/registered-models/delete-tag", "{\"name\": \"nope\", \"key\": \"team\"}");
    assertEquals(404, unknown.statusCode());
    assertEquals("RESOURCE_DOES_NOT_EXIST", Wire.JSON.readTree(unknown.body()).path("error_code").asText());
    HttpResponse<String> tooLong = call("PATCH", "/api/2.0/mlflow/model-versions/update", "{\"name\": \"fraud\", \"version\": \"1\", \"description\": \""
        + "x".repeat(5001) + "\"}");
    assertEquals(400, tooLong.statusCode(), tooLong.body());
    assertTrue(tooLong.body().contains("description"), tooLong.body());
    assertEquals("gradient boosted, v1", registry.getVersion("fraud", 1).description(), "a refused edit writes nothing");
  }

  @Test
  @DisplayName("the bulk metric interval samples steps as MLflow's server does (golden steps worked from handlers.py)")
  void bulkInterval() throws Exception {
    String a = client.createRun().getRunId();
    String b = client.createRun().getRunId();
    List<Metric> pointsA = new ArrayList<>();
    for (int step = 0; step < 10; step++) {
      pointsA.add(Metric.newBuilder().setKey("loss").setValue(1.0 / (step + 1)).setTimestamp(1_000 + step).setStep(step).build());
    }
    client.logBatch(a, pointsA, List.of(), List.of());
    client.logBatch(b, List.of(point(2), point(4), point(12)), List.of(), List.of());

    // steps logged: 0..9 and 12; MLflow samples 3 of the 11 at interval 11/3 (indexes 0, 3, 7) and adds
    // the last (12), then every run's first and last step (0, 9; 2, 12): {0, 2, 3, 7, 9, 12}
    JsonNode all = Wire.JSON.readTree(client.sendGet("metrics/get-history-bulk-interval?run_ids=" + a + "&run_ids=" + b
        + "&metric_key=loss&max_results=3"));
    assertEquals(List.of(a + "@0", a + "@2", a + "@3", a + "@7", a + "@9", b + "@2", b + "@12"), steps(all));
    assertEquals(1.0 / 3, all.path("metrics").get(1).path("value").asDouble(), "the point of run a at step 2");

    // between steps 1 and 8, 2 results: 8 steps at interval 4 (indexes 1, 5: steps 1, 5), the last (8), and
    // the runs' first and last steps that fall in range (2): {1, 2, 5, 8}
    JsonNode ranged = ok("GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=" + a + "&run_ids=" + b
        + "&metric_key=loss&max_results=2&start_step=1&end_step=8", null);
    assertEquals(List.of(a + "@1", a + "@2", a + "@5", a + "@8", b + "@2"), steps(ranged));

    HttpResponse<String> half = call("GET", "/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=" + a + "&metric_key=loss&start_step=1", null);
    assertEquals(400, half.statusCode());
    assertTrue(half.body().contains("both must be specified"), half.body());
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      many.append("run_ids=").append(a).append('&');
    }
    HttpResponse<String> tooMany = call("GET", "/api/2.0/mlflow/metrics/get-history-bulk-interval?" + many + "metric_key=loss", null);
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.body().contains("at most 100 run_ids"), tooMany.body());
  }

  private static Metric point(int step) {
    return Metric.newBuilder().setKey("loss").setValue(step).setTimestamp(2_000 + step).setStep(step).build();
  }

  private static List<String> steps(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer.path("metrics").forEach(m -> out.add(m.path("run_id").asText() + "@" + m.path("step").asLong()));
    return out;
  }

  @Test
  @DisplayName("logged models: search by experiment, tags set and deleted (a hostile key in the path), params, deletion, unknown ids")
  void loggedModels() throws Exception {
    String exp = client.createExperiment("agents");
    String first = Wire.JSON.readTree(client.sendPost("logged-models", "{\"experiment_id\": \"" + exp + "\", \"name\": \"first\", \"model_type\": \"Agent\"}"))
        .path("model").path("info").path("model_id").asText();
    String second = Wire.JSON.readTree(client.sendPost("logged-models", "{\"experiment_id\": \"" + exp + "\"}"))
        .path("model").path("info").path("model_id").asText();
    String hostile = "a/b c:d";
    JsonNode tagged = Wire.JSON.readTree(client.sendPatch("logged-models/" + first + "/tags", "{\"tags\": [{\"key\": \"" + hostile
        + "\", \"value\": \"x\"}, {\"key\": \"team\", \"value\": \"bots\"}]}"));
    assertEquals(2, tagged.path("model").path("info").path("tags").size());
    ok("DELETE", "/api/2.0/mlflow/logged-models/" + first + "/tags/" + URLEncoder.encode(hostile, StandardCharsets.UTF_8).replace("+", "%20"), null);
    client.sendPost("logged-models/" + first + "/params", "{\"params\": [{\"key\": \"temperature\", \"value\": \"0.2\"}]}");
    HttpResponse<String> changed = call("POST", "/api/2.0/mlflow/logged-models/" + first + "/params",
        "{\"params\": [{\"key\": \"temperature\", \"value\": \"0.9\"}]}");
    assertEquals(400, changed.statusCode(), "a param keeps its value");

    JsonNode model = Wire.JSON.readTree(client.sendGet("logged-models/" + first)).path("model");
    assertEquals("[{\"key\":\"team\",\"value\":\"bots\"}]", Wire.write(model.path("info").path("tags")));
    assertEquals("[{\"key\":\"temperature\",\"value\":\"0.2\"}]", Wire.write(model.path("data").path("params")));
    assertEquals("Agent", model.path("info").path("model_type").asText());
    assertTrue(model.path("info").path("artifact_uri").asText().endsWith("/models/" + first + "/artifacts"),
        "a model without a run keeps MLflow's own layout");

    JsonNode page = Wire.JSON.readTree(client.sendPost("logged-models/search", "{\"experiment_ids\": [\"" + exp + "\"], \"max_results\": 1,"
        + " \"order_by\": [{\"field_name\": \"name\", \"ascending\": true}]}"));
    assertEquals(1, page.path("models").size());
    assertEquals("first", page.path("models").get(0).path("info").path("name").asText());
    String token = page.path("next_page_token").asText();
    JsonNode next = Wire.JSON.readTree(client.sendPost("logged-models/search", "{\"experiment_ids\": [\"" + exp + "\"], \"max_results\": 1,"
        + " \"order_by\": [{\"field_name\": \"name\", \"ascending\": true}], \"page_token\": \"" + token + "\"}"));
    assertEquals(second, next.path("models").get(0).path("info").path("model_id").asText());
    assertFalse(next.has("next_page_token"));

    ok("DELETE", "/api/2.0/mlflow/logged-models/" + second, null);
    assertEquals(404, call("GET", "/api/2.0/mlflow/logged-models/" + second, null).statusCode());
    assertEquals(1, Wire.JSON.readTree(client.sendPost("logged-models/search", "{\"experiment_ids\": [\"" + exp + "\"]}")).path("models").size());
    HttpResponse<String> unknown = call("PATCH", "/api/2.0/mlflow/logged-models/m-00000000000000000000000000000000",
        "{\"status\": \"LOGGED_MODEL_READY\"}");
    assertEquals(404, unknown.statusCode());
    assertEquals("RESOURCE_DOES_NOT_EXIST", Wire.JSON.readTree(unknown.body()).path("error_code").asText());
    HttpResponse<String> badStatus = call("PATCH", "/api/2.0/mlflow/logged-models/" + first, "{\"status\": \"LOGGED_MODEL_PENDING\"}");
    assertEquals(400, badStatus.statusCode());
    assertTrue(badStatus.body().contains("status"), badStatus.body());
    assertEquals("ENDPOINT_NOT_FOUND", Wire.JSON.readTree(call("GET", "/api/2.0/mlflow/logged-models/" + first + "/nothing", null).body())
        .path("error_code").asText(), "a path no route has is still ENDPOINT_NOT_FOUND");
    String body = "{\"experiment_id\": \"" + exp + "\", \"name\": \"model\"}";
    assertFalse(Wire.JSON.readTree(client.sendPost("logged-models", body)).path("model").path("info").path("model_id")
        .equals(Wire.JSON.readTree(client.sendPost("logged-models", body)).path("model").path("info").path("model_id")),
        "two models logged alike are two models (the create is not answered from the retry guard)");
  }
}
