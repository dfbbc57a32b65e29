package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.AlertRule;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testsupport.Browser;
import dev.mlops.testsupport.Chromium;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each page shows first, before any choice: the figures that tell things apart, in a real browser. */
@Chromium
class FirstScreensTest {
  @TempDir
  Path dir;
  private StorageBackend backend;
  private MlopsUi ui;

  @BeforeEach
  void open() {
    backend = StorageBackend.open("file:" + dir.resolve("store"));
    ui = MlopsUi.builder().storage(backend).port(0).start();
  }

  @AfterEach
  void close() {
    ui.close();
    backend.close();
  }

  private static List<String> headers(Browser b) throws Exception {
    return List.of(b.eval("[...document.querySelectorAll('#runs th')].map(th => th.textContent).join('\\n')").asText().split("\n"));
  }

  @Test
  void theRunsTableShowsTheSharedMetricsAndTheParamsThatDifferWithTheRestOneClickAway() throws Exception {
    try (Tracker tracker = Tracker.builder().storage(backend).build()) {
      String[] rates = {"0.1", "0.01", "0.001"};
      for (int i = 0; i < 3; i++) {
        try (ActiveRun run = tracker.newRun().experiment("sweep").name("run-" + i).start()) {
          // what a trainer's provenance logs: mostly the same in every run
          run.logParam("model", "sgd").logParam("epochs", "5").logParam("optimiser.epsilon", "1e-6")
              .logParam("optimiser.initialLearningRate", rates[i]).logParam("lr", rates[i]);
          run.logMetric("accuracy", 0.8 + i / 100.0);
          if (i == 0) {
            run.logMetric("debug_loss", 1.0);
          }
        }
      }
      tracker.flush();
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url());
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#runs table tr').length === 4");
      List<String> columns = headers(b);
      assertEquals(List.of("params.lr", "params.optimiser.initialLearningRate", "metrics.accuracy"), columns.subList(5, columns.size()),
          "the params that differ, plain keys first, and the metric every run has: " + columns);
      b.click("#allparams");
      b.waitFor("location.search.includes('columns=') && [...document.querySelectorAll('#runs th')].some(th => th.textContent === 'params.model')");
      columns = headers(b);
      assertTrue(columns.containsAll(List.of("params.epochs", "params.lr", "params.model", "params.optimiser.epsilon",
          "params.optimiser.initialLearningRate", "metrics.accuracy")), "one click shows every param: " + columns);
      assertEquals(List.of(), b.errors());
    }
  }

  /** A monitor of two windows of 500 rows over three columns: the second window has one of them drifted (a third of the columns). */
  private void monitor(String name) {
    Random r = new Random(1);
    double[][] ref = new double[3][2000];
    for (double[] column : ref) {
      for (int i = 0; i < column.length; i++) {
        column[i] = r.nextGaussian();
      }
    }
    Profile reference = Profile.of(Table.of(List.of(Column.numerical("a", ref[0]), Column.numerical("b", ref[1]),
        Column.numerical("c", ref[2]))));
    try (Monitor monitor = Monitor.builder(name).reference(reference).windowRows(500).storage(backend).alert(AlertRule.datasetDrift())
        .alert(AlertRule.columnDrift("a")).executor(Runnable::run).build()) {
      for (int i = 0; i < 1000; i++) {
        monitor.log(Map.of("a", r.nextGaussian() + (i < 500 ? 0 : 3), "b", r.nextGaussian(), "c", r.nextGaussian()));
      }
    }
  }

  @Test
  void driftSharesArePercentagesWithOneDecimalOnThePageTheListAndTheReport() throws Exception {
    monitor("traffic");
    try (Browser b = Browser.launch()) {
      b.open(ui.url() + "static/monitors.html?name=traffic");
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#monitor table tr').length >= 3");
      String shares = b.eval("[...document.querySelectorAll('#monitor table')[0].rows].slice(1).map(r => r.cells[3].textContent).join(' ')")
          .asText();
      assertEquals("0.0% 33.3%", shares);
      // the window's drift report, shown inside the same page, prints the share the same way
      String report = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(ui.url() + "report?monitor=traffic&window=1")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(report.contains("Drift share<b>33.3%</b>"), report);
      b.open(ui.url() + "static/monitors.html");
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#monitors table tr').length === 2");
      assertEquals("33.3%", b.eval("document.querySelector('#monitors table').rows[1].cells[3].textContent").asText());
      assertEquals(List.of(), b.errors());
    }
  }

  @Test
  void theListsOfModelsAndMonitorsSayWhatChangedLast() throws Exception {
    monitor("traffic");
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("v1.bin"), "one")).flavor("generic"));
      registry.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("v2.bin"), "two")).flavor("generic"));
      registry.setAlias("churn", "champion", 2);
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url() + "static/models.html");
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#models table tr').length === 2");
      assertEquals("model|versions|aliases|last change|description", row(b, "#models", 0));
      String model = row(b, "#models", 1);
      assertTrue(model.matches("churn\\|2\\|@champion \u2192 v2\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\|no description"), model);

      b.open(ui.url() + "static/monitors.html");
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#monitors table tr').length === 2");
      assertEquals("monitor|last window|closed|drift share|dataset|alerts raised in the last window|open alerts", row(b, "#monitors", 0));
      String monitor = row(b, "#monitors", 1);
      // column a drifted in the last window: its alert is open since then
      assertTrue(monitor.matches("traffic\\|1\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\|33\\.3%\\|\\|1\\|column_drift:a since window 1"),
          monitor);
      assertEquals(List.of(), b.errors());
    }
  }

  /** A table row's cells joined with |. */
  private static String row(Browser b, String table, int row) throws Exception {
    return b.eval("[...document.querySelector('" + table + " table').rows[" + row + "].cells].map(c => c.textContent).join('|')").asText();
  }

  @Test
  void everyPageSaysItIsLoadingAndThenWhatItHasOrThatItHasNothing() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (String page : List.of("", "static/run.html", "static/compare.html", "static/models.html", "static/monitors.html",
        "static/retraining.html", "static/live.html")) {
      String html = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ui.url() + page)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(html.contains("<p id=\"loading\" class=\"muted\" role=\"status\">loading\u2026</p>"),
          page + " shows that it is loading before its script has the data: " + html);
    }
    String runId;
    try (Tracker tracker = Tracker.builder().storage(backend).build(); ActiveRun run = tracker.newRun().experiment("empty").start()) {
      runId = run.id();
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url() + "?filter=" + java.net.URLEncoder.encode("metrics.x > 1", java.nio.charset.StandardCharsets.UTF_8));
      b.waitFor("document.title.startsWith('ready')");
      assertEquals("no runs match", b.text("#runs"));
      assertEquals(0, b.eval("document.querySelectorAll('#loading').length").asInt(), "the loading notice goes once the page is ready");
      b.open(ui.url() + "static/models.html");
      b.waitFor("document.title.startsWith('ready')");
      assertEquals("no registered models in this store", b.text("#models"));
      b.open(ui.url() + "static/monitors.html");
      b.waitFor("document.title.startsWith('ready')");
      assertEquals("no monitor has stored anything in this store", b.text("#monitors"));
      b.open(ui.url() + "static/run.html?id=" + runId);
      b.waitFor("document.title.startsWith('ready')");
      assertEquals("no params logged", b.text("#params"));
      assertEquals("no metrics logged", b.text("#metrics"));
      assertEquals("no dataset inputs logged", b.text("#inputs"));
      assertEquals(0, b.eval("document.querySelectorAll('#loading').length").asInt());
      assertEquals(List.of(), b.errors());
    }
  }

  @Test
  void metricsLoggedOnceAreBarsAcrossRunsNotALineChartOfOnePoint() throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    try (Tracker tracker = Tracker.builder().storage(backend).build()) {
      for (int i = 0; i < 3; i++) {
        try (ActiveRun run = tracker.newRun().experiment("sweep").name("run-" + i).start()) {
          run.logMetric("accuracy", 0.8 + i / 10.0);
          if (i == 0) {
            for (int step = 0; step < 10; step++) {
              run.logMetric("loss", 1.0 / (1 + step), step);
            }
          }
          ids.add(run.id());
        }
      }
      tracker.flush();
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url() + "static/run.html?id=" + ids.get(1) + "&metric=accuracy");
      b.waitFor("document.title.startsWith('ready')");
      assertEquals(3, b.eval("document.querySelectorAll('#chart svg rect.bar').length").asInt(), "a bar per run of the experiment");
      assertEquals("run-1 = 0.9", b.eval("document.querySelector('#chart rect.bar.current title').textContent").asText(),
          "this run's bar is marked");
      assertEquals(0, b.eval("document.querySelectorAll('#chart .uplot').length").asInt(), "no line chart of one point");

      // a run with a curve shows the curve first
      b.open(ui.url() + "static/run.html?id=" + ids.get(0));
      b.waitFor("document.title.startsWith('ready') && document.querySelector('#chart .uplot')");
      assertTrue(b.url().contains("metric=loss"), b.url());

      b.open(ui.url() + "static/compare.html?runs=" + String.join(",", ids));
      b.waitFor("document.title.startsWith('ready')");
      assertEquals("run-0 = 0.8|run-1 = 0.9|run-2 = 1", b.eval(
          "[...document.querySelectorAll('#chart svg rect.bar title')].map(t => t.textContent).join('|')").asText());
      assertEquals(0, b.eval("document.querySelectorAll('#chart .uplot').length").asInt());
      assertEquals(List.of(), b.errors());
    }
  }

  @Test
  void digestsAreShortWithTheWholeValueOnHover() throws Exception {
    String digest = "ab".repeat(32);
    String runId;
    try (Tracker tracker = Tracker.builder().storage(backend).build(); ActiveRun run = tracker.newRun().experiment("e").start()) {
      run.logInput(new dev.mlops.api.tracking.Dataset("accounts", digest, "file:accounts.csv", "{}", 10), "training");
      runId = run.id();
    }
    String sha256;
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      sha256 = registry.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("v1.bin"), "one")).flavor("generic")).sha256();
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url() + "static/models.html?name=churn");
      b.waitFor("document.title.startsWith('ready') && document.querySelector('#model code.digest')");
      assertEquals(sha256.substring(0, 12) + "\u2026|" + sha256, b.eval("(c => c.textContent + '|' + c.title)(document.querySelector('#model code.digest'))")
          .asText());
      String head = b.eval("document.querySelector('#audit-status code.digest').title").asText();
      assertEquals(64, head.length(), "the audit head in full on hover: " + head);
      assertTrue(b.text("#audit-status").contains("(head " + head.substring(0, 12) + "\u2026)"), b.text("#audit-status"));

      b.open(ui.url() + "static/run.html?id=" + runId);
      b.waitFor("document.title.startsWith('ready') && document.querySelector('#inputs code.digest')");
      assertEquals("abababababab\u2026|" + digest, b.eval("(c => c.textContent + '|' + c.title)(document.querySelector('#inputs code.digest'))")
          .asText());
      assertEquals(List.of(), b.errors());
    }
  }

  @Test
  void aPromotionRequestsGateResultsSayWhenTheyWereTaken() throws Exception {
    // a gate whose answer changes between the request and the approval: the page must say which is which
    java.util.concurrent.atomic.AtomicBoolean approving = new java.util.concurrent.atomic.AtomicBoolean();
    dev.mlops.registry.Gate reviewed = new dev.mlops.registry.Gate() {
      @Override
      public String describe() {
        return "review done";
      }

      @Override
      public Outcome evaluate(Context context) {
        return new Outcome(true, approving.get() ? "reviewed by carol" : "review scheduled");
      }
    };
    try (ModelRegistry alice = ModelRegistry.builder().storage(backend).principal(() -> "alice").protectAlias("champion", 1)
        .gate("champion", reviewed).build();
        ModelRegistry bob = ModelRegistry.builder().storage(backend).principal(() -> "bob").protectAlias("champion", 1)
            .gate("champion", reviewed).build()) {
      alice.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("v1.bin"), "one")).flavor("generic"));
      String request = alice.requestPromotion("churn", "champion", 1, "best of the sweep").id();
      approving.set(true);
      bob.approve(request, "ok");
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url() + "static/models.html?name=churn");
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#model table').length === 2");
      String requests = "document.querySelectorAll('#model table')[1]";
      assertEquals("request|alias|version|requester|status|gates at opening|gates at approval|decisions",
          b.eval("[..." + requests + ".rows[0].cells].map(c => c.textContent).join('|')").asText());
      assertEquals("PASS review done (review scheduled)|PASS review done (reviewed by carol)",
          b.eval("[..." + requests + ".rows[1].cells].slice(5, 7).map(c => c.textContent).join('|')").asText());
      assertEquals(List.of(), b.errors());
    }
  }

  /**
   * The words of the cells {@code selector} matches that the browser broke across two lines: each text
   * node's words (a value's parts between the break points ui.breakable marks are text nodes of their own).
   */
  static List<String> brokenWords(Browser b, String selector) throws Exception {
    JsonNode broken = b.eval("[...document.querySelectorAll('" + selector + "')].flatMap(cell => { const out = [];"
        + " const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); let n;"
        + " while ((n = walk.nextNode())) { for (const m of n.data.matchAll(/\\S+/g)) { const r = document.createRange();"
        + "   r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);"
        + "   const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));"
        + "   if (lines.size > 1) out.push(m[0]); } }"
        + " return out; })");
    List<String> out = new java.util.ArrayList<>();
    broken.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void theRunsTableDefaultsToTheKnobsThatVaryNotTrainerProvenanceAndShowsNamesAndTimesWhole() throws Exception {
    try (Tracker tracker = Tracker.builder().storage(backend).build()) {
      try (ActiveRun parent = tracker.newRun().experiment("sweep").name("churn-sweep").start()) {
        String[][] trials = {{"logistic", "0.1"}, {"logistic", "1.0"}, {"cart", "0.1"}, {"cart", "1.0"}};
        for (int i = 0; i < trials.length; i++) {
          String name = "churn-sweep-trial-0" + i + " (epochs_or_depth=10, learning_rate=" + trials[i][1] + ", model=" + trials[i][0]
              + ", objective=log-multiclass, optimiser=adagrad, seed=12345)";
          try (ActiveRun run = tracker.newRun().experiment("sweep").name(name).parent(parent.id()).start()) {
            // the sweep's knobs, then what Tribuo's provenance logs of each trainer
            run.logParam("model", trials[i][0]).logParam("learning_rate", trials[i][1])
                .logParam("class-name", trials[i][0].equals("cart") ? "org.tribuo.classification.dtree.CARTClassificationTrainer"
                    : "org.tribuo.classification.sgd.linear.LinearSGDTrainer")
                .logParam("host-short-name", "build-host").logParam("train-invocation-count", Integer.toString(i))
                .logParam("tribuo-version", "4.3.1");
            if (trials[i][0].equals("logistic")) {
              run.logParam("epochs", Integer.toString(5 * (i + 1)));
            }
            run.logMetric("accuracy", 0.8 + i / 100.0);
          }
        }
      }
      tracker.flush();
    }
    try (Browser b = Browser.launch()) {
      b.viewport(1400, 900);
      b.open(ui.url());
      b.waitFor("document.title.startsWith('ready') && document.querySelectorAll('#runs table tr').length === 6");
      List<String> columns = headers(b);
      assertEquals(List.of("params.learning_rate", "params.model", "params.epochs", "metrics.accuracy"), columns.subList(5, columns.size()),
          "the knobs every trial has, then a trainer's own; no provenance: " + columns);
      // a run's name and start time whole: not cut to a few lines, the time never broken inside its date or time
      JsonNode cut = b.eval("[...document.querySelectorAll('#runs td:nth-child(2) bdi, #runs td:nth-child(4) span')]"
          + ".filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)");
      assertEquals(0, cut.size(), "names and times cut: " + cut);
      assertEquals(0, b.eval("document.querySelectorAll('#runs td:nth-child(4) wbr').length").asInt(), "a start time breaks at its space only");
      assertEquals(List.of(), brokenWords(b, "#runs td:nth-child(2), #runs td:nth-child(4)"));
      assertEquals(List.of(), b.errors());
    }
  }

  @Test
  void aModelsCardsShowItsOwnFiguresNotThoseOfTheChampionItWasComparedWith() throws Exception {
    String run;
    try (Tracker tracker = Tracker.builder().storage(backend).build()) {
      // what a retraining's run logs: the challenger's figures, and the champion's on the same rows under "champion."
      try (ActiveRun r = tracker.newRun().experiment("retraining").name("retraining-1").start()) {
        r.logMetric("accuracy", 0.88).logMetric("macro_f1", 0.87).logMetric("champion.accuracy", 0.55).logMetric("champion.macro_f1", 0.41);
        run = r.id();
      }
      tracker.flush();
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).principal(() -> "alice").build()) {
      registry.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("v1.bin"), "retrained")).flavor("generic")
          .sourceRun(run));
      registry.setAlias("churn", "champion", 1);
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url() + "static/models.html?name=churn");
      b.waitFor("document.title.startsWith('ready') && document.querySelector('#model-cards')");
      JsonNode cards = b.eval("[...document.querySelectorAll('#model-cards .card')].map(c => c.dataset.card + '=' + c.textContent)");
      List<String> shown = new java.util.ArrayList<>();
      cards.forEach(c -> shown.add(c.asText()));
      String note = "v1\u2019s own, from source run " + run.substring(0, 8);
      assertTrue(shown.contains("accuracy=accuracy0.88" + note), shown.toString());
      assertTrue(shown.contains("macro_f1=macro_f10.87" + note), shown.toString());
      assertTrue(shown.stream().noneMatch(c -> c.startsWith("champion.")), "the compared champion's figures are not v1's: " + shown);
      assertEquals(List.of(), b.errors());
    }
  }

  @Test
  void aWindowWhoseAlertTheCooldownHeldBackSaysSo() throws Exception {
    Random r = new Random(2);
    double[] ref = new double[2000];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = r.nextGaussian();
    }
    try (Monitor monitor = Monitor.builder("quiet").reference(Profile.of(Table.of(List.of(Column.numerical("a", ref))))).windowRows(500)
        .storage(backend).alert(AlertRule.datasetDrift()).cooldown(java.time.Duration.ofHours(1)).executor(Runnable::run).build()) {
      for (int i = 0; i < 1500; i++) {
        monitor.log(Map.of("a", r.nextGaussian() + 3)); // every window drifts; only the first raises an alert within the hour
      }
    }
    try (Browser b = Browser.launch()) {
      b.open(ui.url() + "static/monitors.html?name=quiet");
      b.waitFor("document.title.startsWith('ready') && document.querySelector('#monitor-cards')");
      assertEquals("1|0 (1 suppressed by the cooldown: dataset_drift)|0 (1 suppressed by the cooldown: dataset_drift)",
          b.eval("[...document.querySelectorAll('#monitor table')[0].rows].slice(1).map(r => r.cells[7].textContent).join('|')").asText());
      assertTrue(b.eval("document.querySelector('#monitor-cards [data-card=\"alerts in the last window\"]').textContent").asText()
          .contains("1 suppressed by the cooldown (dataset_drift)"));
      assertEquals(List.of(), b.errors());
    }
  }
}
