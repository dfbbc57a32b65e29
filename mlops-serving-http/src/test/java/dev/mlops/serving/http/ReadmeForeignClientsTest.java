package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The README's {@code curl} commands and its Python snippet, as written there, run by the real
 * {@code curl} and CPython (standard library only) against a server on the README's model: only
 * the port is changed to the test's.
 */
class ReadmeForeignClientsTest {
  @TempDir
  Path dir;

  /** The code block of {@code language} that follows the README line starting with {@code after}. */
  static String block(String after, String language) throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int i = 0;
    while (!lines.get(i).startsWith(after)) {
      i++;
    }
    while (!lines.get(i).equals("```" + language)) {
      i++;
    }
    StringBuilder b = new StringBuilder();
    for (i++; !lines.get(i).equals("```"); i++) {
      b.append(lines.get(i)).append('\n');
    }
    return b.toString();
  }

  String run(List<String> command, String stdin) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), command + " said: " + out);
    return out;
  }

  @Test
  @DisplayName("curl and a standard-library Python client get the README's answers, and the Python client's label joins")
  void curlAndPython() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("churn", f), f);
    Random r = new Random(1);
    for (int i = 0; i < 300; i++) {
      boolean leaves = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(leaves ? "churn" : "stay"), new String[] {"tenure", "calls"},
          new double[] {leaves ? 1 + r.nextInt(10) : 20 + r.nextInt(40), leaves ? 6 + r.nextInt(6) : r.nextInt(3)}));
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage("mem:readme-http-" + System.nanoTime()).build();
        ModelServer server = ModelServer.builder().registry(registry).meterRegistry(prometheus).build();
        ServingHttpServer http = ServingHttpServer.builder(server).port(0).prometheus(prometheus).start()) {
      registry.register(Registration.of("churn").fromModel(new LogisticRegressionTrainer().train(d)));
      registry.setAlias("churn", "champion", 1);
      Endpoint<Label> churn = server.endpoint("churn", Label.class).serve("models:/churn@champion").feedback(10_000, true).build();
      String port = "localhost:" + http.port();

      List<String> curls = new ArrayList<>();
      for (String line : block("From a shell", "bash").split("\n")) {
        curls.add(run(List.of("bash", "-c", line.replace("localhost:8080", port)), ""));
      }
      assertTrue(curls.get(0).contains("\"data\":[\"churn\",\"stay\"]"), curls.get(0));
      assertEquals("{\"predictions\":[\"churn\"]}", curls.get(1));
      assertEquals("{\"predictions\":[\"churn\",\"stay\"]}", curls.get(2), "curl's text/csv body");
      assertTrue(curls.get(3).contains("mlops_serving_latency_seconds_count{endpoint=\"churn\""), curls.get(3));

      String python = block("and from Python", "python").replace("localhost:8080", port)
          + "print(json.dumps({\"labels\": labels, \"ids\": ids}))\n";
      String out = run(List.of("python3", "-"), python);
      assertTrue(out.contains("\"labels\": [\"churn\", \"stay\"]"), out);
      assertEquals(1, churn.describe().variants().get(0).labelled(), "the label the Python client sent joined its request");

      String binary = block("Binary tensors from Python", "python").replace("localhost:8080", port)
          + "print(json.dumps({\"labels\": labels, \"scores\": scores}))\n";
      String got = run(List.of("python3", "-"), binary);
      assertTrue(got.contains("\"labels\": [\"churn\", \"stay\"]"), got);
      JsonNode scores = new ObjectMapper().readTree(got.strip()).get("scores");
      assertEquals(2, scores.size(), got);
      assertEquals(churn.predict(Map.of("calls", 9.0, "tenure", 2.0)).score(), scores.get(0).asDouble(), 1e-12, got);
    }
  }
}
