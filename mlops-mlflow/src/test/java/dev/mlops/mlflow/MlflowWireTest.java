package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * MLflow's wire rules as a client without MLflow's own library meets them (the JDK's HTTP client,
 * bodies written as MLflow's Python client writes them): query parameters on GET, int64 as
 * numbers or strings, NaN as Python's {@code json} writes it, errors in MLflow's shape with its
 * statuses, unknown routes, limits, the Host check and the token, and the artifact proxy routes.
 */
class MlflowWireTest {
  private static final String TOKEN = "s3cret-token-0123456789";
  private final HttpClient http = HttpClient.newHttpClient();
  private StorageBackend backend;
  private MlflowServer server;
  private Tracker tracker;

  @BeforeEach
  void start() {
    backend = StorageBackend.open("mem:" + UUID.randomUUID());
    server = MlflowServer.builder().storage(backend).port(0).token(TOKEN).start();
    tracker = Tracker.builder().storage(backend).build();
  }

  @AfterEach
  void stop() {
    tracker.close();
    server.close();
    backend.close();
  }

  private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + TOKEN);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(HttpResponse<String> r) throws IOException {
    return Wire.JSON.readTree(r.body());
  }

  private String newRun() throws Exception {
    HttpResponse<String> r = call("POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"0\", \"start_time\": 1700000000000}");
    assertEquals(200, r.statusCode(), r.body());
    return json(r).path("run").path("info").path("run_id").asText();
  }

  @Test
  @DisplayName("Python's bare NaN and Infinity, and int64 fields as strings, are read; NaN is written back as protobuf writes it")
  void pythonNumbers() throws Exception {
    String run = newRun();
    HttpResponse<String> r = call("POST", "/api/2.0/mlflow/runs/log-batch", "{\"run_id\": \"" + run + "\", \"metrics\": ["
        + "{\"key\": \"m\", \"value\": NaN, \"timestamp\": 1700000000001, \"step\": 0},"
        + "{\"key\": \"m\", \"value\": -Infinity, \"timestamp\": \"1700000000002\", \"step\": \"1\"}]}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{}", r.body());
    JsonNode h = json(call("GET", "/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=m", null)).path("metrics");
    assertEquals("NaN", h.get(0).path("value").asText());
    assertEquals("-Infinity", h.get(1).path("value").asText());
    assertTrue(h.get(1).path("timestamp").isIntegralNumber(), "int64 is written as a number");
    assertEquals(1_700_000_000_002L, h.get(1).path("timestamp").asLong());
    assertEquals(1, h.get(1).path("step").asLong());
  }

  @Test
  @DisplayName("a GET's repeated query keys are a list: runs/search over two experiments")
  void repeatedQueryKeys() throws Exception {
    String a = tracker.createExperiment("a").id();
    String b = tracker.createExperiment("b").id();
    call("POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + a + "\"}");
    call("POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + b + "\"}");
    HttpResponse<String> r = call("GET", "/api/2.0/mlflow/runs/search?experiment_ids=" + a + "&experiment_ids=" + b + "&max_results=10", null);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(2, json(r).path("runs").size());
    assertFalse(json(r).has("next_page_token"), "the last page has no next_page_token");
  }

  @Test
  @DisplayName("an unknown route is 404 ENDPOINT_NOT_FOUND; a missing run 404 RESOURCE_DOES_NOT_EXIST; bad input 400 naming the field")
  void errorsInMlflowShape() throws Exception {
    HttpResponse<String> r = call("POST", "/api/3.0/mlflow/traces", "{}");
    assertEquals(404, r.statusCode());
    assertEquals("ENDPOINT_NOT_FOUND", json(r).path("error_code").asText());
    r = call("GET", "/api/2.0/mlflow/runs/get?run_id=ffffffffffffffffffffffffffffffff", null);
    assertEquals(404, r.statusCode());
    assertEquals("RESOURCE_DOES_NOT_EXIST", json(r).path("error_code").asText());
    String run = newRun();
    r = call("POST", "/api/2.0/mlflow/runs/log-metric", "{\"run_id\": \"" + run + "\", \"key\": \"m\", \"value\": 1, \"timestamp\": \"soon\"}");
    assertEquals(400, r.statusCode());
    assertEquals("INVALID_PARAMETER_VALUE", json(r).path("error_code").asText());
    assertTrue(json(r).path("message").asText().contains("timestamp"), r.body());
    r = call("POST", "/api/2.0/mlflow/runs/log-batch", "{\"run_id\": \"" + run + "\", \"params\": [{\"key\": \"a/../b\", \"value\": \"1\"}]}");
    assertEquals(400, r.statusCode(), r.body());
    r = call("POST", "/api/2.0/mlflow/runs/create", "{not json");
    assertEquals(400, r.statusCode());
    assertEquals("MALFORMED_REQUEST", json(r).path("error_code").asText());
  }

  @Test
  @DisplayName("a batch over MLflow's limits is refused naming the field, and nothing of it is written")
  void batchLimits() throws Exception {
    String run = newRun();
    StringBuilder metrics = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      metrics.append(i == 0 ? "" : ",").append("{\"key\": \"m\", \"value\": ").append(i).append(", \"timestamp\": 1, \"step\": ").append(i).append('}');
    }
    HttpResponse<String> r = call("POST", "/api/2.0/mlflow/runs/log-batch", "{\"run_id\": \"" + run + "\", \"metrics\": [" + metrics + "]}");
    assertEquals(400, r.statusCode());
    assertTrue(json(r).path("message").asText().contains("metrics"), r.body());
    assertEquals(List.of(), tracker.metricHistory(run, "m"));
  }

  @Test
  @DisplayName("without the token a request is 401 UNAUTHENTICATED; a foreign Host is 403 and nothing is written")
  void tokenAndHost() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/experiments/create"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"sneaky\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, r.statusCode());
    assertEquals("UNAUTHENTICATED", json(r).path("error_code").asText());
    assertTrue(tracker.getExperimentByName("sneaky").isEmpty());
    // the JDK client refuses to set Host itself; a raw socket sends what a rebinding page would
    try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
      String body = "{\"name\": \"rebound\"}";
      socket.getOutputStream().write(("POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: evil.example:" + server.port()
          + "\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
          + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
    }
    assertTrue(tracker.getExperimentByName("rebound").isEmpty());
  }

  @Test
  @DisplayName("artifacts go up and come down through the mlflow-artifacts routes, are listed and deleted, and stay inside their run")
  void artifactProxy() throws Exception {
    String run = newRun();
    String root = "/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/artifacts";
    byte[] bytes = new byte[300_000];
    new java.util.Random(7).nextBytes(bytes);
    HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(server.url() + root + "/model/model.bin"))
        .header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, up.statusCode(), up.body());
    HttpResponse<byte[]> down = http.send(HttpRequest.newBuilder(URI.create(server.url() + root + "/model/model.bin"))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(bytes, down.body());
    try (var in = tracker.artifacts().open(run, "model/model.bin")) {
      assertArrayEquals(bytes, in.readAllBytes(), "the library reads what the client uploaded");
    }
    JsonNode files = json(call("GET", "/api/2.0/mlflow-artifacts/artifacts?path=0/" + run + "/artifacts/model", null)).path("files");
    assertEquals("model.bin", files.get(0).path("path").asText());
    assertEquals(300_000, files.get(0).path("file_size").asLong());
    assertFalse(files.get(0).path("is_dir").asBoolean());

    HttpResponse<String> escape = call("GET", root + "/..%2F..%2Fregistry/blobs", null);
    assertEquals(400, escape.statusCode(), escape.body());
    assertEquals(404, call("GET", "/api/2.0/mlflow-artifacts/artifacts/1/" + run + "/artifacts/model/model.bin", null).statusCode(),
        "a run is reached only under its own experiment");
    assertEquals(200, call("DELETE", root + "/model/model.bin", null).statusCode());
    assertEquals(404, call("GET", root + "/model/model.bin", null).statusCode());
  }

  @Test
  @DisplayName("log-model (MLflow 2.x's log_model) appends the model's description to the run's mlflow.log-model.history tag")
  void logModelHistory() throws Exception {
    String run = newRun();
    for (String path : List.of("model", "model-2")) {
      HttpResponse<String> r = call("POST", "/api/2.0/mlflow/runs/log-model", "{\"run_id\": \"" + run + "\", \"model_json\": "
          + Wire.JSON.writeValueAsString("{\"artifact_path\": \"" + path + "\", \"flavors\": {\"onnx\": {\"data\": \"model.onnx\"}}}") + "}");
      assertEquals(200, r.statusCode(), r.body());
    }
    JsonNode history = Wire.JSON.readTree(tracker.getRun(run).tags().get("mlflow.log-model.history"));
    assertEquals(List.of("model", "model-2"), List.of(history.get(0).path("artifact_path").asText(), history.get(1).path("artifact_path").asText()));
  }

  @Test
  @DisplayName("a create-run sent again with the same body, as a client's retry does, gives the same run and creates one")
  void retriedCreateRun() throws Exception {
    String body = "{\"experiment_id\": \"0\", \"start_time\": 1700000000123, \"run_name\": \"retried\"}";
    String first = json(call("POST", "/api/2.0/mlflow/runs/create", body)).path("run").path("info").path("run_id").asText();
    String again = json(call("POST", "/api/2.0/mlflow/runs/create", body)).path("run").path("info").path("run_id").asText();
    assertEquals(first, again);
    assertEquals(1, tracker.searchAll(dev.mlops.tracking.RunQuery.builder().experiments("0").filter("attributes.run_name = 'retried'").build()).size());
  }

  @Test
  @DisplayName("set_experiment's flow: get-by-name answers 404 RESOURCE_DOES_NOT_EXIST, then create, then get-by-name finds it")
  void setExperimentFlow() throws Exception {
    HttpResponse<String> r = call("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + "fraud%20model", null);
    assertEquals(404, r.statusCode());
    assertEquals("RESOURCE_DOES_NOT_EXIST", json(r).path("error_code").asText());
    r = call("POST", "/api/2.0/mlflow/experiments/create", "{\"name\": \"fraud model\", \"tags\": [{\"key\": \"team\", \"value\": \"risk\"}]}");
    String id = json(r).path("experiment_id").asText();
    r = call("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + "fraud%20model", null);
    assertEquals(id, json(r).path("experiment").path("experiment_id").asText());
    assertEquals("risk", tracker.getExperiment(id).orElseThrow().tags().get("team"));
  }
}
