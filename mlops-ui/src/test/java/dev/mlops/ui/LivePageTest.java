package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.testsupport.Browser;
import dev.mlops.testsupport.Chromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** The Live page shows state from the embedding JVM: here a serving endpoint's status, versions and figures. */
@Chromium
class LivePageTest {
  @Test
  void anEmbeddedServersEndpointsAreShownAndReRead() throws Exception {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("t", f), f);
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) {
      boolean yes = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(yes ? "yes" : "no"), new String[] {"x"}, new double[] {r.nextGaussian() + (yes ? 2 : -2)}));
    }
    try (StorageBackend backend = StorageBackend.open("mem:live-" + UUID.randomUUID());
        ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("churn").fromModel(new LogisticRegressionTrainer().train(d)));
      registry.setAlias("churn", "champion", 1);
      try (ModelServer server = ModelServer.builder().registry(registry).build()) {
        Endpoint<Label> e = server.endpoint("churn-endpoint", Label.class).serve("models:/churn@champion").build();
        for (int i = 0; i < 10; i++) {
          e.predict(Map.of("x", 1.0));
        }
        try (MlopsUi ui = MlopsUi.builder().storage(backend).port(0)
            .live("endpoints", () -> server.endpoints().stream().map(Endpoint::describe).toList()).start()) {
          HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ui.url() + "api/live")).build(),
              HttpResponse.BodyHandlers.ofString());
          JsonNode live = new ObjectMapper().readTree(res.body()).get("endpoints").get(0);
          assertEquals("churn-endpoint", live.get("endpoint").asText());
          assertEquals("READY", live.get("state").asText());
          assertEquals(10, live.get("variants").get(0).get("requests").asInt());
          String page;
          try (Browser b = Browser.launch()) {
            page = Pages.readyDom(b, ui.url() + "static/live.html");
          }
          assertTrue(page.contains("churn-endpoint") && page.contains("READY") && page.contains("models:/churn@champion"), page);
        }
      }
    }
  }
}
