package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxModel;
import dev.mlops.registry.ModelRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model logged and registered the way MLflow's Python client does it
 * ({@code mlflow.onnx.log_model(..., registered_model_name="iris")}, then
 * {@code set_registered_model_alias}): the same requests in the same order, with the bodies it
 * sends; then the JVM serves {@code models:/iris@champion} from the store the server wrote.
 */
class MlflowModelServingTest {
  /** What {@code mlflow.onnx.log_model} writes beside the model, its signature folded as PyYAML folds a long string. */
  static final String MLMODEL = """
      artifact_path: model
      flavors:
        onnx:
          code: null
          data: model.onnx
          onnx_version: 1.17.0
          providers:
          - CUDAExecutionProvider
          - CPUExecutionProvider
      mlflow_version: 2.17.2
      model_size_bytes: 2641
      model_uuid: 6c1e2a4f9b0d4c55a1e7d3f1c2b8a9e0
      run_id: 0123456789abcdef0123456789abcdef
      signature:
        inputs: '[{"type": "float", "name": "sepal_length", "required": true}, {"type": "float",
          "name": "sepal_width", "required": true}, {"type": "float", "name": "petal_length",
          "required": true}, {"type": "float", "name": "petal_width", "required": true}]'
        outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'
        params: null
      utc_time_created: '2026-12-01 10:00:00.000000'
      """;

  @TempDir
  Path dir;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Sends a request as MLflow's Python client does (JSON content type); the answer must be 200 JSON. */
  static JsonNode send(String method, String url, HttpRequest.BodyPublisher body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, body)
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), method + " " + url + ": " + r.body());
    return Wire.JSON.readTree(r.body());
  }

  /** The iris classifier's ONNX bytes (test resource). */
  static byte[] iris() throws java.io.IOException {
    try (InputStream in = MlflowModelServingTest.class.getResourceAsStream("/iris.onnx")) {
      return in.readAllBytes();
    }
  }

  @Test
  @DisplayName("an ONNX model logged and registered through the MLflow routes is served from the JVM by its alias")
  void loggedFromMlflowServedFromTheJvm() throws Exception {
    byte[] onnx = iris();
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("mlops"));
        MlflowServer server = MlflowServer.builder().storage(backend).port(0).registry(r -> r.flavor(OnnxFlavor.create())).start()) {
      String api = server.url() + "/api/2.0/mlflow/";
      JsonNode exp = send("POST", api + "experiments/create", HttpRequest.BodyPublishers.ofString("{\"name\": \"iris\"}"));
      JsonNode run = send("POST", api + "runs/create", HttpRequest.BodyPublishers.ofString("{\"experiment_id\": \""
          + exp.path("experiment_id").asText() + "\", \"start_time\": 1700000000000, \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"ana\"}]}"));
      String runId = run.path("run").path("info").path("run_id").asText();
      String artifacts = run.path("run").path("info").path("artifact_uri").asText();
      String upload = server.url() + "/api/2.0/mlflow-artifacts/artifacts/" + artifacts.substring("mlflow-artifacts:/".length()) + "/model/";
      send("PUT", upload + "model.onnx", HttpRequest.BodyPublishers.ofByteArray(onnx));
      send("PUT", upload + "MLmodel", HttpRequest.BodyPublishers.ofString(MLMODEL));
      send("POST", api + "runs/update", HttpRequest.BodyPublishers.ofString("{\"run_id\": \"" + runId
          + "\", \"status\": \"FINISHED\", \"end_time\": 1700000060000}"));
      send("POST", api + "registered-models/create", HttpRequest.BodyPublishers.ofString("{\"name\": \"iris\"}"));
      JsonNode version = send("POST", api + "model-versions/create", HttpRequest.BodyPublishers.ofString("{\"name\": \"iris\", \"source\": \""
          + artifacts + "/model\", \"run_id\": \"" + runId + "\", \"tags\": [{\"key\": \"mlops.classes\", \"value\": \"setosa,versicolor,virginica\"}]}"));
      assertEquals("1", version.path("model_version").path("version").asText());
      send("POST", api + "registered-models/alias", HttpRequest.BodyPublishers.ofString(
          "{\"name\": \"iris\", \"alias\": \"champion\", \"version\": \"1\"}"));

      try (ModelRegistry registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build();
          OnnxModel model = OnnxModel.load(registry, "models:/iris@champion")) {
        assertEquals("onnx", registry.resolve("models:/iris@champion").flavor());
        assertEquals(3, model.predict(new float[] {6.6f, 3.0f, 5.6f, 2.0f}).scores().size());
        assertEquals("virginica",
            model.predict(java.util.Map.of("sepal_length", 6.6, "sepal_width", 3.0, "petal_length", 5.6, "petal_width", 2.0)).label(),
            "the MLmodel's column names are the model's features");
        assertEquals(model.predict(new float[] {6.6f, 3.0f, 5.6f, 2.0f}).label(), model.predictBatch(new float[][] {{6.6f, 3.0f, 5.6f, 2.0f}})
            .get(0).label());
      }
    }
  }
}
