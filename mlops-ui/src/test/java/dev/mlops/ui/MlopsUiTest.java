package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testsupport.Browser;
import dev.mlops.testsupport.Chromium;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UI over a file: store: its JSON API, its safety rules, and its pages in a real headless Chromium. */
class MlopsUiTest {
  static final String HOSTILE = "<img src=x onerror=alert(1)>";
  @TempDir
  Path dir;
  private StorageBackend backend;
  private MlopsUi ui;
  private String runId;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void fill() throws Exception {
    backend = StorageBackend.open("file:" + dir.resolve("store"));
    try (Tracker tracker = Tracker.builder().storage(backend).build();
        ActiveRun run = tracker.newRun().experiment("churn").name(HOSTILE).start()) {
      run.logParam("model", "cart").setTag("note", HOSTILE);
      for (int step = 0; step < 5000; step++) {
        run.logMetric("loss", step == 1234 ? 50 : 1.0 / (1 + step), step);
      }
      run.logMetric("accuracy", 0.91);
      run.logText("notes/readme.txt", "hello");
      runId = run.id();
      tracker.flush();
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      Path model = Files.writeString(dir.resolve("model.bin"), "a model");
      registry.register(Registration.of("churn").fromFile(model).flavor("generic").sourceRun(runId));
      registry.setAlias("churn", "champion", 1);
    }
    // a monitor with stored windows: the second drifts, and a column name is hostile
    java.util.Random r = new java.util.Random(1);
    double[] ref = new double[2000];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = r.nextGaussian();
    }
    dev.mlops.monitoring.profile.Profile reference = dev.mlops.monitoring.profile.Profile.of(dev.mlops.monitoring.data.Table.of(
        java.util.List.of(dev.mlops.monitoring.data.Column.numerical(HOSTILE, ref))));
    try (dev.mlops.monitoring.Monitor monitor = dev.mlops.monitoring.Monitor.builder("traffic").reference(reference).windowRows(500)
        .storage(backend).alert(dev.mlops.monitoring.AlertRule.datasetDrift()).executor(Runnable::run).build()) {
      for (int i = 0; i < 1000; i++) {
        monitor.log(java.util.Map.of(HOSTILE, r.nextGaussian() + (i < 500 ? 0 : 2)));
      }
    }
    ui = MlopsUi.builder().storage(backend).port(0).start();
  }

  @AfterEach
  void close() {
    if (ui != null) {
      ui.close();
    }
    backend.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(ui.url() + path.substring(1))).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void theApiListsRunsFiltersThemAndReducesLongHistoriesKeepingSpikes() throws Exception {
    JsonNode runs = json("/api/runs?filter=" + java.net.URLEncoder.encode("metrics.accuracy > 0.9", StandardCharsets.UTF_8));
    assertEquals(1, runs.get("runs").size());
    assertEquals(HOSTILE, runs.get("runs").get(0).get("name").asText(), "values are data, returned as JSON strings");
    assertEquals(0, json("/api/runs?filter=" + java.net.URLEncoder.encode("metrics.accuracy > 0.95", StandardCharsets.UTF_8)).get("runs").size());
    HttpResponse<String> bad = get("/api/runs?filter=" + java.net.URLEncoder.encode("metrics.accuracy >>> 1", StandardCharsets.UTF_8));
    assertEquals(400, bad.statusCode());
    assertTrue(new ObjectMapper().readTree(bad.body()).get("error").asText().length() > 10, bad.body());
    JsonNode m = json("/api/metric?run=" + runId + "&key=loss&buckets=100");
    assertTrue(m.get("reduced").asBoolean());
    assertEquals(5000, m.get("points").asInt());
    double max = 0;
    for (JsonNode v : m.get("max")) {
      max = Math.max(max, v.asDouble());
    }
    assertEquals(50.0, max, "the spike at step 1234 is kept");
    JsonNode run = json("/api/run?id=" + runId);
    assertEquals("cart", run.get("params").get("model").asText());
    assertEquals("notes", run.get("artifacts").get(0).get("path").asText());
    JsonNode model = json("/api/model?name=churn");
    assertEquals(runId, model.get("versions").get(0).get("run").asText());
    assertTrue(json("/api/audit").get("valid").asBoolean());
    assertEquals(404, get("/api/run?id=0123456789abcdef0123456789abcdef").statusCode());
    assertTrue(get("/api/runs").headers().firstValue("Server-Timing").isPresent());
  }

  @Test
  void safetyRulesHold() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertEquals(MlopsUi.CSP, page.headers().firstValue("Content-Security-Policy").orElseThrow());
    assertFalse(page.body().contains("<script>"), "no inline script");
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
    assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(ui.url() + "api/runs")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode(), "read-only");
    assertEquals(400, raw("GET /webjars/..%2f..%2fMETA-INF/MANIFEST.MF HTTP/1.1", "127.0.0.1").startsWith("HTTP/1.1 400") ? 400 : 0);
    assertEquals(400, raw("GET /static/..%2F..%2Fdev/mlops/ui/MlopsUi.class HTTP/1.1", "127.0.0.1").startsWith("HTTP/1.1 400") ? 400 : 0);
    assertEquals(200, get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode());
    assertTrue(raw("GET / HTTP/1.1", "evil.example").startsWith("HTTP/1.1 403"), "a rebound Host is refused");
    assertTrue(raw("GET / HTTP/1.1", "localhost:" + ui.port()).startsWith("HTTP/1.1 200"));
  }

  @Test
  void aTokenGuardsEveryRouteAndTheFirstVisitSetsACookie() throws Exception {
    try (MlopsUi guarded = MlopsUi.builder().storage(backend).port(0).token("0123456789abcdef-secret").start()) {
      HttpClient client = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).followRedirects(HttpClient.Redirect.NORMAL).build();
      assertEquals(401, client.send(HttpRequest.newBuilder(URI.create(guarded.url() + "api/runs")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(guarded.url() + "api/runs"))
          .header("Authorization", "Bearer 0123456789abcdef-secret").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(401, client.send(HttpRequest.newBuilder(URI.create(guarded.url() + "?token=wrong-token-value-123")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpResponse<String> signedIn = client.send(HttpRequest.newBuilder(URI.create(guarded.url() + "?token=0123456789abcdef-secret")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, signedIn.statusCode(), "the redirect after the cookie lands on the page");
      assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(guarded.url() + "api/models")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode(), "the cookie now signs requests");
    }
  }

  @Test
  @Chromium
  void pagesRenderStoreValuesAsTextInARealBrowser() throws Exception {
    try (Browser b = Browser.launch()) {
      String runs = Pages.readyDom(b, ui.url());
      assertTrue(runs.contains("&lt;img src=x onerror=alert(1)&gt;"), "the hostile run name is shown as text");
      assertEquals(0, b.eval("document.querySelectorAll('img').length").asInt(), "and never becomes an element");
      assertTrue(runs.contains("metrics.accuracy") && runs.contains(">0.91<"), runs);
      String run = Pages.readyDom(b, ui.url() + "static/run.html?id=" + runId + "&metric=loss");
      assertTrue(run.contains("uplot"), "the chart was drawn: " + run);
      assertTrue(run.contains("buckets (min, max and last of each"), "the chart says it shows reduced data");
      String models = Pages.readyDom(b, ui.url() + "static/models.html?name=churn");
      assertTrue(models.contains("Audit trail verified"), models);
      assertTrue(models.contains("@champion"), models);
    }
  }

  @Test
  @Chromium
  void monitorsArtifactsAndComparisonAreServedSafely() throws Exception {
    assertEquals("traffic", json("/api/monitors").get(0).asText());
    JsonNode m = json("/api/monitor?name=traffic");
    assertEquals(2, m.get("windows").size());
    assertTrue(m.get("alerts").size() >= 1);
    // the monitor's reference is a profile: each tested column's statistic says how far the sketch may put it from the rows'
    JsonNode column = m.get("windows").get(0).get("drift").get("columns").get(0);
    assertTrue(column.get("statisticError").isNumber() && column.get("unsettled").isBoolean(), column.toString());
    HttpResponse<String> report = get("/report?monitor=traffic&window=1");
    assertEquals(200, report.statusCode(), report.body());
    assertTrue(report.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("sandbox;"), "the report is sandboxed");
    assertFalse(report.body().contains(HOSTILE), "the report escapes the column name");
    assertEquals(404, get("/report?monitor=traffic&window=9").statusCode());
    HttpResponse<String> file = get("/download?run=" + runId + "&path=notes/readme.txt");
    assertEquals(200, file.statusCode());
    assertEquals("hello", file.body());
    assertTrue(file.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"), "never rendered inline");
    assertEquals(400, get("/download?run=" + runId + "&path=" + java.net.URLEncoder.encode("../../mlops.db", StandardCharsets.UTF_8))
        .statusCode(), "a path leaving the run's artifacts is refused");
    assertEquals(404, get("/download?run=" + runId + "&path=notes/missing.txt").statusCode());
    try (Browser b = Browser.launch()) {
      String monitors = Pages.readyDom(b, ui.url() + "static/monitors.html?name=traffic");
      assertTrue(monitors.contains("DRIFT"), monitors);
      String compare;
      try (Tracker tracker = Tracker.builder().storage(backend).build();
          ActiveRun other = tracker.newRun().experiment("churn").name("other").start()) {
        other.logParam("model", "logistic").logMetric("accuracy", 0.8);
        compare = Pages.readyDom(b, ui.url() + "static/compare.html?runs=" + runId + "," + other.id());
      }
      assertTrue(b.eval("[...document.querySelectorAll('#params td.diff')].some(td => td.textContent === 'model')").asBoolean(),
          "the differing param is marked: " + compare);
      assertEquals(2, compare.split("<circle", -1).length - 1, "the scatter has a point per run: " + compare);
      String run = Pages.readyDom(b, ui.url() + "static/run.html?id=" + runId);
      assertTrue(run.contains("notes/"), "the artifact tree shows the directory: " + run);
    }
  }

  @Test
  void withTheRegistrysAccessPolicyEachPrincipalSeesOnlyItsModels() throws Exception {
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("fraud-scores").fromFile(Files.writeString(dir.resolve("f.bin"), "fraud")).flavor("generic"));
    }
    dev.mlops.registry.AccessPolicy policy = dev.mlops.registry.RoleBasedAccessPolicy.builder()
        .grant("alice", dev.mlops.registry.RoleBasedAccessPolicy.Role.VIEWER, "fraud-*")
        .grant("bob", dev.mlops.registry.RoleBasedAccessPolicy.Role.APPROVER, "*").build();
    // the embedding application says who is asking: here a header its proxy would set
    Authenticator byHeader = headers -> {
      java.util.List<String> user = headers.get("X-User");
      return user == null || user.isEmpty() ? null : user.get(0);
    };
    try (MlopsUi guarded = MlopsUi.builder().storage(backend).port(0).authenticator(byHeader).accessPolicy(policy).start()) {
      java.util.function.BiFunction<String, String, HttpResponse<String>> as = (user, path) -> {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(guarded.url() + path.substring(1)));
        if (user != null) {
          r.header("X-User", user);
        }
        try {
          return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      assertEquals(401, as.apply(null, "/api/models").statusCode(), "no principal, no answer");
      JsonNode alice = new ObjectMapper().readTree(as.apply("alice", "/api/models").body());
      assertEquals(1, alice.size());
      assertEquals("fraud-scores", alice.get(0).get("name").asText());
      assertEquals(404, as.apply("alice", "/api/model?name=churn").statusCode(), "a model she may not see answers as missing");
      assertEquals(404, as.apply("alice", "/card?name=churn&version=1").statusCode());
      assertEquals(200, as.apply("alice", "/api/model?name=fraud-scores").statusCode());
      JsonNode audit = new ObjectMapper().readTree(as.apply("alice", "/api/audit").body());
      assertTrue(audit.get("recent").size() >= 1);
      for (JsonNode e : audit.get("recent")) {
        assertTrue(e.get("target").asText().startsWith("fraud-scores"), "only entries about her models: " + e);
      }
      assertEquals(2, new ObjectMapper().readTree(as.apply("bob", "/api/models").body()).size(), "bob may see every model");
      assertEquals(0, new ObjectMapper().readTree(as.apply("carol", "/api/models").body()).size(), "no grant, no models");
    }
  }

  @Test
  @Chromium
  void aRetrainingLoopsHistoryIsShown() throws Exception {
    RetrainingRoutesTest.runALoop(backend, HOSTILE);
    assertEquals("churn-loop", json("/api/loops").get(0).asText());
    String page;
    try (Browser b = Browser.launch()) {
      page = Pages.readyDom(b, ui.url() + "static/retraining.html?name=churn-loop");
    }
    assertTrue(page.contains("PROMOTED") && page.contains("COOLDOWN"), page);
    assertTrue(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "the trigger's reason is text");
  }

  /** A raw request, for headers a client library will not send (a forged Host, an undecoded path). */
  private String raw(String requestLine, String host) throws Exception {
    try (Socket s = new Socket("127.0.0.1", ui.port())) {
      OutputStream out = s.getOutputStream();
      out.write((requestLine + "\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toString(StandardCharsets.UTF_8);
    }
  }

}
