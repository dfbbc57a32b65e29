package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.retraining.RetrainingStore;
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
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that lie about themselves and names too long for a screen, on every page of the UI and in
 * the HTML documents it shows (a window's drift report, a model card), in headless Chromium at
 * 1400 px: a right-to-left override is shown as a visible {@code <U+202E>} in an isolated
 * {@code <bdi>} (so "invoice", U+202E, "exe.pdf" never reads as "invoicefdp.exe"), and no table is
 * wider than the viewport, however long a name, with the whole name in the tooltip.
 */
@Chromium
class HostileNamesBrowserTest {
  static final String REVERSED = "invoice\u202Eexe.pdf";
  static final String SHOWN = "invoice<U+202E>exe.pdf";
  /** Names without a single break opportunity. */
  static final String LONG_RUN = "R".repeat(240);
  static final String LONG_VALUE = "V".repeat(2000);
  static final String LONG_KEY = "k".repeat(200);
  static final String LONG_COLUMN = "C".repeat(300);
  static final int WIDTH = 1400;

  @TempDir
  Path dir;
  private StorageBackend backend;
  private MlopsUi ui;
  private final List<String> runs = new ArrayList<>();

  @BeforeEach
  void fill() throws Exception {
    backend = StorageBackend.open("file:" + dir.resolve("store"));
    try (Tracker tracker = Tracker.builder().storage(backend).build()) {
      for (String name : List.of(REVERSED, LONG_RUN)) {
        try (ActiveRun run = tracker.newRun().experiment("E".repeat(400)).name(name).start()) {
          run.logParam("model", name.equals(REVERSED) ? LONG_VALUE : "cart").logParam(LONG_KEY, "1").setTag("note", REVERSED);
          for (int step = 0; step < 20; step++) {
            run.logMetric(LONG_KEY, 1.0 / (1 + step), step);
          }
          run.logMetric("accuracy", name.equals(REVERSED) ? 0.9 : 0.8);
          run.logArtifact("reports/" + REVERSED, new ByteArrayInputStream("a pdf".getBytes(StandardCharsets.UTF_8)));
          runs.add(run.id());
        }
      }
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("model.bin"), "a model")).flavor("generic")
          .sourceRun(runs.get(0)).description(REVERSED + " " + LONG_VALUE)
          .card(new ModelCard(REVERSED, LONG_VALUE, List.of(REVERSED, LONG_COLUMN), Map.of(LONG_KEY, 0.9), "", "", List.of(REVERSED))));
    }
    Random r = new Random(1);
    double[] ref = new double[2000];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = r.nextGaussian();
    }
    Profile reference = Profile.of(Table.of(List.of(Column.numerical(REVERSED, ref), Column.numerical(LONG_COLUMN, ref))));
    try (Monitor monitor = Monitor.builder("traffic").reference(reference).windowRows(500).storage(backend)
        .alert(AlertRule.datasetDrift()).executor(Runnable::run).build()) {
      for (int i = 0; i < 1000; i++) {
        double shift = i < 500 ? 0 : 2;
        monitor.log(Map.of(REVERSED, r.nextGaussian() + shift, LONG_COLUMN, r.nextGaussian() + shift));
      }
    }
    RetrainingStore store = backend.store(RetrainingStore.class);
    String reason = (REVERSED + " " + LONG_VALUE).replace("\u202E", "\\u202E");
    store.addTrigger(new RetrainingStore.StoredTrigger("loop", "alert:traffic:1", 5, "{\"trigger\":{\"kind\":\"DRIFT\",\"reason\":\"" + reason
        + "\",\"key\":\"alert:traffic:1\",\"time\":5,\"detail\":{}},\"outcome\":\"QUEUED\",\"detail\":\"queued\"}", null));
    ui = MlopsUi.builder().storage(backend).port(0).live("status", () -> Map.of("note", REVERSED, "detail", LONG_VALUE)).start();
  }

  @AfterEach
  void close() {
    if (ui != null) {
      ui.close();
    }
    backend.close();
  }

  /** Tables (and the page) wider than the viewport, described; none is expected. */
  private static List<String> overflowing(Browser b) throws Exception {
    JsonNode wide = b.eval("(() => { const w = document.documentElement.clientWidth;"
        // a table in a scrolling box (the runs table) may be wider than the window; its box may not
        + " const boxes = [...document.querySelectorAll('table')].map(t => t.closest('div.scroll') || t);"
        + " const out = boxes.filter(t => t.getBoundingClientRect().right > w + 0.5)"
        + "   .map(t => 'a table ' + Math.round(t.getBoundingClientRect().width) + ' px wide: ' + t.textContent.slice(0, 80));"
        + " if (document.documentElement.scrollWidth > w) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px');"
        + " return out; })()");
    List<String> out = new ArrayList<>();
    wide.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Whether the reversed name is shown isolated, its override as a visible, boxed escape, and never as the raw character. */
  private static boolean shownIsolated(Browser b) throws Exception {
    return b.eval("[...document.querySelectorAll('bdi.u')].some(e => e.title.includes('" + SHOWN + "')"
        + " && getComputedStyle(e).unicodeBidi === 'isolate' && e.textContent.includes('" + SHOWN + "')"
        + " && [...e.querySelectorAll('span.ctl')].some(c => c.textContent === '<U+202E>'))"
        + " && !document.body.innerText.includes('\\u202E')").asBoolean();
  }

  private void check(Browser b, String page, String path, String readyWhen) throws Exception {
    b.open(ui.url() + path.substring(1));
    b.waitFor(readyWhen);
    assertEquals(List.of(), overflowing(b), path + " fits a " + WIDTH + " px viewport");
    assertTrue(shownIsolated(b), path + " shows " + SHOWN + " isolated: " + b.eval("document.body.innerText.slice(0, 2000)").asText());
    b.screenshot(UiClickThroughTest.SHOTS.resolve("hostile-" + page + ".png"));
  }

  @Test
  void everyPageIsolatesNamesShowsHiddenCharactersAndFitsTheViewport() throws Exception {
    try (Browser b = Browser.launch()) {
      b.viewport(WIDTH, 900);
      String ready = "document.title.startsWith('ready')";
      check(b, "runs", "/", ready + " && document.querySelectorAll('#runs table tr').length === 3");
      assertTrue(b.eval("[...document.querySelectorAll('#runs bdi.u')].some(e => e.title === '" + LONG_RUN + "')").asBoolean(),
          "the long run name is whole in its tooltip");
      assertTrue(b.eval("[...document.querySelectorAll('#experiment option')].every(o => o.getBoundingClientRect().width <= " + WIDTH + ")")
          .asBoolean());

      check(b, "run", "/static/run.html?id=" + runs.get(0), ready + " && document.querySelector('.uplot')");
      b.eval("[...document.querySelectorAll('#artifacts button')].find(x => x.textContent === 'reports/').click()");
      b.waitFor("[...document.querySelectorAll('#artifacts bdi.u')].some(e => e.title === '" + SHOWN + "')");
      assertEquals(List.of(), overflowing(b), "the artifact tree fits");

      check(b, "compare", "/static/compare.html?runs=" + runs.get(0) + "," + runs.get(1), ready + " && document.querySelector('#params table')");
      check(b, "models", "/static/models.html?name=churn", ready + " && document.querySelector('#model table')");
      check(b, "card", "/card?name=churn&version=1", "document.readyState === 'complete'");
      check(b, "monitors", "/static/monitors.html?name=traffic", ready + " && document.body.textContent.includes('DRIFT')");
      check(b, "report", "/report?monitor=traffic&window=1", "document.readyState === 'complete'");
      check(b, "retraining", "/static/retraining.html?name=loop", ready + " && document.querySelector('#loop table')");
      check(b, "live", "/static/live.html", ready + " && document.querySelector('#live table')");

      assertEquals(List.of(), b.errors(), "no script errors and no Content-Security-Policy violations");
    }
  }
}
