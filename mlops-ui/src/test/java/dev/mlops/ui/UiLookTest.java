package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.StorageBackend;
import dev.mlops.testsupport.Browser;
import dev.mlops.testsupport.Chromium;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the pages look on a store of the demo's kind ({@link DemoLikeStore}), in headless Chromium:
 * the summary cards on top of a run, a model and a monitor say the right figures; no page is wider
 * than the window at 1400 × 900 (nor at 1920 × 1080); the dark colour scheme follows the system and
 * the header's toggle. It also writes a screenshot of each page with data at 1400 × 900, to
 * {@code target/ui-screenshots/look} or to the folder the system property {@code mlops.ui.screenshots}
 * names: the README's come from
 * {@code mvn -pl mlops-ui test -Dtest=UiLookTest -Dmlops.ui.screenshots=../docs/screenshots}.
 */
@Chromium
class UiLookTest {
  @TempDir
  static Path dir;
  private static StorageBackend backend;
  private static MlopsUi ui;
  private static DemoLikeStore store;

  @BeforeAll
  static void fill() throws Exception {
    backend = StorageBackend.open("file:" + dir.resolve("store"));
    store = DemoLikeStore.fill(backend, dir);
    ui = MlopsUi.builder().storage(backend).port(0).start();
  }

  @AfterAll
  static void close() {
    ui.close();
    backend.close();
  }

  /** The pages the README shows (the retraining and live pages have nothing to show in this store). */
  private static final List<String> SHOTS = List.of("runs", "run", "compare", "models", "monitors");

  /** Every page, by the name its screenshot gets, at the address that shows it with the demo's data. */
  private static Map<String, String> pages() {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("runs", "");
    pages.put("run", "static/run.html?id=" + store.runIds.get(2));
    pages.put("compare", "static/compare.html?runs=" + String.join(",", store.runIds.subList(1, store.runIds.size())));
    pages.put("models", "static/models.html?name=" + DemoLikeStore.MODEL);
    pages.put("monitors", "static/monitors.html?name=" + DemoLikeStore.MONITOR);
    pages.put("retraining", "static/retraining.html");
    pages.put("live", "static/live.html");
    return pages;
  }

  /** The summary cards under {@code selector} as label → value|note. */
  private static Map<String, String> cards(Browser b, String selector) throws Exception {
    JsonNode list = b.eval("[...document.querySelectorAll('" + selector + " .card')].map(c => [c.dataset.card,"
        + " c.querySelector('.card-value').textContent + '|' + ((c.querySelector('.card-note') || {}).textContent || '')])");
    Map<String, String> out = new LinkedHashMap<>();
    list.forEach(e -> out.put(e.get(0).asText(), e.get(1).asText()));
    return out;
  }

  private static void open(Browser b, String page) throws Exception {
    b.open(ui.url() + page);
    b.waitFor("document.title.startsWith('ready') && !document.getElementById('loading')");
  }

  @Test
  void theCardsOnTopOfARunAModelAndAMonitorSayWhatMattersFirst() throws Exception {
    try (Browser b = Browser.launch()) {
      // a run: its status and duration, then the evaluation metrics before the others
      open(b, "static/run.html?id=" + store.runIds.get(2));
      Map<String, String> cards = cards(b, "#cards");
      assertEquals(List.of("status", "duration", "test_accuracy", "test_macro_f1", "test_auc_macro", "loss"), List.copyOf(cards.keySet()),
          "status and duration, then the evaluation metrics before the others: " + cards);
      assertTrue(cards.get("status").startsWith("FINISHED|ended "), cards.get("status"));
      assertTrue(cards.get("duration").matches("(\\d+ ms|\\d+\\.\\d s|\\d+ min \\d+ s)\\|started \\d{4}-.*"), cards.get("duration"));
      assertEquals("0.861|logged once", cards.get("test_accuracy"));
      assertTrue(cards.get("loss").endsWith("|latest, at step 199"), cards.get("loss"));

      // a model: its champion with that version's figures from its source run, its versions, its open requests
      open(b, "static/models.html?name=" + DemoLikeStore.MODEL);
      b.waitFor("document.querySelector('#model-cards')");
      cards = cards(b, "#model-cards");
      assertTrue(cards.get("@champion").matches("v1\\|by alice, \\d{4}-.*"), cards.toString());
      assertEquals("0.874|v1\u2019s own, from source run " + store.championRun.substring(0, 8), cards.get("test_accuracy"),
          "the champion's figure from its source run, which the note names");
      assertEquals("3|latest v3 READY", cards.get("versions"));
      assertEquals("0|1 promotion request in all", cards.get("open requests"));

      // a monitor: its last window, that window's drift share and alerts, the latest accuracy of its prediction log
      open(b, "static/monitors.html?name=" + DemoLikeStore.MONITOR);
      b.waitFor("document.querySelector('#monitor-cards') && document.querySelector('#performance')");
      cards = cards(b, "#monitor-cards");
      assertTrue(cards.get("last window").matches("3\\|500 rows, closed \\d{4}-.*"), cards.toString());
      // the same figures as the window table's last row and the alerts table
      String lastRow = b.eval("(t => [...t.rows[t.rows.length - 1].cells].map(c => c.textContent).join('|'))(document.querySelectorAll('#monitor table')[0])")
          .asText();
      String share = lastRow.split("\\|")[3];
      assertTrue(share.matches("\\d+\\.\\d%"), lastRow);
      assertEquals(share + "|dataset drift in the last window", cards.get("drift share"), "the customers drifted: " + lastRow);
      int raised = b.eval("[...document.querySelectorAll('#monitor table')[1].rows].slice(1).filter(r => r.cells[0].textContent === '3').length")
          .asInt();
      assertTrue(raised > 0, "the drifted window raised alerts");
      assertTrue(cards.get("alerts in the last window").startsWith(raised + "|"), cards.toString());
      assertTrue(cards.get("alerts in the last window").contains("dataset_drift"), cards.toString());
      String accuracy = b.eval("(t => t.rows[t.rows.length - 1].cells[4].textContent)(document.getElementById('performance-table'))").asText();
      assertEquals(accuracy + "|window 3, CBPE estimate (no labels yet)", cards.get("accuracy"), "the last window has no labels yet");
      assertEquals(List.of(), b.errors());
    }
  }

