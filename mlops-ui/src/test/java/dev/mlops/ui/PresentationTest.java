package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testsupport.Browser;
import dev.mlops.testsupport.Chromium;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How figures, times and sections read on a store like the one the demo leaves after two runs, in headless Chromium:
 * two sweeps whose trials share their names, eight metrics and five params that differ (long, dotted names, class-name
 * values, raw six-decimal floats), no artifacts, a model version without a signature, a retraining loop. One number
 * format and one time format on every page; numbers and times never wrap inside; the runs page within 1400 px; empty
 * sections say so; the retraining page's decision readable; bars of runs that share a name told apart.
 */
@Chromium
class PresentationTest {
  @TempDir
  static Path dir;
  private static StorageBackend backend;
  private static MlopsUi ui;
  private static Browser b;
  /** Each sweep's trials, in the order they ran: two sweeps, as the demo run twice on one store leaves. */
  private static final List<List<String>> SWEEPS = new ArrayList<>();
  /** A run with a history of a small figure (loss around 1.2e-4). */
  private static String curveRun = "";

  /** Eight evaluation metrics with the demo's names, as {@code logEvaluation(eval, "test_")} logs them. */
  static final List<String> METRICS = List.of("test_accuracy", "test_auc_macro", "test_balanced_error_rate", "test_macro_f1",
      "test_macro_precision", "test_macro_recall", "test_micro_f1", "test_weighted_f1");

