package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;

/**
 * MLflow's official Java client ({@code org.mlflow:mlflow-client} 2.17.2) against a running server
 * on one store; what it wrote is then read through this library's own {@link Tracker} and must
 * agree exactly. One subclass per store.
 */
abstract class MlflowClientContract {
  private StorageBackend backend;
  private MlflowServer server;
  private MlflowClient client;
  private Tracker tracker;

  /** A fresh, empty store. */
  abstract StorageBackend open();

  @BeforeEach
  void start() {
    backend = open();
    server = MlflowServer.builder().storage(backend).port(0).start();
    client = new MlflowClient(server.url());
    tracker = Tracker.builder().storage(backend).build();
  }

  @AfterEach
  void stop() {
    client.close();
    tracker.close();
    server.close();
    backend.close();
  }

  @Test
  @DisplayName("experiments are created, found by id and name, renamed, deleted and restored; experiment 0 exists")
  void experiments() {
    assertEquals("Default", client.getExperiment("0").getName());
    String id = client.createExperiment("churn 'quoted' / ünïcode");
    Experiment e = client.getExperiment(id);
    assertEquals("churn 'quoted' / ünïcode", e.getName());
    assertEquals(id, client.getExperimentByName("churn 'quoted' / ünïcode").orElseThrow().getExperimentId());
    assertEquals(Optional.empty(), client.getExperimentByName("no such experiment"));
    client.setExperimentTag(id, "team", "growth");
    client.renameExperiment(id, "churn-2");
    assertEquals("churn-2", tracker.getExperiment(id).orElseThrow().name());
    assertEquals("growth", tracker.getExperiment(id).orElseThrow().tags().get("team"));
    assertEquals(List.of("churn-2"), client.searchExperiments("name LIKE 'churn%'").getItems().stream().map(Experiment::getName).toList());
    client.deleteExperiment(id);
    assertEquals(LifecycleStage.DELETED, tracker.getExperiment(id).orElseThrow().lifecycleStage());
    assertEquals("deleted", client.getExperiment(id).getLifecycleStage());
    client.restoreExperiment(id);
    assertEquals(LifecycleStage.ACTIVE, tracker.getExperiment(id).orElseThrow().lifecycleStage());
    MlflowHttpException dup = assertThrows(MlflowHttpException.class, () -> client.createExperiment("churn-2"));
    assertEquals(400, dup.getStatusCode());
    assertTrue(dup.getBodyMessage().contains("RESOURCE_ALREADY_EXISTS"), dup.getBodyMessage());
  }

