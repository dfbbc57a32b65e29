package dev.mlops.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A store with model "churn" (v1 and v2, both "yes" when x1 is positive; v3 says the opposite), a
 * model server with endpoint "churn" on {@code @champion} (v1; {@code @canary} is v3 for a test that routes to it), and the server on HTTP at a free
 * loopback port, with the JDK's HTTP client to call it.
 */
final class HttpFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final StorageBackend backend = StorageBackend.open("mem:http-" + UUID.randomUUID());
  final ModelRegistry admin = ModelRegistry.builder().storage(backend).principal(() -> "alice").eventPollInterval(Duration.ofMillis(20))
      .build();
  final ModelServer server;
  final Endpoint<Label> churn;
  final ServingHttpServer http;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  HttpFixture() {
    this(b -> b, e -> e);
  }

  HttpFixture(UnaryOperator<ServingHttpServer.Builder> http, UnaryOperator<dev.mlops.serving.EndpointBuilder<Label>> endpoint) {
    this(ModelServer.builder(), http, endpoint);
  }

  HttpFixture(ModelServer.Builder serverBuilder, UnaryOperator<ServingHttpServer.Builder> http,
      UnaryOperator<dev.mlops.serving.EndpointBuilder<Label>> endpoint) {
    admin.register(Registration.of("churn").fromModel(train(1, false)));
    admin.register(Registration.of("churn").fromModel(train(2, false)));
    admin.register(Registration.of("churn").fromModel(train(3, true)));
    admin.setAlias("churn", "champion", 1);
    admin.setAlias("churn", "canary", 3);
    this.server = serverBuilder.registry(ModelRegistry.builder().storage(backend).principal(() -> "serving")
        .eventPollInterval(Duration.ofMillis(20)).build()).build();
    this.churn = endpoint.apply(server.endpoint("churn", Label.class).serve("models:/churn@champion").feedback(10_000, true)).build();
    this.http = http.apply(ServingHttpServer.builder(server).port(0)).start();
  }

  /** Two features, x1 and x2; "yes" when x1 is positive (or the opposite, flipped). */
  static Model<Label> train(long seed, boolean flipped) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("http-test", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < 200; i++) {
      boolean yes = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(yes != flipped ? "yes" : "no"), new String[] {"x1", "x2"},
          new double[] {r.nextGaussian() + (yes ? 2 : -2), r.nextGaussian()}));
    }
    return new LogisticRegressionTrainer().train(d);
  }

  URI uri(String path) {
    return URI.create(http.url() + path);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  /** A one-row inference request in the column form. */
  static String columns(double x1, double x2) {
    return "{\"id\": \"r-1\", \"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [" + x1 + "]},"
        + " {\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [" + x2 + "]}]}";
  }

  @Override
  public void close() {
    http.close();
    ModelRegistry r = server.registry();
    server.close();
    r.close();
    admin.close();
    backend.close();
  }
}