  @BeforeAll
  static void fill() throws Exception {
    backend = StorageBackend.open("file:" + dir.resolve("store"));
    Random r = new Random(5);
    try (Tracker tracker = Tracker.builder().storage(backend).build()) {
      for (int sweep = 0; sweep < 2; sweep++) {
        List<String> trials = new ArrayList<>();
        try (ActiveRun parent = tracker.newRun().experiment("churn-demo").name("churn-sweep").start()) {
          String[] models = {"logistic", "logistic", "logistic", "cart", "cart", "cart"};
          String[] knobs = {"2", "5", "10", "2", "5", "10"};
          for (int i = 0; i < models.length; i++) {
            try (ActiveRun run = tracker.newRun().experiment("churn-demo").name("churn-sweep-trial-" + i).parent(parent.id()).start()) {
              boolean logistic = models[i].equals("logistic");
              // the sweep's knobs and what Tribuo's provenance records of a trainer: long dotted keys, class names as values
              run.logParam("model", models[i]).logParam("epochs_or_depth", knobs[i]).logParam("learning_rate", i % 2 == 0 ? "0.1" : "1.0")
                  .logParam("trainer.class-name", logistic ? "org.tribuo.classification.sgd.linear.LinearSGDTrainer"
                      : "org.tribuo.classification.dtree.CARTClassificationTrainer")
                  .logParam("trainer.optimiser.initialLearningRate", logistic ? (i % 2 == 0 ? "0.1" : "1.0") : "n/a")
                  .logParam("trainer.objective", logistic ? "org.tribuo.classification.sgd.objectives.LogMulticlass" : "gini impurity");
              for (String metric : METRICS) {
                run.logMetric(metric, Math.round((0.7 + 0.25 * r.nextDouble()) * 1e6) / 1e6);
              }
              trials.add(run.id());
            }
          }
        }
        SWEEPS.add(trials);
      }
      // a history of small figures, for a chart's legend
      try (ActiveRun run = tracker.newRun().experiment("curves").name("tiny-loss").start()) {
        for (int step = 0; step < 50; step++) {
          run.logMetric("loss", 1.234567e-4 + step * 1e-7, step);
        }
        curveRun = run.id();
      }
      tracker.flush();
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("model.bin"), "a model")).flavor("generic")
          .sourceRun(SWEEPS.get(0).get(1)));
    }
    RetrainingRoutesTest.runALoop(backend, "accuracy fell below the floor");
    ui = MlopsUi.builder().storage(backend).port(0).start();
    b = Browser.launch();
  }

  @AfterAll
  static void close() {
    if (b != null) {
      b.close();
    }
    ui.close();
    backend.close();
  }

  private static void open(String page) throws Exception {
    b.open(ui.url() + page);
    b.waitFor("document.title.startsWith('ready') && !document.getElementById('loading')");
  }

  /** Text in {@code main} that looks like a raw float: six or more decimals ("0.854626") or trailing zeros ("0.8800"). */
  static List<String> rawFloats(Browser b) throws Exception {
    JsonNode found = b.eval("[...document.querySelector('main').innerText.matchAll(/\\d\\.\\d{6,}|\\d\\.\\d*00(?!\\d)/g)].map(m => m[0])");
    List<String> out = new ArrayList<>();
    found.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void oneNumberFormatLikeMlflowsWithTheExactValueOnHover() throws Exception {
    open("");
    // significant digits, never trailing zeros; integers whole and grouped; tiny and huge ones in exponent form
    JsonNode shown = b.eval("[0.88, 0.854626, 0.0000123, 12345, 1234.5678, 7, 0, -0.5, 1e20, 0.001, 99.99999, NaN, 1/0]"
        + ".map(v => ui.num(v))");
    assertEquals("[\"0.88\",\"0.8546\",\"1.23e-5\",\"12,345\",\"1,235\",\"7\",\"0\",\"-0.5\",\"1e20\",\"0.001\",\"100\","
        + "\"NaN\",\"\u221e\"]", shown.toString());
    assertEquals("0.8546|0.854626", b.eval("(e => e.textContent + '|' + e.title)(ui.figure(0.854626))").asText(),
        "the exact value in the tooltip");
    assertEquals("0.88|", b.eval("(e => e.textContent + '|' + e.title)(ui.figure(0.88))").asText(), "no tooltip when nothing is rounded");
    assertEquals("text 0.880000", b.eval("ui.num('text 0.880000')").asText(), "text (a param) is shown as logged");

    // every page of the store: no raw six-decimal float anywhere (runs table, run cards, model cards, retraining)
    String trial = SWEEPS.get(0).get(1);
    for (String page : List.of("", "static/run.html?id=" + trial, "static/compare.html?runs=" + String.join(",", SWEEPS.get(0)),
        "static/models.html?name=churn", "static/retraining.html?name=churn-loop")) {
      open(page);
      assertEquals(List.of(), rawFloats(b), page);
    }
    open("static/run.html?id=" + trial);
    JsonNode card = b.eval("(c => [c.querySelector('.card-value').textContent, c.querySelector('.num').title])"
        + "(document.querySelector('.card[data-card=test_accuracy]'))");
    assertTrue(card.get(0).asText().matches("0\\.\\d{1,4}"), card.toString());
    assertTrue(card.get(1).asText().isEmpty() || card.get(1).asText().startsWith(card.get(0).asText().substring(0, 4)), card.toString());
    assertEquals(List.of(), b.errors());
  }

  @Test
  void aPageForAMonitorLoopModelOrRunThatDoesNotExistSaysSo() throws Exception {
    // a browser of its own: the 404s it is shown are the console errors the other tests must not see
    try (Browser own = Browser.launch()) {
      for (String[] page : new String[][] {{"static/monitors.html?name=nosuch", "no monitor 'nosuch' has stored anything in this store"},
          {"static/retraining.html?name=nosuch", "no retraining loop 'nosuch' has used this store"},
          {"static/models.html?name=nosuch", "registered model 'nosuch' does not exist"},
          {"static/run.html?id=0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"}}) {
        own.open(ui.url() + page[0]);
        own.waitFor("document.title.startsWith('ready')");
        assertTrue(own.text("#message").contains(page[1]), page[0] + " says: " + own.text("#message"));
      }
    }
  }

  @Test
  void aChartsLegendShowsTheValueUnderTheCursorInThePagesFormat() throws Exception {
    open("static/run.html?id=" + curveRun + "&metric=loss");
    b.waitFor("document.querySelector('#chart .u-over')");
    b.eval("(o => { const r = o.getBoundingClientRect(); o.dispatchEvent(new MouseEvent('mousemove', {clientX: r.left + r.width / 2,"
        + " clientY: r.top + r.height / 2, bubbles: true})); return true; })(document.querySelector('#chart .u-over'))");
    b.waitFor("[...document.querySelectorAll('#chart .u-legend .u-value')].pop().textContent !== '--'");
    String shown = b.eval("[...document.querySelectorAll('#chart .u-legend .u-value')].pop().textContent").asText();
    assertTrue(shown.matches("1\\.2\\d{0,2}e-4"), "the loss under the cursor as ui.num writes it, not uPlot's own '0': " + shown);
    assertEquals(List.of(), b.errors());
  }

  /**
   * Each number and time in {@code selector}'s cells and cards whose characters do not all sit on one line: a
   * Range over the matched characters whose line boxes have different bottoms.
   */
  private static List<String> wrappedInside(String selector) throws Exception {
    JsonNode broken = b.eval("[...document.querySelectorAll('" + selector + "')].flatMap(el => { const out = [];"
        + " const nodes = []; let text = ''; const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT); let n;"
        + " while ((n = walk.nextNode())) { nodes.push([n, text.length]); text += n.data; }"
        + " const at = i => { for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= i) return [nodes[k][0], i - nodes[k][1]]; };"
        + " for (const m of text.matchAll(/\\d{4}-\\d\\d-\\d\\d|\\d\\d:\\d\\d:\\d\\dZ|-?\\d[\\d,]*\\.\\d+(e-?\\d+)?/g)) {"
        + "   const r = document.createRange(); const s = at(m.index); const e = at(m.index + m[0].length - 1);"
        + "   r.setStart(s[0], s[1]); r.setEnd(e[0], e[1] + 1);"
        + "   const bottoms = [...r.getClientRects()].filter(x => x.width > 0).map(x => x.bottom);"
        + "   if (Math.max(...bottoms) - Math.min(...bottoms) > 8) out.push(m[0]); }"
        + " return out; })");
    List<String> out = new ArrayList<>();
    broken.forEach(x -> out.add(x.asText()));
    return out;
  }

  @Test
  void numbersAndTimesNeverWrapInsideWhileTextStillWraps() throws Exception {
    String trial = SWEEPS.get(0).get(1);
    try {
      for (int width : new int[] {1400, 1000}) {
        b.viewport(width, 900);
        open("static/run.html?id=" + trial);
        assertEquals(List.of(), wrappedInside("#cards .card-value, #cards .card-note, #summary, #metrics label"), "run page at " + width);
        List<String> times = List.of(b.eval("[...document.querySelectorAll('#cards .when')].map(e => e.textContent)").toString());
        assertFalse(b.eval("document.querySelectorAll('#cards .card-note .when').length").asInt() == 0, "the cards' times: " + times);
        assertEquals("nowrap|nowrap", b.eval("getComputedStyle(document.querySelector('#cards .when > span')).whiteSpace + '|'"
            + " + getComputedStyle(document.querySelector('#metrics .num')).whiteSpace").asText());
        open("static/models.html?name=churn");
        assertEquals(List.of(), wrappedInside("#model .card-value, #model .card-note, #model td, #models td"), "models page at " + width);
        open("static/retraining.html?name=churn-loop");
        assertEquals(List.of(), wrappedInside("#loop td"), "retraining page at " + width);
        open("");
        assertEquals(List.of(), wrappedInside("#runs td"), "runs page at " + width);
        // a text cell still wraps: the sweep's class-name param is on more than one line
        assertTrue(b.eval("Math.max(...[...document.querySelectorAll('#runs td bdi.u')].map(e => e.getClientRects().length > 0"
            + " ? e.getBoundingClientRect().height : 0))").asDouble() > 30, "long text cells wrap");
      }
    } finally {
      b.viewport(1400, 900);
    }
    assertEquals(List.of(), b.errors());
  }

  @Test
  void theRunsPageOfTheDemosStoreStaysWithin1400PxItsTableScrollingInItsOwnBoxWithTheRunNamesPinned() throws Exception {
    b.viewport(1400, 900);
    open("");
    List<String> heads = new ArrayList<>();
    b.eval("[...document.querySelectorAll('#runs th')].map(t => t.textContent)").forEach(h -> heads.add(h.asText()));
    METRICS.forEach(m -> assertTrue(heads.contains("metrics." + m), "the eight shared metrics are default columns: " + heads));
    assertEquals(5, heads.stream().filter(h -> h.startsWith("params.")).count(), "five params that differ: " + heads);
    JsonNode w = b.eval("({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})");
    assertTrue(w.get("scroll").asInt() <= w.get("client").asInt(), "the page is not wider than the window: " + w);
    w = b.eval("({client: document.documentElement.clientWidth, box: document.querySelector('#runs .scroll').getBoundingClientRect().right})");
    assertTrue(w.get("box").asDouble() <= w.get("client").asInt(), "the table's box ends inside the window: " + w);
    // the box scrolls to the last metric; the run's name stays where it was
    String runCell = "document.querySelector('#runs tr:nth-child(3) td:nth-child(2)').getBoundingClientRect().left";
    double before = b.eval(runCell).asDouble();
    b.eval("(s => { s.scrollLeft = s.scrollWidth; return s.scrollLeft; })(document.querySelector('#runs .scroll'))");
    assertEquals(before, b.eval(runCell).asDouble(), 0.5, "the run's name is pinned");
    assertTrue(b.eval("[...document.querySelectorAll('#runs th')].pop().getBoundingClientRect().right").asDouble() <= w.get("client").asInt(),
        "scrolled to its end, the last column is inside the window");
    assertEquals("[]", b.eval("[...document.querySelectorAll('#runs th bdi')].filter(e => e.scrollHeight > e.clientHeight + 1"
        + " || e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)").toString(), "every column name whole, none cut to 'metrics.test_macro…'");
    b.screenshot(Path.of("target/ui-screenshots/look/runs-demo-store.png"));
    assertEquals(List.of(), b.errors());
  }

  @Test
  void emptySectionsSaySoInsteadOfStayingBlank() throws Exception {
    open("static/run.html?id=" + SWEEPS.get(1).get(0));
    assertEquals("no artifacts logged", b.text("#artifacts"), "a run without artifacts");
    open("static/models.html?name=churn");
    b.waitFor("document.querySelector('#model table')");
    assertEquals("no signature", b.eval("document.querySelector('#model table').rows[1].cells[6].textContent").asText());
    assertEquals(List.of(), b.errors());
  }

  @Test
  void theRetrainingPageShowsARunIdShortSoTheDecisionAndTheChampionAreReadWhole() throws Exception {
    b.viewport(1400, 900);
    open("static/retraining.html?name=churn-loop");
    JsonNode row = b.eval("(r => ({link: r.cells[8].querySelector('a').textContent, title: r.cells[8].querySelector('a').title,"
        + " href: r.cells[8].querySelector('a').getAttribute('href'),"
        + " cut: [4, 5, 6].map(i => (e => e.scrollHeight - e.clientHeight + Math.max(0, e.scrollWidth - e.clientWidth))(r.cells[i])),"
        + " decision: r.cells[6].textContent}))(document.querySelector('#loop table').rows[1])");
    String id = row.get("title").asText();
    assertEquals(32, id.length(), row.toString());
    assertEquals(id.substring(0, 8) + "\u2026", row.get("link").asText(), "the run id cut, the whole one on hover");
    assertTrue(row.get("href").asText().endsWith(id), row.toString());
    assertTrue(row.get("decision").asText().contains("accuracy"), row.toString());
    row.get("cut").forEach(c -> assertTrue(c.asDouble() <= 1, "champion, challenger and decision cells are not cut: " + row));
    b.screenshot(Path.of("target/ui-screenshots/look/retraining-loop.png"));
    assertEquals(List.of(), b.errors());
  }

  @Test
  void barsOfRunsThatShareANameAreToldApart() throws Exception {
    open("static/run.html?id=" + SWEEPS.get(1).get(2) + "&metric=test_accuracy");
    b.waitFor("document.querySelector('svg.bars')");
    List<String> labels = new ArrayList<>();
    b.eval("[...document.querySelectorAll('svg.bars text[text-anchor=end]')].map(t => t.textContent)").forEach(l -> labels.add(l.asText()));
    assertEquals(12, labels.size(), labels.toString());
    assertEquals(labels.size(), new HashSet<>(labels).size(), "each bar's label is its own: " + labels);
    String mine = SWEEPS.get(1).get(2);
    assertTrue(labels.contains("churn-sweep-trial-2 \u00b7 " + mine.substring(0, 8)), labels.toString());
    // the demo's run names are long: cutting one keeps the short id that tells it apart
    String cut = b.eval("ui.bars([{label: 'churn-sweep-trial-11 (epochs_or_depth=10, learning_rate=1.0, model=logistic) \u00b7 3f2a9c1d',"
        + " value: 0.8}]).querySelector('text[text-anchor=end]').textContent").asText();
    assertTrue(cut.startsWith("churn-sweep-trial-11") && cut.endsWith("\u2026 \u00b7 3f2a9c1d") && cut.length() <= 32, cut);
    assertEquals(List.of(), b.errors());
  }

  @Test
  void theRunsPageTakesAnExperimentByItsNameAsTheApiDoes() throws Exception {
    open("?experiment=churn-demo");
    b.waitFor("document.querySelectorAll('#runs table tr').length > 1");
    assertEquals("churn-demo", b.eval("document.getElementById('experiment').selectedOptions[0].textContent").asText());
    String names = b.eval("[...document.querySelectorAll('#runs table tr')].map(r => r.textContent).join('|')").asText();
    assertTrue(names.contains("churn-sweep-trial-") && !names.contains("tiny-loss"), "only churn-demo's runs: " + names);
    assertEquals(List.of(), b.errors());
  }

  @Test
  void theLivePageWritesItsTimeAsEveryOtherPageDoes() throws Exception {
    open("static/live.html");
    assertTrue(b.text("#when").matches("as of \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ"), b.text("#when"));
    assertEquals(b.eval("ui.time(Date.parse(document.querySelector('#when .when').textContent.replace(' ', 'T')))").asText(),
        b.text("#when .when"), "ui.time's format");
    assertEquals(List.of(), b.errors());
  }
}