  @Test
  void noPageIsWiderThanTheWindowAt1400And1920AndEachIsScreenshotAt1400x900() throws Exception {
    Path shots = Path.of(System.getProperty("mlops.ui.screenshots", "target/ui-screenshots/look"));
    try (Browser b = Browser.launch()) {
      for (int[] size : new int[][] {{1920, 1080}, {1400, 900}}) {
        b.viewport(size[0], size[1]);
        for (Map.Entry<String, String> page : pages().entrySet()) {
          open(b, page.getValue());
          String where = page.getKey() + " at " + size[0] + " x " + size[1];
          JsonNode width = b.eval("({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,"
              + " wide: [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)"
              + ".slice(0, 3).map(e => e.tagName + '.' + e.className)})");
          int client = width.get("client").asInt();
          assertTrue(client <= size[0] && client >= size[0] - 20, where + ": the window, less a vertical scroll bar: " + client);
          assertTrue(width.get("scroll").asInt() <= width.get("client").asInt(), where + ": the page scrolls sideways " + width);
          assertEquals(List.of(), PresentationTest.rawFloats(b), where + ": one number format, no raw float");
          if (page.getKey().equals("models")) {
            // the versions table: signature, description and the card buttons inside the window
            JsonNode right = b.eval("(t => [...t.rows].slice(1).map(r => [6, 9, 10].map(i => r.cells[i].getBoundingClientRect().right)))"
                + "(document.querySelector('#model table'))");
            assertEquals(3, right.size(), where);
            right.forEach(row -> row.forEach(x -> assertTrue(x.asDouble() <= size[0], where + ": a versions cell ends at " + x)));
            assertEquals(3, b.eval("[...document.querySelectorAll('#model button.card')].filter(c => c.getBoundingClientRect().width > 20"
                + " && c.getBoundingClientRect().right <= c.closest('td').getBoundingClientRect().right).length").asInt(),
                where + ": each card button whole inside its cell");
            // a narrow column cuts a word at its edge (whole on hover), never breaks it across lines ("@champio|n")
            assertEquals(List.of(), FirstScreensTest.brokenWords(b, "#model table td"), where + ": words broken inside");
            String description = b.eval("document.querySelector('#model table').rows[3].cells[9].querySelector('bdi').title").asText();
            assertTrue(description.startsWith("A deliberately broken challenger") && description.endsWith("by the canary policy"),
                "a long description is whole on hover: " + description);
          }
          if (size[0] == 1400 && SHOTS.contains(page.getKey())) {
            Path file = shots.resolve(page.getKey() + ".png");
            b.screenshot(file);
            assertEquals(List.of(1400, 900), pngSize(file), file + " is a PNG of the window");
          }
        }
      }
      assertEquals(List.of(), b.errors());
    }
  }

  /** The width and height a PNG file's header states, after checking its signature and that its first chunk is IHDR. */
  static List<Integer> pngSize(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
      byte[] signature = new byte[8];
      data.readFully(signature);
      assertTrue(Arrays.equals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, signature), file + " has a PNG signature");
      assertEquals(13, data.readInt(), "IHDR's length");
      byte[] type = new byte[4];
      data.readFully(type);
      assertEquals("IHDR", new String(type, java.nio.charset.StandardCharsets.US_ASCII));
      return List.of(data.readInt(), data.readInt());
    }
  }

  @Test
  void theDarkSchemeFollowsTheSystemAndTheHeadersToggleWhichIsRemembered() throws Exception {
    String colours = "(s => s.backgroundColor + '|' + s.color)(getComputedStyle(document.body))";
    try (Browser b = Browser.launch()) {
      b.prefersColorScheme("dark");
      open(b, "static/monitors.html?name=" + DemoLikeStore.MONITOR);
      assertEquals("rgb(13, 17, 23)|rgb(230, 237, 243)", b.eval(colours).asText(), "dark page, light text");
      assertEquals("rgb(22, 27, 34)", b.eval("getComputedStyle(document.querySelector('.card')).backgroundColor").asText(), "dark cards");
      assertEquals("light", b.text("#theme"), "the toggle offers the other scheme");
      b.screenshot(Path.of("target/ui-screenshots/look/monitors-dark.png"));
      b.click("#theme");
      assertEquals("rgb(246, 247, 249)|rgb(31, 35, 40)", b.eval(colours).asText(), "the toggle wins over the system");
      open(b, "static/models.html");
      assertEquals("rgb(246, 247, 249)|rgb(31, 35, 40)", b.eval(colours).asText(), "and is remembered on the next page");
      b.click("#theme");
      assertEquals("rgb(13, 17, 23)|rgb(230, 237, 243)", b.eval(colours).asText());
      b.prefersColorScheme("light");
      open(b, "");
      assertEquals("rgb(13, 17, 23)|rgb(230, 237, 243)", b.eval(colours).asText(), "a chosen scheme stays chosen");
      b.eval("localStorage.removeItem('mlops-theme')");
      open(b, "");
      assertEquals("rgb(246, 247, 249)|rgb(31, 35, 40)", b.eval(colours).asText(), "without a choice, the system's light scheme");
      assertEquals(List.of(), b.errors());
    }
  }
}