  @Test
  @DisplayName("params, metrics with NaN and infinities, batches and tags read back exactly through the library")
  void runDataReadsBackExactly() {
    String exp = client.createExperiment("exact");
    RunInfo info = client.createRun(exp);
    String runId = info.getRunId();
    assertTrue(info.getArtifactUri().startsWith("mlflow-artifacts:/" + exp + "/" + runId), info.getArtifactUri());
    client.logParam(runId, "lr", "0.1");
    client.logMetric(runId, "loss", Double.NaN, 1_700_000_000_001L, 0);
    client.logMetric(runId, "loss", Double.POSITIVE_INFINITY, 1_700_000_000_002L, 1);
    client.logMetric(runId, "loss", Double.NEGATIVE_INFINITY, 1_700_000_000_003L, 2);
    client.logMetric(runId, "loss", 0.25, 1_700_000_000_004L, 3);
    client.logMetric(runId, "loss", -0.0, 1_700_000_000_004L, 3);
    client.logBatch(runId,
        List.of(metric("acc", 0.5, 1_700_000_000_010L, 7), metric("acc", 1e-300, 1_700_000_000_009L, 7), metric("acc", 0.75, 5L, 8)),
        List.of(Param.newBuilder().setKey("depth").setValue("4").build()),
        List.of(RunTag.newBuilder().setKey("stage").setValue("dev").build()));
    client.setTag(runId, "note", "ok");
    client.setTag(runId, "gone", "soon");
    client.deleteTag(runId, "gone");
    client.setTerminated(runId, Service.RunStatus.FINISHED, 1_700_000_001_000L);

    Run run = tracker.getRun(runId);
    assertEquals("0.1", run.params().get("lr"));
    assertEquals("4", run.params().get("depth"));
    assertEquals("dev", run.tags().get("stage"));
    assertEquals("ok", run.tags().get("note"));
    assertFalse(run.tags().containsKey("gone"));
    assertEquals(RunStatus.FINISHED, run.info().status());
    assertEquals(1_700_000_001_000L, run.info().endTime());
    assertEquals(info.getStartTime(), run.info().startTime());
    assertEquals(List.of(
        new dev.mlops.api.tracking.Metric("loss", Double.NaN, 1_700_000_000_001L, 0),
        new dev.mlops.api.tracking.Metric("loss", Double.POSITIVE_INFINITY, 1_700_000_000_002L, 1),
        new dev.mlops.api.tracking.Metric("loss", Double.NEGATIVE_INFINITY, 1_700_000_000_003L, 2),
        new dev.mlops.api.tracking.Metric("loss", 0.25, 1_700_000_000_004L, 3),
        new dev.mlops.api.tracking.Metric("loss", -0.0, 1_700_000_000_004L, 3)), tracker.metricHistory(runId, "loss"));
    assertEquals(List.of(
        new dev.mlops.api.tracking.Metric("acc", 0.5, 1_700_000_000_010L, 7),
        new dev.mlops.api.tracking.Metric("acc", 1e-300, 1_700_000_000_009L, 7),
        new dev.mlops.api.tracking.Metric("acc", 0.75, 5L, 8)), tracker.metricHistory(runId, "acc"));

    // and the client reads the same back
    List<Metric> history = client.getMetricHistory(runId, "loss");
    assertEquals(5, history.size());
    assertTrue(Double.isNaN(history.get(0).getValue()));
    assertEquals(Double.POSITIVE_INFINITY, history.get(1).getValue());
    assertEquals(Double.NEGATIVE_INFINITY, history.get(2).getValue());
    assertEquals(1_700_000_000_003L, history.get(2).getTimestamp());
    assertEquals(2, history.get(2).getStep());
    Service.Run got = client.getRun(runId);
    assertEquals("FINISHED", got.getInfo().getStatus().name());
    assertEquals(0.75, got.getData().getMetricsList().stream().filter(m -> m.getKey().equals("acc")).findFirst().orElseThrow().getValue());
  }

  @Test
  @DisplayName("a search with a filter and an ordering returns across pages what the library's own search returns")
  void searchAcrossPages() {
    String exp = client.createExperiment("sweep");
    for (int i = 0; i < 7; i++) {
      String runId = client.createRun(exp).getRunId();
      client.logMetric(runId, "acc", i / 10.0);
      client.logParam(runId, "model", i % 2 == 0 ? "tree" : "linear");
    }
    String filter = "metrics.acc > 0.05 and params.model = 'tree'";
    List<String> viaClient = new ArrayList<>();
    RunsPage page = client.searchRuns(List.of(exp), filter, ViewType.ACTIVE_ONLY, 2, List.of("metrics.acc DESC"), null);
    int pages = 1;
    viaClient.addAll(page.getItems().stream().map(r -> r.getInfo().getRunId()).toList());
    while (page.hasNextPage()) {
      page = (RunsPage) page.getNextPage();
      pages++;
      viaClient.addAll(page.getItems().stream().map(r -> r.getInfo().getRunId()).toList());
    }
    List<String> viaLibrary = tracker.searchAll(RunQuery.builder().experiments(exp).filter(filter).orderBy("metrics.acc DESC").build())
        .stream().map(Run::id).toList();
    assertEquals(3, viaLibrary.size());
    assertEquals(viaLibrary, viaClient);
    assertEquals(2, pages);
    List<Double> accs = viaLibrary.stream().map(id -> tracker.getRun(id).metric("acc").orElseThrow()).toList();
    assertEquals(List.of(0.6, 0.4, 0.2), accs);
  }

  @Test
  @DisplayName("a param logged again with another value is INVALID_PARAMETER_VALUE, and the batch that carried it wrote nothing")
  void refusedBatchWritesNothing() {
    String runId = client.createRun().getRunId();
    client.logParam(runId, "lr", "0.1");
    MlflowHttpException e = assertThrows(MlflowHttpException.class, () -> client.logBatch(runId,
        List.of(metric("m", 1.0, 1L, 0)), List.of(Param.newBuilder().setKey("lr").setValue("0.2").build()), List.of()));
    assertEquals(400, e.getStatusCode());
    assertTrue(e.getBodyMessage().contains("INVALID_PARAMETER_VALUE"), e.getBodyMessage());
    assertEquals(List.of(), tracker.metricHistory(runId, "m"));
    assertEquals("0.1", tracker.getRun(runId).params().get("lr"));
    MlflowHttpException missing = assertThrows(MlflowHttpException.class, () -> client.getRun("0123456789abcdef0123456789abcdef"));
    assertEquals(404, missing.getStatusCode());
    assertTrue(missing.getBodyMessage().contains("RESOURCE_DOES_NOT_EXIST"), missing.getBodyMessage());
  }

