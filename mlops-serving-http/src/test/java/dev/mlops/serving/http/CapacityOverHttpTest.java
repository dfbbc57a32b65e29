package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.registry.ModelFlavor;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.FeatureOrder;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.ServedModel;
import dev.mlops.testkit.Eventually;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/** An endpoint at its concurrency limit answers HTTP callers 429 with Retry-After, at once. */
class CapacityOverHttpTest {
  static final CountDownLatch HOLDING = new CountDownLatch(1);
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  /** "yes" when x1 is positive; a request with x1 = 99 waits until the test releases it. */
  static final class HeldModel implements ServedModel<Label> {
    @Override
    public Class<Label> outputType() {
      return Label.class;
    }

    @Override
    public List<String> featureNames() {
      return List.of("x1", "x2");
    }

    @Override
    public Prediction<Label> predict(Example<Label> row) {
      double[] x = FeatureOrder.of(featureNames()).doubles(row);
      if (x[0] == 99) {
        HOLDING.countDown();
        try {
          RELEASE.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return ServedModel.classification(row, x[0] > 0 ? "yes" : "no", Map.of("yes", x[0] > 0 ? 1.0 : 0.0, "no", x[0] > 0 ? 0.0 : 1.0));
    }
  }

  @TempDir
  Path dir;

  @Test
  @DisplayName("while one request holds the only slot, the next is refused with 429 and Retry-After; the held one is answered")
  void atTheLimit() throws Exception {
    Path bytes = Files.writeString(dir.resolve("held.bin"), "held", StandardCharsets.UTF_8);
    try (ModelRegistry registry = ModelRegistry.builder().storage("mem:capacity-" + System.nanoTime()).flavor(ModelFlavor.opaque("held")).build();
        ModelServer server = ModelServer.builder().registry(registry).modelAdapter("held", source -> new HeldModel()).build();
        ServingHttpServer http = ServingHttpServer.builder(server).port(0).start()) {
      registry.register(Registration.of("held").fromFile(bytes).flavor("held").inputExample("{\"x1\": 1.0, \"x2\": 0.0}"));
      registry.setAlias("held", "champion", 1);
      server.endpoint("held", Label.class).serve("models:/held@champion").maxConcurrency(1).build();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest.Builder infer = HttpRequest.newBuilder(java.net.URI.create(http.url() + "/v2/models/held/infer")).timeout(Duration.ofSeconds(60));
      CompletableFuture<HttpResponse<String>> held = client.sendAsync(infer.copy().POST(HttpRequest.BodyPublishers.ofString(
          HttpFixture.columns(99, 0))).build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(HOLDING.await(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the first request is in the model");
      HttpResponse<String> refused = client.send(infer.copy().POST(HttpRequest.BodyPublishers.ofString(HttpFixture.columns(3, 0))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(429, refused.statusCode(), refused.body());
      assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
      assertTrue(HttpFixture.json(refused).get("error").asText().contains("is at capacity"), refused.body());
      RELEASE.countDown();
      HttpResponse<String> first = held.get(Eventually.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(200, first.statusCode(), first.body());
      assertEquals(200, client.send(infer.copy().POST(HttpRequest.BodyPublishers.ofString(HttpFixture.columns(3, 0))).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode(), "the slot is free again");
    }
  }
}
