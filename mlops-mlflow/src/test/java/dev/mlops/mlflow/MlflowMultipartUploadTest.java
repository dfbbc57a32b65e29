package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.tracking.Tracker;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proxied multipart uploads, as MLflow's Python client attempts them and MLflow's server answers
 * them over a local artifact root. From MLflow's sources ({@code github:mlflow/mlflow}):
 * {@code HttpArtifactRepository.log_artifact} tries a multipart upload when
 * {@code MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD} is set and the file is at least
 * {@code MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE}: {@code create_multipart_upload} posts
 * {@code {"path": <local file>, "num_parts": n}} to
 * {@code /api/2.0/mlflow-artifacts/mpu/create/<artifact uri path>/<artifact_path>}
 * ({@code _construct_mpu_uri_and_path}); on an HTTP error whose {@code message} starts with
 * {@code _UnsupportedMultipartUploadException.MESSAGE} it falls back to one PUT of the file to
 * {@code .../mlflow-artifacts/artifacts/<artifact uri path>/<artifact_path>/<file name>}. MLflow's
 * server ({@code handlers.py: _create_multipart_upload_artifact} and its complete and abort
 * siblings) checks the path and the body, then raises that exception (501 {@code NOT_IMPLEMENTED})
 * when its artifact repository is not a {@code MultipartUploadMixin}, as {@code LocalArtifactRepository}
 * is not.
 */
class MlflowMultipartUploadTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private StorageBackend backend;
  private MlflowServer server;
  private Tracker tracker;
  private String exp;
  private String runId;

  @BeforeEach
  void start() throws Exception {
    backend = StorageBackend.open("mem:" + UUID.randomUUID());
    server = MlflowServer.builder().storage(backend).port(0).start();
    tracker = Tracker.builder().storage(backend).build();
    exp = Wire.JSON.readTree(call("POST", "/api/2.0/mlflow/experiments/create", "{\"name\": \"big-files\"}").body()).path("experiment_id").asText();
    runId = Wire.JSON.readTree(call("POST", "/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + exp + "\"}").body())
        .path("run").path("info").path("run_id").asText();
  }

  @AfterEach
  void stop() {
    tracker.close();
    server.close();
    backend.close();
  }

  private HttpResponse<byte[]> send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).method(method, body).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).method(method, HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode e = Wire.JSON.readTree(r.body());
    assertEquals(code, e.path("error_code").asText(), r.body());
    return e;
  }

  @Test
  @DisplayName("log_artifact of a large file with proxy multipart on: mpu/create answers MLflow's 501, the client's single PUT stores it whole")
  void theClientFallsBackToOnePut() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(7).nextBytes(big);
    String root = exp + "/" + runId + "/artifacts";
    // create_multipart_upload(local_file, num_parts=ceil(size / MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE), artifact_path="weights")
    HttpResponse<String> create = call("POST", "/api/2.0/mlflow-artifacts/mpu/create/" + root + "/weights",
        "{\"path\": \"/home/ana/project/model.bin\", \"num_parts\": 1}");
    JsonNode refused = error(create, 501, "NOT_IMPLEMENTED");
    assertTrue(refused.path("message").asText().startsWith("Multipart upload is not supported for the current artifact repository"),
        "the message MLflow's client falls back on: " + create.body());
    // the fallback: PUT of the whole file under its base name
    HttpResponse<byte[]> put = send("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + root + "/weights/model.bin", HttpRequest.BodyPublishers.ofByteArray(big));
    assertEquals(200, put.statusCode());

    HttpResponse<byte[]> got = send("GET", "/api/2.0/mlflow-artifacts/artifacts/" + root + "/weights/model.bin", HttpRequest.BodyPublishers.noBody());
    assertArrayEquals(big, got.body());
    try (InputStream in = tracker.artifacts().open(runId, "weights/model.bin")) {
      assertArrayEquals(big, in.readAllBytes(), "the library reads what the client wrote");
    }
    assertEquals(List.of("weights/model.bin"), tracker.artifacts().list(runId, "weights").stream().map(ArtifactInfo::path).toList(),
        "nothing else was written: no parts, no temporary area");
  }

  @Test
  @DisplayName("complete and abort answer the same 501 as create, after their bodies are checked; a logged model without a run is a target too")
  void completeAndAbort() throws Exception {
    String root = exp + "/" + runId + "/artifacts";
    error(call("POST", "/api/2.0/mlflow-artifacts/mpu/complete/" + root, "{\"path\": \"model.bin\", \"upload_id\": \"u1\","
        + " \"parts\": [{\"part_number\": 1, \"etag\": \"e1\"}]}"), 501, "NOT_IMPLEMENTED");
    error(call("POST", "/api/2.0/mlflow-artifacts/mpu/abort/" + root, "{\"path\": \"model.bin\", \"upload_id\": \"u1\"}"), 501, "NOT_IMPLEMENTED");
    String model = Wire.JSON.readTree(call("POST", "/api/2.0/mlflow/logged-models", "{\"experiment_id\": \"" + exp + "\"}").body())
        .path("model").path("info").path("model_id").asText();
    error(call("POST", "/api/2.0/mlflow-artifacts/mpu/create/" + exp + "/models/" + model + "/artifacts", "{\"path\": \"model.onnx\", \"num_parts\": 2}"),
        501, "NOT_IMPLEMENTED");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "create|/RUN/artifacts/../../other|{\"path\": \"a.bin\", \"num_parts\": 1}|400|INVALID_PARAMETER_VALUE|..",
      "create|/RUN/artifacts/%2Fetc|{\"path\": \"a.bin\", \"num_parts\": 1}|400|INVALID_PARAMETER_VALUE|/etc",
      "create|/0123456789abcdef0123456789abcdef/artifacts|{\"path\": \"a.bin\"}|404|RESOURCE_DOES_NOT_EXIST|0123456789abcdef",
      "create|/RUN/artifacts|{\"num_parts\": 1}|400|INVALID_PARAMETER_VALUE|'path'",
      "create|/RUN/artifacts|{\"path\": \"a.bin\", \"num_parts\": \"many\"}|400|INVALID_PARAMETER_VALUE|num_parts",
      "complete|/RUN/artifacts|{\"path\": \"a.bin\", \"upload_id\": \"u1\"}|400|INVALID_PARAMETER_VALUE|'parts'",
      "resume|/RUN/artifacts|{\"path\": \"a.bin\"}|404|ENDPOINT_NOT_FOUND|resume"})
  @DisplayName("a hostile or unknown path, or a body MLflow's handler refuses, is refused before the 501, as the artifact routes refuse them")
  void refusals(String action, String path, String body, int status, String code, String named) throws Exception {
    String url = "/api/2.0/mlflow-artifacts/mpu/" + action + "/" + exp + path.replace("RUN", runId);
    JsonNode e = error(call("POST", url, body), status, code);
    assertTrue(e.path("message").asText().contains(named), e.path("message").asText());
  }

  @Test
  @DisplayName("only POST reaches the multipart routes, as in MLflow's server")
  void onlyPost() throws Exception {
    error(call("GET", "/api/2.0/mlflow-artifacts/mpu/create/" + exp + "/" + runId + "/artifacts", ""), 404, "ENDPOINT_NOT_FOUND");
  }
}
