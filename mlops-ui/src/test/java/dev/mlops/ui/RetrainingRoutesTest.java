package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.retraining.Blessing;
import dev.mlops.retraining.MetricThreshold;
import dev.mlops.retraining.RetrainingLoop;
import dev.mlops.retraining.Rollout;
import dev.mlops.retraining.TrainingData;
import dev.mlops.tracking.Tracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** The retraining routes over a store a real loop wrote and closed, reopened as the standalone UI opens it. */
class RetrainingRoutesTest {
  @TempDir
  Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Rows of a small world: label "yes" around x1 = 2 + shift, "no" around x1 = -2 + shift. */
  private static MutableDataset<Label> rows(long seed, int n, double shift) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("world " + seed, f), f);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      boolean yes = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(yes ? "yes" : "no"), new String[] {"x1", "x2"},
          new double[] {r.nextGaussian() + shift + (yes ? 2 : -2), r.nextGaussian()}));
    }
    return d;
  }

  /**
   * Runs a loop named {@code churn-loop} on {@code backend} maintaining {@code churn-ct@champion}: a champion, a manual trigger with {@code reason} whose
   * retraining is promoted, a second trigger within the cooldown, and a resume (a resume point, not a trigger).
   */
  static void runALoop(StorageBackend backend, String reason) {
    try (Tracker tracker = Tracker.builder().storage(backend).build();
        ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("churn-ct").fromModel(new LogisticRegressionTrainer().train(rows(1, 300, 0))));
      registry.setAlias("churn-ct", "champion", 1);
      try (RetrainingLoop<Label> loop = RetrainingLoop.builder("churn-loop", Label.class).tracker(tracker).registry(registry)
          .model("churn-ct").executor(Runnable::run).pollInterval(Duration.ZERO).cooldown(Duration.ofHours(1))
          // the world moved by 3: the champion, trained before the move, loses to any challenger trained after it, so the
          // retraining is promoted whatever the clock (an unshifted world made blessing a coin toss between two equal models)
          .data(ctx -> TrainingData.of(rows(2, 400, 3), Map.of("source", "the small world, moved")))
          .trainer(new LogisticRegressionTrainer())
          .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.05).atLeast(0.7)))
          .rollout(Rollout.moveAlias()).build()) {
        loop.trigger(reason, "manual:first");
        loop.trigger("again", "manual:again");
        loop.resume();
      }
    }
  }

  private JsonNode json(MlopsUi ui, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ui.url() + path.substring(1))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void aLoopsHistoryIsReadThroughTheLoopsOwnReaderOnAReopenedStore() throws Exception {
    String uri = "file:" + dir.resolve("store");
    try (StorageBackend backend = StorageBackend.open(uri)) {
      runALoop(backend, MlopsUiTest.HOSTILE);
    }
    try (StorageBackend reopened = StorageBackend.open(uri); MlopsUi ui = MlopsUi.builder().storage(reopened).port(0).start()) {
      assertEquals("churn-loop", json(ui, "/api/loops").get(0).asText());
      JsonNode loop = json(ui, "/api/loop?name=churn-loop");
      assertEquals(1, loop.get("retrainings").size(), loop.toString());
      JsonNode rt = loop.get("retrainings").get(0);
      assertEquals("PROMOTED", rt.get("state").asText(), rt.toString());
      assertEquals(2, rt.get("challengerVersion").asInt());
      assertTrue(rt.get("blessing").get("reason").asText().contains("accuracy"), rt.toString());
      JsonNode triggers = loop.get("triggers");
      assertEquals(2, triggers.size(), "the resume point is not a trigger: " + triggers);
      assertEquals(MlopsUiTest.HOSTILE, triggers.get(0).get("trigger").get("reason").asText(), "values are data, returned as JSON strings");
      assertEquals("QUEUED", triggers.get(0).get("outcome").asText());
      assertEquals("COOLDOWN", triggers.get(1).get("outcome").asText());
      HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(ui.url() + "api/loop?name=no-loop")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, none.statusCode(), "a loop that never used the store is not found, as an unknown run: " + none.body());
      assertEquals("no retraining loop 'no-loop' has used this store", new ObjectMapper().readTree(none.body()).get("error").asText());
    }
  }
}