  @Test
  @DisplayName("a log-batch sent twice, as a retry does, adds its points once")
  void retriedBatchDoesNotDuplicate() {
    String runId = client.createRun().getRunId();
    String body = "{\"run_id\":\"" + runId + "\",\"metrics\":[{\"key\":\"loss\",\"value\":0.5,\"timestamp\":\"1700000000000\",\"step\":\"1\"}]}";
    client.sendPost("runs/log-batch", body);
    client.sendPost("runs/log-batch", body);
    assertEquals(List.of(new dev.mlops.api.tracking.Metric("loss", 0.5, 1_700_000_000_000L, 1)), tracker.metricHistory(runId, "loss"));
  }

  @Test
  @DisplayName("a model logged as an artifact is registered, aliased, staged and found by alias, and the registry holds its bytes")
  void registry() throws Exception {
    String exp = client.createExperiment("models");
    RunInfo run = client.createRun(exp);
    byte[] model = "not really onnx, opaque bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String dir = run.getArtifactUri() + "/model";
    var http = java.net.http.HttpClient.newHttpClient();
    String base = server.url() + "/api/2.0/mlflow-artifacts/artifacts/" + dir.substring("mlflow-artifacts:/".length());
    for (var file : java.util.Map.of("model.onnx", model, "MLmodel", "flavors: {}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).entrySet()) {
      var put = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/" + file.getKey()))
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(file.getValue())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, put.statusCode(), put.body());
    }
    client.sendPost("registered-models/create", "{\"name\": \"churn\", \"description\": \"who leaves\"}");
    String created = client.sendPost("model-versions/create", "{\"name\": \"churn\", \"source\": \"" + dir + "\", \"run_id\": \""
        + run.getRunId() + "\"}");
    assertTrue(created.contains("\"version\":\"1\""), created);
    ModelRegistry.ModelVersion v = client.getModelVersion("churn", "1");
    assertEquals(dir, v.getSource());
    assertEquals(run.getRunId(), v.getRunId());
    assertEquals("READY", v.getStatus().name());
    assertEquals(dir, client.getModelVersionDownloadUri("churn", "1"));

    client.sendPost("registered-models/alias", "{\"name\": \"churn\", \"alias\": \"champion\", \"version\": \"1\"}");
    String byAlias = client.sendGet("registered-models/alias?name=churn&alias=champion");
    assertTrue(byAlias.contains("\"aliases\":[\"champion\"]"), byAlias);
    MlflowHttpException unknown = assertThrows(MlflowHttpException.class, () -> client.sendGet("registered-models/alias?name=churn&alias=nope"));
    assertEquals(400, unknown.getStatusCode(), "MLflow answers an unknown alias with 400 INVALID_PARAMETER_VALUE");

    client.sendPost("model-versions/transition-stage", "{\"name\": \"churn\", \"version\": \"1\", \"stage\": \"Production\","
        + " \"archive_existing_versions\": false}");
    assertEquals("Production", client.getModelVersion("churn", "1").getCurrentStage());
    assertEquals(List.of("1"), client.getLatestVersions("churn", List.of("Production")).stream().map(ModelRegistry.ModelVersion::getVersion).toList());
    assertEquals("who leaves", client.getRegisteredModel("churn").getDescription());

    try (dev.mlops.registry.ModelRegistry registry = dev.mlops.registry.ModelRegistry.builder().storage(backend).build()) {
      assertEquals(1, registry.resolve("models:/churn@champion").version());
      assertEquals(1, registry.resolve("models:/churn@production").version());
      assertArrayEquals(model, registry.bytes("churn", 1));
      assertEquals(run.getRunId(), registry.getVersion("churn", 1).lineage().runId());
      assertTrue(registry.audit().stream().anyMatch(a -> a.actor().equals(MlflowServer.ANONYMOUS)), "changes are audited with the principal");
    }
  }

  static Metric metric(String key, double value, long timestamp, long step) {
    return Metric.newBuilder().setKey(key).setValue(value).setTimestamp(timestamp).setStep(step).build();
  }
}
