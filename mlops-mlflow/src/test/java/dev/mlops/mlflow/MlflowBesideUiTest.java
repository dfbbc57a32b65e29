package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.Metric;
import dev.mlops.tracking.Tracker;
import dev.mlops.ui.MlopsUi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * MLflow's API mounted on the web UI's server: one port serves the UI's pages and
 * {@code MLFLOW_TRACKING_URI}, behind the UI's Host and token checks; MLflow's official client logs
 * through it and the UI shows what it logged.
 */
class MlflowBesideUiTest {
  private static final String TOKEN = "one-port-token-0123456789";

  @Test
  @DisplayName("the UI and MLflow's API on one port: the official client logs a run and an artifact, the UI lists it, checks hold")
  void onePort() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (StorageBackend store = StorageBackend.open("mem:" + UUID.randomUUID());
        MlflowHandler mlflow = MlflowServer.builder().storage(store).handler();
        MlopsUi ui = MlopsUi.builder().storage(store).port(0).token(TOKEN).mount(mlflow, mlflow.prefixes()).start();
        Tracker tracker = Tracker.builder().storage(store).build()) {
      String trackingUri = ui.url().substring(0, ui.url().length() - 1);
      MlflowClient client = new MlflowClient(new BasicMlflowHostCreds(trackingUri, TOKEN));
      try {
        String exp = client.createExperiment("one-port");
        String run = client.createRun(exp).getRunId();
        client.logMetric(run, "loss", 0.25);
        // MLflow's Java client uploads to an mlflow-artifacts: URI only through Python's mlflow: the proxy route directly
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(trackingUri + "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + run
            + "/artifacts/notes.txt")).header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofString("logged through the UI's port"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        HttpResponse<String> multipart = http.send(HttpRequest.newBuilder(URI.create(trackingUri + "/api/2.0/mlflow-artifacts/mpu/create/" + exp + "/"
            + run + "/artifacts")).header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"big.bin\","
            + " \"num_parts\": 2}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(501, multipart.statusCode(), "MLflow's answer that makes its client upload in one PUT: " + multipart.body());
        List<Metric> history = tracker.metricHistory(run, "loss");
        assertEquals(1, history.size());
        assertEquals(0.25, history.get(0).value());
        try (java.io.InputStream in = tracker.artifacts().open(run, "notes.txt")) {
          assertEquals("logged through the UI's port", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      } finally {
        client.close();
      }

      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(ui.url() + "api/experiments"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), page.body());
      assertTrue(page.body().contains("one-port"), "the UI shows the experiment MLflow's client created: " + page.body());

      HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(trackingUri + "/api/2.0/mlflow/experiments/search"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, noToken.statusCode(), "the UI's token check guards the mounted API");
      HttpResponse<String> uiPost = http.send(HttpRequest.newBuilder(URI.create(ui.url() + "api/experiments"))
          .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, uiPost.statusCode(), "the UI's own routes stay read-only");
      HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(trackingUri + "/api/2.0/mlflow/traces"))
          .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, unknown.statusCode());
      assertTrue(unknown.body().contains("ENDPOINT_NOT_FOUND"), unknown.body());
    }
  }
}
