package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests MLflow 3's Python client sends for a training script, replayed over HTTP in its
 * order and with its bodies, then read back through this library.
 *
 * <p>Where each body comes from (no PyPI here, so the shapes are written down from MLflow's
 * sources, {@code github:mlflow/mlflow}):
 * <ul>
 *   <li>{@code mlflow/store/tracking/rest_store.py}: {@code create_run} sends
 *       {@code CreateRun(experiment_id=str(...), user_id, start_time, tags, run_name)};
 *       {@code log_param} sends {@code LogParam(run_uuid=run_id, run_id=run_id, key, value)};
 *       {@code log_metric} sends {@code LogMetric(run_uuid, run_id, key, value, timestamp, step)};
 *       {@code set_tag} sends {@code SetTag(run_uuid, run_id, key, value)}; {@code update_run_info}
 *       sends {@code UpdateRun(run_uuid, run_id, status, end_time, run_name)}; {@code get_run}
 *       sends {@code GetRun(run_uuid, run_id)} as query parameters; each body is
 *       {@code message_to_json} of the message (proto field names, unset fields left out, int64
 *       as numbers: {@code mlflow/utils/proto_json_utils.py}); GET requests put the message in
 *       the query ({@code mlflow/utils/rest_utils.py: call_endpoint}). The revision of
 *       {@code rest_store.py} read here predates the LoggedModel methods.</li>
 *   <li>{@code mlflow/protos/service.proto} (the 3.x revision): the LoggedModel messages
 *       {@code CreateLoggedModel(experiment_id, name, model_type, source_run_id, params, tags)},
 *       {@code LogOutputs(run_id, models=[ModelOutput(model_id, step)])},
 *       {@code FinalizeLoggedModel(model_id, status)} on {@code PATCH /mlflow/logged-models/{model_id}},
 *       {@code LogMetric}'s 3.x field {@code model_id}.</li>
 *   <li>{@code mlflow/models/model.py} ({@code Model.log} in 3.x, as summarised in
 *       {@code shared/reference/mlflow-rest.md}): get the run, create the logged model with the
 *       run's params, log it as the run's output, re-log the run's metrics with the model's id,
 *       upload the files to the model's artifact URI, finalize it READY; then
 *       {@code register_model("models:/<model_id>", name)} creates the registered model and a
 *       version with {@code source="models:/<model_id>"}, {@code run_id} and {@code model_id}, and
 *       polls {@code model-versions/get}; {@code set_registered_model_alias} posts
 *       {@code {name, alias, version}}.</li>
 * </ul>
 */
class MlflowThreeReplayTest {
  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode send(String method, String url, String json) throws Exception {
    return send(method, url, HttpRequest.BodyPublishers.ofString(json));
  }

  /** The server over {@code backend}, registering ONNX models as the README's Python example logs them. */
  private static MlflowServer serve(StorageBackend backend) {
    return MlflowServer.builder().storage(backend).port(0).registry(r -> r.flavor(OnnxFlavor.create())).start();
  }

  private JsonNode get(String url) throws Exception {
    return send("GET", url, HttpRequest.BodyPublishers.noBody());
  }

  private static JsonNode send(String method, String url, HttpRequest.BodyPublisher body) throws Exception {
    return MlflowModelServingTest.send(method, url, body);
  }

