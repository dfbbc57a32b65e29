package dev.mlops.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.LeftOutTags;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven through the Chrome DevTools protocol (the JDK's WebSocket
 * client, no driver binary): navigate, click at an element's position with real mouse events, type,
 * press keys, go back and forward in the session history, download, take screenshots, and read the
 * page with JavaScript. Every uncaught script exception and every console or security error the
 * page reports (a Content-Security-Policy violation, say) is collected in {@link #errors()}. Tests that use it carry
 * {@link Chromium}.
 *
 * <pre>{@code
 * try (Browser b = Browser.launch()) {
 *   b.open(url);
 *   b.waitFor("document.title.startsWith('ready')");
 *   b.click("button#compare");
 *   b.screenshot(Path.of("target/screenshots/runs.png"));
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_MILLIS = 30_000;

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final String session;

  private Browser(Process process, Path profile, String wsUrl) throws Exception {
    this.process = process;
    this.profile = profile;
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(wsUrl), new Listener())
        .get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    String target = send(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
    this.session = send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).get("sessionId").asText();
    page("Page.enable", Map.of());
    page("Runtime.enable", Map.of());
    page("Log.enable", Map.of());
    viewport(1280, 900);
  }

  /**
   * The path of Debian's headless Chromium, installing its {@code chromium} package with apt-get first when it is
   * missing (the test fails, never skips, when it cannot be installed). Refused in a run that leaves out tests tagged
   * {@link Chromium} ({@link LeftOutTags}).
   */
  public static synchronized Path binary() throws Exception {
    LeftOutTags.refuse(Chromium.TAG, "a headless Chromium");
    Path bin = Path.of("/usr/bin/chromium");
    if (!Files.isExecutable(bin)) {
      // one install at a time across the JVMs of a parallel build (apt-get refuses a second one while the first holds its lock)
      try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "mlops-chromium-install.lock"),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
        java.nio.channels.FileLock held = lock.lock();
        try {
          install(bin);
        } finally {
          held.release();
        }
      }
    }
    return bin;
  }

  private static void install(Path bin) throws Exception {
    if (!Files.isExecutable(bin)) {
      for (String[] cmd : new String[][] {{"apt-get", "update", "-qq"}, {"apt-get", "install", "-y", "-qq", "chromium"}}) {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new AssertionError("this test needs Debian's chromium and could not install it: " + String.join(" ", cmd) + "\n" + out);
        }
      }
    }
  }

  /** Starts headless Chromium (installing Debian's package first when it is missing) with a fresh profile. */
  public static Browser launch() throws Exception {
    Path bin = binary();
    Path profile = Files.createTempDirectory("chromium-profile");
    Process p = new ProcessBuilder(bin.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-extensions",
        "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<String> ws = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          int at = line.indexOf("ws://");
          if (line.startsWith("DevTools listening on") && at >= 0) {
            ws.complete(line.substring(at).trim());
          }
        }
      } catch (java.io.IOException e) {
        ws.completeExceptionally(e);
      }
      ws.completeExceptionally(new AssertionError("chromium ended without a DevTools address"));
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      return new Browser(p, profile, ws.get(60, TimeUnit.SECONDS));
    } catch (Exception | Error e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          dispatch(JSON.readTree(text));
        } catch (java.io.IOException e) {
          errors.add("unreadable DevTools message: " + e.getMessage());
        }
      }
      ws.request(1);
      return null;
    }
  }

  private void dispatch(JsonNode m) {
    if (m.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
      if (f != null) {
        if (m.has("error")) {
          f.completeExceptionally(new AssertionError("DevTools error: " + m.get("error")));
        } else {
          f.complete(m.get("result"));
        }
      }
      return;
    }
    String method = m.path("method").asText();
    JsonNode p = m.path("params");
    if (method.equals("Runtime.exceptionThrown")) {
      JsonNode d = p.path("exceptionDetails");
      errors.add("script exception: " + d.path("exception").path("description").asText(d.path("text").asText()));
    } else if (method.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")) {
      errors.add(p.path("entry").path("source").asText() + ": " + p.path("entry").path("text").asText());
    } else if (method.equals("Runtime.consoleAPICalled") && p.path("type").asText().equals("error")) {
      errors.add("console.error: " + p.path("args"));
    }
  }

  private JsonNode send(String sessionId, String method, Map<String, ?> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", JSON.valueToTree(params));
    if (sessionId != null) {
      msg.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    synchronized (socket) {
      socket.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
    return f.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private JsonNode page(String method, Map<String, ?> params) throws Exception {
    return send(session, method, params);
  }

  /** Loads {@code url} and waits for the document to finish loading. */
  public void open(String url) throws Exception {
    page("Page.navigate", Map.of("url", url));
    waitFor("document.readyState === 'complete' && location.href !== 'about:blank'");
  }

  /** Evaluates a JavaScript expression in the page (promises are awaited) and returns its value as JSON. */
  public JsonNode eval(String expression) throws Exception {
    JsonNode r = page("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new AssertionError("script failed: " + expression + ": " + r.get("exceptionDetails").path("exception").path("description").asText());
    }
    return r.path("result").path("value");
  }

  /**
   * Waits until a JavaScript condition holds, with {@link Eventually} (a navigation in between is
   * survived: the failed evaluation is retried and attached to the failure if the condition never holds).
   */
  public void waitFor(String condition) throws Exception {
    Eventually.until(() -> eval("!!(" + condition + ")").asBoolean(), () -> condition + " on " + urlOrUnknown());
  }

  private String urlOrUnknown() {
    try {
      return url();
    } catch (Exception | AssertionError e) {
      return "(a page that does not answer)";
    }
  }

  /** Sets the size of the page's viewport in CSS pixels (1280 x 900 when the browser starts). */
  public void viewport(int width, int height) throws Exception {
    page("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
  }

  /**
   * Emulates the system's colour-scheme preference that {@code prefers-color-scheme} media queries
   * read: {@code "dark"}, {@code "light"}, or {@code ""} for the browser's own.
   */
  public void prefersColorScheme(String scheme) throws Exception {
    page("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /** The text of the first element matching a CSS selector. */
  public String text(String selector) throws Exception {
    return eval("(document.querySelector(" + JSON.writeValueAsString(selector) + ") || {textContent: ''}).textContent").asText();
  }

  /** Clicks the middle of the first element matching a CSS selector with a real mouse press and release. */
  public void click(String selector) throws Exception {
    JsonNode box = eval("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector) + "); if (!e) return null;"
        + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
    if (box.isNull() || box.isMissingNode()) {
      throw new AssertionError("no element matches " + selector + " on " + eval("location.href").asText());
    }
    for (String type : new String[] {"mouseMoved", "mousePressed", "mouseReleased"}) {
      page("Input.dispatchMouseEvent", Map.of("type", type, "x", box.get("x").asDouble(), "y", box.get("y").asDouble(), "button", "left",
          "clickCount", 1));
    }
  }

  /** Focuses the element matching {@code selector}, clears it, and types {@code text} into it. */
  public void type(String selector, String text) throws Exception {
    eval("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector) + "); e.focus(); e.select && e.select(); })()");
    page("Input.insertText", Map.of("text", text));
  }

  /** Presses and releases Enter in the focused element. */
  public void pressEnter() throws Exception {
    for (String type : new String[] {"keyDown", "keyUp"}) {
      page("Input.dispatchKeyEvent", Map.of("type", type, "key", "Enter", "code", "Enter", "windowsVirtualKeyCode", 13, "text", "\r"));
    }
  }

  /** Goes one entry back in the session history, as the back button does. */
  public void back() throws Exception {
    history(-1);
  }

  /** Goes one entry forward in the session history. */
  public void forward() throws Exception {
    history(1);
  }

  private void history(int delta) throws Exception {
    JsonNode h = page("Page.getNavigationHistory", Map.of());
    int at = h.get("currentIndex").asInt() + delta;
    JsonNode entries = h.get("entries");
    if (at < 0 || at >= entries.size()) {
      throw new AssertionError("no history entry " + delta + " from " + h.get("currentIndex") + " of " + entries.size());
    }
    page("Page.navigateToHistoryEntry", Map.of("entryId", entries.get(at).get("id").asInt()));
  }

  /** The page's URL now. */
  public String url() throws Exception {
    return eval("location.href").asText();
  }

  /** Lets downloads go to {@code dir}. */
  public void downloadTo(Path dir) throws Exception {
    Files.createDirectories(dir);
    send(null, "Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", dir.toAbsolutePath().toString()));
  }

  /** Saves a PNG of the viewport to {@code file} (its folder is created). */
  public void screenshot(Path file) throws Exception {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(page("Page.captureScreenshot", Map.of("format", "png")).get("data").asText()));
  }

  /** Script exceptions and console and security errors reported so far. */
  public List<String> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser is ended below either way
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    } catch (Exception e) {
      process.destroyForcibly();
    }
  }
}
