package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route that names a thing answers a name the store does not have with 404, and the API's routes with the one
 * JSON error shape {@code {"error": message}} naming it, as an unknown run always did; the same names that exist answer
 * 200. Before, an unknown monitor or loop answered 200 with an empty history, and an unknown run's metric an empty series.
 */
class NotFoundRoutesTest {
  @TempDir
  static Path dir;
  private static StorageBackend backend;
  private static MlopsUi ui;
  private static String runId;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String NOSUCH = "nosuch \u00e9t\u00e9 <b>";

  @BeforeAll
  static void fill() throws Exception {
    backend = StorageBackend.open("file:" + dir.resolve("store"));
    try (Tracker tracker = Tracker.builder().storage(backend).build();
        ActiveRun run = tracker.newRun().experiment("churn").name("r").start()) {
      run.logMetric("accuracy", 0.88);
      runId = run.id();
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("m.bin"), "a model")).flavor("generic"));
    }
    Random r = new Random(3);
    double[] ref = new double[500];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = r.nextGaussian();
    }
    try (Monitor monitor = Monitor.builder("traffic").reference(Profile.of(Table.of(List.of(Column.numerical("x", ref)))))
        .windowRows(100).storage(backend).executor(Runnable::run).build()) {
      for (int i = 0; i < 100; i++) {
        monitor.log(Map.of("x", r.nextGaussian()));
      }
    }
    ui = MlopsUi.builder().storage(backend).port(0).start();
  }

  @AfterAll
  static void close() {
    ui.close();
    backend.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(ui.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A JSON route's 404: the error shape every API route uses, its message naming {@code what}. */
  private static void notFound(String path, String what) throws Exception {
    HttpResponse<String> res = get(path);
    assertEquals(404, res.statusCode(), path + " answered " + res.body());
    assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
    JsonNode body = new ObjectMapper().readTree(res.body());
    assertEquals(List.of("error"), List.copyOf(iterable(body)), path + ": " + res.body());
    assertTrue(body.get("error").asText().contains(what), path + " names " + what + ": " + res.body());
  }

  private static List<String> iterable(JsonNode body) {
    List<String> names = new java.util.ArrayList<>();
    body.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void theApiAnswersAnUnknownMonitorLoopModelRunOrMetricWith404AndItsErrorShape() throws Exception {
    notFound("api/monitor?name=" + q(NOSUCH), NOSUCH);
    notFound("api/loop?name=nosuch-loop", "nosuch-loop");
    assertEquals(400, get("api/loop?name=" + q(NOSUCH)).statusCode(), "a name no loop may have is bad input, not a missing loop");
    notFound("api/model?name=" + q(NOSUCH), NOSUCH);
    notFound("api/run?id=0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef");
    notFound("api/metric?run=0123456789abcdef0123456789abcdef&key=accuracy", "0123456789abcdef0123456789abcdef");
    notFound("api/metric?run=" + runId + "&key=" + q(NOSUCH), NOSUCH);
    notFound("api/artifacts?run=0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef");
    notFound("api/" + q("nosuch"), "nosuch");
  }

  @Test
  void theDocumentsAnswerAnUnknownMonitorWindowModelOrVersionWith404() throws Exception {
    assertEquals(404, get("report?monitor=" + q(NOSUCH) + "&window=0").statusCode());
    assertEquals(404, get("report?monitor=traffic&window=7").statusCode());
    assertEquals(404, get("card?name=" + q(NOSUCH) + "&version=1").statusCode());
    assertEquals(404, get("card?name=churn&version=7").statusCode(), "an unknown version of a known model");
  }

  @Test
  void theSameRoutesAnswerWhatExists() throws Exception {
    for (String path : List.of("api/monitor?name=traffic", "api/model?name=churn", "api/run?id=" + runId, "api/metric?run=" + runId + "&key=accuracy",
        "api/artifacts?run=" + runId, "report?monitor=traffic&window=0", "card?name=churn&version=1", "api/loops")) {
      HttpResponse<String> res = get(path);
      assertEquals(200, res.statusCode(), path + " answered " + res.body());
    }
    JsonNode monitor = new ObjectMapper().readTree(get("api/monitor?name=traffic").body());
    assertEquals(1, monitor.get("windows").size(), monitor.toString());
  }
}