  @Test
  @DisplayName("start_run, log_param, log_metric, log_batch, set_tag, log_model (3.x), register_model and an alias, as MLflow 3 sends them")
  void aTrainingScriptOfMlflowThree() throws Exception {
    byte[] onnx = MlflowModelServingTest.iris();
    String modelId;
    String runId;
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("mlops"));
        MlflowServer server = serve(backend)) {
      String api = server.url() + "/api/2.0/mlflow/";
      // mlflow.set_experiment("iris"): get-by-name answers 404, then create
      HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(api + "experiments/get-by-name?experiment_name=iris")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, missing.statusCode());
      assertEquals("RESOURCE_DOES_NOT_EXIST", Wire.JSON.readTree(missing.body()).path("error_code").asText());
      String exp = send("POST", api + "experiments/create", "{\"name\": \"iris\"}").path("experiment_id").asText();

      // mlflow.start_run(run_name="bright-fox-7")
      JsonNode run = send("POST", api + "runs/create", "{\"experiment_id\": \"" + exp + "\", \"user_id\": \"ana\", \"run_name\": \"bright-fox-7\","
          + " \"start_time\": 1733500000000, \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"ana\"}, {\"key\": \"mlflow.source.name\","
          + " \"value\": \"train.py\"}, {\"key\": \"mlflow.source.type\", \"value\": \"LOCAL\"}, {\"key\": \"mlflow.runName\", \"value\": \"bright-fox-7\"}]}");
      runId = run.path("run").path("info").path("run_id").asText();
      // log_param, log_metric (twice), log_batch, set_tag
      send("POST", api + "runs/log-parameter", "{\"run_uuid\": \"" + runId + "\", \"run_id\": \"" + runId + "\", \"key\": \"C\", \"value\": \"0.5\"}");
      send("POST", api + "runs/log-metric", "{\"run_uuid\": \"" + runId + "\", \"run_id\": \"" + runId
          + "\", \"key\": \"loss\", \"value\": 0.9, \"timestamp\": 1733500001000, \"step\": 0}");
      send("POST", api + "runs/log-metric", "{\"run_uuid\": \"" + runId + "\", \"run_id\": \"" + runId
          + "\", \"key\": \"loss\", \"value\": 0.4, \"timestamp\": 1733500002000, \"step\": 1}");
      send("POST", api + "runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": [{\"key\": \"accuracy\", \"value\": 0.96,"
          + " \"timestamp\": 1733500003000, \"step\": 1}], \"params\": [{\"key\": \"solver\", \"value\": \"lbfgs\"}], \"tags\": []}");
      send("POST", api + "runs/set-tag", "{\"run_uuid\": \"" + runId + "\", \"run_id\": \"" + runId + "\", \"key\": \"team\", \"value\": \"iris\"}");

      // mlflow.onnx.log_model(onx, name="model") in 3.x
      JsonNode got = get(api + "runs/get?run_uuid=" + runId + "&run_id=" + runId);
      assertEquals(2, got.path("run").path("data").path("params").size());
      JsonNode created = send("POST", api + "logged-models", "{\"experiment_id\": \"" + exp + "\", \"name\": \"model\", \"source_run_id\": \""
          + runId + "\", \"params\": [{\"key\": \"C\", \"value\": \"0.5\"}, {\"key\": \"solver\", \"value\": \"lbfgs\"}], \"tags\": []}");
      JsonNode info = created.path("model").path("info");
      modelId = info.path("model_id").asText();
      assertTrue(modelId.matches("m-[0-9a-f]{32}"), modelId);
      assertEquals("LOGGED_MODEL_PENDING", info.path("status").asText());
      String artifactUri = info.path("artifact_uri").asText();
      assertTrue(artifactUri.startsWith("mlflow-artifacts:/"), artifactUri);
      send("POST", api + "runs/outputs", "{\"run_id\": \"" + runId + "\", \"models\": [{\"model_id\": \"" + modelId + "\", \"step\": 0}]}");
      get(api + "metrics/get-history?run_id=" + runId + "&metric_key=loss");
      get(api + "metrics/get-history?run_id=" + runId + "&metric_key=accuracy");
      send("POST", api + "runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": ["
          + "{\"key\": \"loss\", \"value\": 0.9, \"timestamp\": 1733500001000, \"step\": 0, \"model_id\": \"" + modelId + "\"},"
          + "{\"key\": \"loss\", \"value\": 0.4, \"timestamp\": 1733500002000, \"step\": 1, \"model_id\": \"" + modelId + "\"},"
          + "{\"key\": \"accuracy\", \"value\": 0.96, \"timestamp\": 1733500003000, \"step\": 1, \"model_id\": \"" + modelId + "\"}]}");
      String upload = server.url() + "/api/2.0/mlflow-artifacts/artifacts/" + artifactUri.substring("mlflow-artifacts:/".length()) + "/";
      send("PUT", upload + "model.onnx", HttpRequest.BodyPublishers.ofByteArray(onnx));
      send("PUT", upload + "MLmodel", HttpRequest.BodyPublishers.ofString(MlflowModelServingTest.MLMODEL));
      JsonNode ready = send("PATCH", api + "logged-models/" + modelId, "{\"model_id\": \"" + modelId + "\", \"status\": \"LOGGED_MODEL_READY\"}");
      assertEquals("LOGGED_MODEL_READY", ready.path("model").path("info").path("status").asText());
      JsonNode files = get(api + "logged-models/" + modelId + "/artifacts/directories").path("files");
      assertEquals("[\"MLmodel\",\"model.onnx\"]", Wire.write(Wire.JSON.valueToTree(List.of(files.get(0).path("path").asText(),
          files.get(1).path("path").asText()))));

      // mlflow.register_model("models:/<model_id>", "iris"), then the alias
      send("POST", api + "registered-models/create", "{\"name\": \"iris\"}");
      JsonNode version = send("POST", api + "model-versions/create", "{\"name\": \"iris\", \"source\": \"models:/" + modelId + "\", \"run_id\": \""
          + runId + "\", \"tags\": [{\"key\": \"mlops.classes\", \"value\": \"setosa,versicolor,virginica\"}], \"model_id\": \"" + modelId + "\"}");
      assertEquals("1", version.path("model_version").path("version").asText());
      assertEquals("READY", get(api + "model-versions/get?name=iris&version=1").path("model_version").path("status").asText());
      send("POST", api + "registered-models/alias", "{\"name\": \"iris\", \"alias\": \"champion\", \"version\": \"1\"}");
      send("POST", api + "runs/update", "{\"run_uuid\": \"" + runId + "\", \"run_id\": \"" + runId + "\", \"status\": \"FINISHED\", \"end_time\": 1733500060000}");

      JsonNode model = get(api + "logged-models/" + modelId).path("model");
      assertEquals("[{\"name\":\"iris\",\"version\":\"1\"}]", Wire.write(model.path("info").path("registrations")));
      assertEquals(2, model.path("data").path("metrics").size(), "the latest point of each metric is linked to the model");
    }

    // read back through the library, from the store reopened
    try (StorageBackend backend = StorageBackend.openExisting("file:" + dir.resolve("mlops"));
        Tracker tracker = Tracker.builder().storage(backend).build();
        ModelRegistry registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build()) {
      Run r = tracker.getRun(runId);
      assertEquals(Map.of("C", "0.5", "solver", "lbfgs"), r.params());
      assertEquals("iris", r.tags().get("team"));
      assertEquals(List.of(new Metric("loss", 0.9, 1_733_500_001_000L, 0), new Metric("loss", 0.4, 1_733_500_002_000L, 1)),
          tracker.metricHistory(runId, "loss"), "the model's re-logged points are not written twice");
      assertEquals(1, tracker.metricHistory(runId, "accuracy").size());
      ModelVersion v = registry.resolve("models:/iris@champion");
      assertEquals(runId, v.lineage().runId(), "the version's lineage is the run the model was logged in");
      assertEquals("onnx", v.flavor());
      assertEquals(modelId, v.tags().get("mlflow.modelId"));
      assertArrayEquals(onnx, registry.bytes("iris", 1));
      try (MlflowServer again = MlflowServer.builder().storage(backend).port(0).start()) {
        JsonNode model = get(again.url() + "/api/2.0/mlflow/logged-models/" + modelId).path("model").path("info");
        assertEquals("LOGGED_MODEL_READY", model.path("status").asText(), "a logged model outlives its server");
        assertEquals(runId, model.path("source_run_id").asText());
      }
    }
  }

  /**
   * {@code mlflow.onnx.log_model(onx, name="model")} with no active run creates the logged model
   * without {@code source_run_id}; {@code register_model("models:/<model_id>", name)} then sends
   * {@code source="models:/<model_id>"} and {@code model_id} with no {@code run_id}
   * ({@code mlflow/tracking/_model_registry/fluent.py: _register_model}: {@code run_id} is set only
   * for a {@code runs:/} URI), polls the version, and records the version on the model as the tag
   * {@code mlflow.modelVersions}.
   */
  @Test
  @DisplayName("a model logged without a run registers from models:/<model_id>: its own files, no run, its experiment and params as lineage")
  void registeringALoggedModelWithoutARun() throws Exception {
    byte[] onnx = MlflowModelServingTest.iris();
    String modelId;
    String exp;
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("mlops"));
        MlflowServer server = serve(backend)) {
      String api = server.url() + "/api/2.0/mlflow/";
      exp = send("POST", api + "experiments/create", "{\"name\": \"iris\"}").path("experiment_id").asText();
      JsonNode info = send("POST", api + "logged-models", "{\"experiment_id\": \"" + exp + "\", \"name\": \"model\", \"model_type\": \"onnx\","
          + " \"params\": [{\"key\": \"C\", \"value\": \"0.5\"}], \"tags\": [{\"key\": \"mlflow.source.git.commit\", \"value\": \"abc123\"}]}")
          .path("model").path("info");
      modelId = info.path("model_id").asText();
      assertFalse(info.has("source_run_id"), info.toString());
      String artifactUri = info.path("artifact_uri").asText();
      assertEquals("mlflow-artifacts:/" + exp + "/models/" + modelId + "/artifacts", artifactUri);
      String upload = server.url() + "/api/2.0/mlflow-artifacts/artifacts/" + artifactUri.substring("mlflow-artifacts:/".length()) + "/";
      send("PUT", upload + "model.onnx", HttpRequest.BodyPublishers.ofByteArray(onnx));
      send("PUT", upload + "MLmodel", HttpRequest.BodyPublishers.ofString(MlflowModelServingTest.MLMODEL));
      send("PATCH", api + "logged-models/" + modelId, "{\"model_id\": \"" + modelId + "\", \"status\": \"LOGGED_MODEL_READY\"}");
      // an evaluation run logs a metric of the model on a dataset (mlflow.log_metric(..., model_id=..., dataset=...))
      String eval = send("POST", api + "runs/create", "{\"experiment_id\": \"" + exp + "\", \"start_time\": 1733500000000}")
          .path("run").path("info").path("run_id").asText();
      send("POST", api + "runs/log-metric", "{\"run_id\": \"" + eval + "\", \"key\": \"accuracy\", \"value\": 0.97, \"timestamp\": 1733500001000,"
          + " \"step\": 0, \"model_id\": \"" + modelId + "\", \"dataset_name\": \"iris-test\", \"dataset_digest\": \"9f2c\"}");

      send("POST", api + "registered-models/create", "{\"name\": \"iris\"}");
      HttpResponse<String> withRun = http.send(HttpRequest.newBuilder(URI.create(api + "model-versions/create")).POST(HttpRequest.BodyPublishers.ofString(
          "{\"name\": \"iris\", \"source\": \"models:/" + modelId + "\", \"run_id\": \"0123456789abcdef0123456789abcdef\", \"model_id\": \"" + modelId
          + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, withRun.statusCode(), "a run the model was not logged in: " + withRun.body());
      assertTrue(withRun.body().contains("logged without one"), withRun.body());
      JsonNode version = send("POST", api + "model-versions/create", "{\"name\": \"iris\", \"source\": \"models:/" + modelId + "\", \"tags\":"
          + " [{\"key\": \"mlops.classes\", \"value\": \"setosa,versicolor,virginica\"}], \"model_id\": \"" + modelId + "\"}").path("model_version");
      assertEquals("1", version.path("version").asText());
      assertEquals("models:/" + modelId, version.path("source").asText());
      assertEquals(modelId, version.path("model_id").asText());
      assertEquals("", version.path("run_id").asText(""));
      assertEquals("READY", get(api + "model-versions/get?name=iris&version=1").path("model_version").path("status").asText());
      get(api + "logged-models/" + modelId);
      send("PATCH", api + "logged-models/" + modelId + "/tags", "{\"tags\": [{\"key\": \"mlflow.modelVersions\", \"value\":"
          + " \"[{\\\"name\\\": \\\"iris\\\", \\\"version\\\": \\\"1\\\"}]\"}]}");
      assertEquals(artifactUri, get(api + "model-versions/get-download-uri?name=iris&version=1").path("artifact_uri").asText(),
          "the version's files are the logged model's, at its artifact location");
      JsonNode model = get(api + "logged-models/" + modelId).path("model").path("info");
      assertEquals("[{\"name\":\"iris\",\"version\":\"1\"}]", Wire.write(model.path("registrations")));
    }

    try (StorageBackend backend = StorageBackend.openExisting("file:" + dir.resolve("mlops"));
        ModelRegistry registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build()) {
      ModelVersion v = registry.getVersion("iris", 1);
      assertArrayEquals(onnx, registry.bytes("iris", 1));
      assertEquals("onnx", v.flavor());
      assertEquals("artifacts:/" + modelId + "/model.onnx", v.source());
      assertEquals(modelId, v.tags().get("mlflow.modelId"));
      assertEquals("", v.lineage().runId(), "no run");
      assertEquals(exp, v.lineage().experimentId());
      assertEquals(Map.of("C", "0.5"), v.lineage().params());
      assertEquals("abc123", v.lineage().gitCommit());
      assertEquals(Map.of("accuracy", 0.97), v.lineage().metrics(), "the metrics linked to the model");
      assertEquals(List.of("iris-test@9f2c"), v.lineage().datasets());
      assertEquals(List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), v.signature().inputs().stream().map(f -> f.name()).toList(),
          "the MLmodel beside the model names its features");
    }
  }
}
