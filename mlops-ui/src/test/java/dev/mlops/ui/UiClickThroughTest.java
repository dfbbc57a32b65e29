package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.monitoring.AlertRule;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testsupport.Browser;
import dev.mlops.testkit.Eventually;
import dev.mlops.testsupport.Chromium;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI driven like a person drives it, in Debian's headless Chromium through the DevTools
 * protocol: real mouse clicks and typing on a store the test fills (runs with metric histories and
 * artifacts, a registry whose champion came through an approved promotion request, a copy of that
 * store whose audit trail was edited behind the library's back, a monitor with a drifted window).
 * A screenshot of every page is kept in {@code target/ui-screenshots}.
 */
@Chromium
class UiClickThroughTest {
  /** A 2x2 PNG (red, green / blue, white), as a plot artifact. */
  static final byte[] PNG = Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC");
  static final Path SHOTS = Path.of("target", "ui-screenshots");

  @TempDir
  Path dir;
  private final List<String> runIds = new ArrayList<>();
  private StorageBackend backend;
  private StorageBackend tamperedBackend;
  private MlopsUi ui;
  private MlopsUi tampered;

  @BeforeEach
  void fill() throws Exception {
    Path store = dir.resolve("store");
    try (StorageBackend b = StorageBackend.open("file:" + store)) {
      try (Tracker tracker = Tracker.builder().storage(b).build()) {
        String[] models = {"cart", "logistic", "forest"};
        double[] accuracy = {0.91, 0.84, 0.88};
        for (int i = 0; i < 3; i++) {
          try (ActiveRun run = tracker.newRun().experiment("churn").name("run-" + models[i]).start()) {
            run.logParam("model", models[i]).logParam("seed", "7").setTag("team", "growth");
            for (int step = 0; step < 300; step++) {
              run.logMetric("loss", (1 + i) / (1.0 + step), step);
            }
            run.logMetric("accuracy", accuracy[i]);
            if (i == 0) {
              run.logText("notes/readme.txt", "hello");
              run.logArtifact("plots/curve.png", new java.io.ByteArrayInputStream(PNG));
            }
            runIds.add(run.id());
          }
        }
        tracker.flush();
      }
      ModelRegistry alice = ModelRegistry.builder().storage(b).principal(() -> "alice").protectAlias("champion", 1).build();
      ModelRegistry bob = ModelRegistry.builder().storage(b).principal(() -> "bob").protectAlias("champion", 1).build();
      try (alice; bob) {
        Path model = Files.writeString(dir.resolve("model.bin"), "a model");
        alice.register(Registration.of("churn").fromFile(model).flavor("generic").sourceRun(runIds.get(0))
            .signature(new ModelSignature(List.of(new FeatureSpec("tenure", "double"), new FeatureSpec("calls", "double")), List.of("no", "yes"), ""))
            .card(new ModelCard("Rank accounts by churn risk for the retention team", "Not for credit decisions", List.of("accounts-2026"),
                Map.of("accuracy", 0.91), "", "", List.of("growth"))));
        String request = alice.requestPromotion("churn", "champion", 1, "best accuracy of the sweep").id();
        bob.approve(request, "card reviewed");
      }
      Random r = new Random(1);
      double[] ref = new double[2000];
      for (int i = 0; i < ref.length; i++) {
        ref[i] = r.nextGaussian();
      }
      Profile reference = Profile.of(Table.of(List.of(Column.numerical("amount", ref))));
      try (Monitor monitor = Monitor.builder("traffic").reference(reference).windowRows(500).storage(b)
          .alert(AlertRule.datasetDrift()).executor(Runnable::run).build()) {
        for (int i = 0; i < 1000; i++) {
          monitor.log(Map.of("amount", r.nextGaussian() + (i < 500 ? 0 : 2)));
        }
      }
      // the served model's predictions under the monitor's name: labels for the first window only
      int[] labels = new int[300];
      double[] scores = new double[300];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = r.nextBoolean() ? 1 : 0;
        scores[i] = Math.min(0.99, Math.max(0.01, (labels[i] == 1 ? 0.7 : 0.3) + 0.15 * r.nextGaussian()));
      }
      PredictionLog log = PredictionLog.builder("traffic").windowSize(100).store(b.store(MonitoringStore.class)).build()
          .reference(labels, scores);
      for (int i = 0; i < 300; i++) {
        int truth = r.nextBoolean() ? 1 : 0;
        log.predict("p" + i, Math.min(0.99, Math.max(0.01, (truth == 1 ? 0.7 : 0.3) + 0.15 * r.nextGaussian())));
        if (i < 100) {
          log.label("p" + i, truth);
        }
      }
      log.close();
    }
    // a copy of the store whose first audit entry names another actor: the chain no longer verifies
    Path copy = dir.resolve("tampered");
    try (Stream<Path> files = Files.walk(store)) {
      for (Path f : files.toList()) {
        Path to = copy.resolve(store.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy.resolve("mlops.db"));
        PreparedStatement ps = c.prepareStatement("UPDATE reg_audit SET actor = 'mallory' WHERE seq = 1")) {
      assertEquals(1, ps.executeUpdate());
    }
    backend = StorageBackend.open("file:" + store);
    tamperedBackend = StorageBackend.open("file:" + copy);
    ui = MlopsUi.builder().storage(backend).port(0).start();
    tampered = MlopsUi.builder().storage(tamperedBackend).port(0).start();
  }

  @AfterEach
  void close() {
    for (AutoCloseable c : new AutoCloseable[] {ui, tampered, backend, tamperedBackend}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private String http(String path) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(ui.url() + path.substring(1))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("sandbox;"), "the card is sandboxed");
    return r.body();
  }

  private static int rows(Browser b) throws Exception {
    return b.eval("document.querySelectorAll('#runs table tr').length - 1").asInt();
  }

  private static String firstRun(Browser b) throws Exception {
    return b.text("#runs table tr:nth-child(2) td:nth-child(2)");
  }

  @Test
  void filterSortCompareBackForwardPreviewAndDownloadInARealBrowser() throws Exception {
    try (Browser b = Browser.launch()) {
      // the runs table: three runs, then a filter typed into the search box
      b.open(ui.url());
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#runs table tr').length === 4");
      b.screenshot(SHOTS.resolve("runs.png"));
      b.type("#filter", "metrics.accuracy > 0.86");
      b.pressEnter();
      b.waitFor("location.search.includes('filter=') && document.querySelectorAll('#runs table tr').length === 3");
      assertEquals(2, rows(b), "the filter keeps the two runs above 0.86");

      // sort by clicking the metric's column header: the store orders, a second click reverses
      b.click("th[data-key='metrics.accuracy']");
      b.waitFor("location.search.includes('order=metrics.accuracy+DESC') && document.querySelector('th.sorted-desc')");
      b.waitFor("document.querySelector('#runs table tr:nth-child(2) td:nth-child(2)').textContent === 'run-cart'");
      b.click("th[data-key='metrics.accuracy']");
      b.waitFor("location.search.includes('order=metrics.accuracy+ASC') && document.querySelector('th.sorted-asc')");
      b.waitFor("document.querySelector('#runs table tr:nth-child(2) td:nth-child(2)').textContent === 'run-forest'");

      // the back button walks the same states back, forward walks them again
      b.back();
      b.waitFor("location.search.includes('order=metrics.accuracy+DESC') && document.querySelector('th.sorted-desc')");
      b.waitFor("document.querySelector('#runs table tr:nth-child(2) td:nth-child(2)').textContent === 'run-cart'");
      b.back();
      b.waitFor("!location.search.includes('order=') && location.search.includes('filter=')");
      b.waitFor("document.querySelectorAll('#runs table tr').length === 3 && !document.querySelector('th.sorted-desc')");
      b.forward();
      b.waitFor("location.search.includes('order=metrics.accuracy+DESC') && document.querySelector('th.sorted-desc')");
      // the header follows the address at once, the rows when the store has answered
      b.waitFor("document.querySelector('#runs table tr:nth-child(2) td:nth-child(2)').textContent === 'run-cart'");
      assertEquals("run-cart", firstRun(b));

      // chosen columns, a tag among them
      b.type("#columns", "tags.team, metrics.loss");
      b.pressEnter();
      b.waitFor("[...document.querySelectorAll('#runs th')].some(th => th.textContent === 'tags.team')");
      assertTrue(b.text("#runs table").contains("growth"), b.text("#runs table"));

      // a filter the parser refuses: its message, with the position, in the page
      b.type("#filter", "metrics.accuracy >>> 1");
      b.pressEnter();
      b.waitFor("document.querySelector('#message .error')");
      String error = b.text("#message .error");
      assertTrue(error.matches("(?s).*\\d.*") && error.length() > 10, "the parser's message names where: " + error);

      // pick two runs and compare them
      b.type("#filter", "params.seed = '7'");
      b.pressEnter();
      b.waitFor("document.querySelectorAll('#runs table tr').length === 4");
      b.click("#runs table tr:nth-child(2) input.pick");
      b.click("#runs table tr:nth-child(3) input.pick");
      b.click("#compare");
      b.waitFor("location.pathname.endsWith('compare.html') && document.title.startsWith('ready')");
      b.waitFor("document.querySelector('.diff')");
      assertTrue(b.text(".diff").contains("model"), "the differing param is marked");
      b.screenshot(SHOTS.resolve("compare.png"));
      b.back();
      b.waitFor("location.pathname === '/' && document.title.startsWith('ready')");

      // a run: its chart, the artifact tree, a text and an image preview, a download
      b.open(ui.url() + "static/run.html?id=" + runIds.get(0) + "&metric=loss");
      b.waitFor("document.title.startsWith('ready') && document.querySelector('.uplot')");
      assertTrue(b.text("#chartnote").contains("every logged point is shown") || b.text("#chartnote").contains("buckets"), b.text("#chartnote"));
      assertTrue(b.text("#tags > table").contains("growth") && !b.text("#tags > table").contains("mlops.user"), b.text("#tags"));
      assertTrue(b.text("#system-tags summary").startsWith("system tags ("), "system tags are grouped apart");
      b.click("#artifacts button");
      b.waitFor("[...document.querySelectorAll('#artifacts button')].length >= 2");
      b.eval("[...document.querySelectorAll('#artifacts button')].find(x => x.textContent === 'plots/').click()");
      b.waitFor("[...document.querySelectorAll('#artifacts li')].some(li => li.textContent.includes('curve.png'))");
      b.eval("[...document.querySelectorAll('#artifacts li')].find(li => li.textContent.startsWith('curve.png'))"
          + ".querySelector('button').id = 'image-preview'");
      b.click("#image-preview");
      b.waitFor("document.querySelector('img.preview') && document.querySelector('img.preview').complete"
          + " && document.querySelector('img.preview').naturalWidth === 2");
      b.eval("[...document.querySelectorAll('#artifacts button')].find(x => x.textContent === 'notes/').click()");
      b.waitFor("[...document.querySelectorAll('#artifacts a')].some(a => a.textContent === 'readme.txt')");
      b.eval("[...document.querySelectorAll('#artifacts li')].find(li => li.textContent.startsWith('readme.txt'))"
          + ".querySelector('button').id = 'text-preview'");
      b.click("#text-preview");
      b.waitFor("document.querySelector('#artifacts pre') && document.querySelector('#artifacts pre').textContent === 'hello'");
      b.screenshot(SHOTS.resolve("run.png"));
      Path downloads = dir.resolve("downloads");
      b.downloadTo(downloads);
      b.eval("[...document.querySelectorAll('#artifacts a')].find(a => a.textContent === 'readme.txt').id = 'readme'");
      b.click("#readme");
      Path file = downloads.resolve("readme.txt");
      // the browser writes a partial file under another name and renames it when the download is whole
      Eventually.until(() -> Files.exists(file) && Files.readString(file).equals("hello"), "the download of readme.txt arrived whole");

      // the registry: the approved request with its decision, the alias, and the verified trail
      b.open(ui.url() + "static/models.html?name=churn");
      b.waitFor("document.title.startsWith('ready') && document.querySelector('#model table')");
      assertTrue(b.text("#audit-status").startsWith("Audit trail verified"), b.text("#audit-status"));
      assertEquals("ok", b.eval("document.querySelector('#audit-status').className").asText());
      String model = b.text("#model");
      assertTrue(model.contains("@champion") && model.contains("APPROVED") && model.contains("bob approved: card reviewed"), model);
      assertTrue(model.contains("tenure: double, calls: double \u2192 no | yes"), "the signature is shown: " + model);
      b.click("#model button.card");
      b.waitFor("location.search.includes('card=1') && !document.querySelector('#card').hidden");
      String cardDoc = http("/card?name=churn&version=1");
      assertTrue(cardDoc.contains("Rank accounts by churn risk") && cardDoc.contains("Not for credit decisions"), cardDoc);
      b.screenshot(SHOTS.resolve("models.png"));
      b.click("#model table a");
      b.waitFor("location.pathname.endsWith('run.html') && document.title.startsWith('ready')");
      assertEquals("run-cart", b.text("#title"), "the version's lineage links to its source run");

      // the same store with an edited audit entry: shown in red, naming the entry
      b.open(tampered.url() + "static/models.html?name=churn");
      b.waitFor("document.title.startsWith('ready') && document.querySelector('#audit-status')");
      assertEquals("bad", b.eval("document.querySelector('#audit-status').className").asText());
      String broken = b.text("#audit-status");
      assertTrue(broken.startsWith("Audit trail does NOT verify") && broken.contains("1"), broken);
      b.screenshot(SHOTS.resolve("models-tampered.png"));

      // monitoring: the drifted window, and its full report in the sandboxed frame
      b.open(ui.url() + "static/monitors.html?name=traffic");
      b.waitFor("document.title.startsWith('ready') && document.body.textContent.includes('DRIFT')");
      b.waitFor("document.querySelector('#performance .uplot')");
      String performance = b.text("#performance-table");
      assertEquals(4, b.eval("document.querySelectorAll('#performance-table tr').length").asInt(), "three windows: " + performance);
      assertTrue(b.eval("[...document.querySelectorAll('#performance-table tr')][1].children[3].textContent !== ''"
          + " && [...document.querySelectorAll('#performance-table tr')][3].children[3].textContent === ''"
          + " && [...document.querySelectorAll('#performance-table tr')][3].children[4].textContent !== ''").asBoolean(),
          "realized accuracy where labels arrived, the CBPE estimate everywhere: " + performance);
      b.screenshot(SHOTS.resolve("monitors.png"));

      // the one error a page may report is the refused filter's 400 response
      List<String> errors = b.errors().stream().filter(e -> !(e.startsWith("network:") && e.contains("status of 400"))).toList();
      assertEquals(List.of(), errors, "no script errors and no Content-Security-Policy violations on any page");
    }
  }
}
