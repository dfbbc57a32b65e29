package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over HTTP, the UI serves only artifacts of runs that exist, and never a file reached through a
 * symbolic link planted in the store (someone else who can write the store's directory).
 */
class UiContainmentTest {
  @TempDir
  Path dir;
  private Path store;
  private StorageBackend backend;
  private MlopsUi ui;
  private String runId;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void fill() throws Exception {
    store = dir.resolve("store");
    backend = StorageBackend.open("file:" + store);
    try (Tracker tracker = Tracker.builder().storage(backend).build();
        ActiveRun run = tracker.newRun().experiment("churn").name("run").start()) {
      run.logText("notes/readme.txt", "hello");
      runId = run.id();
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("churn").fromFile(Files.writeString(dir.resolve("model.bin"), "model bytes")).flavor("generic"));
    }
    ui = MlopsUi.builder().storage(backend).port(0).start();
  }

  @AfterEach
  void close() {
    ui.close();
    backend.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(ui.url() + path.substring(1))).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Replaces the store's folder at {@code level} with a link to a copy outside whose readme reads "secret". */
  private void linkOutside(String level) throws IOException {
    Path real = store.resolve(level);
    Path copy = dir.resolve("outside").resolve(real.getFileName().toString());
    try (Stream<Path> files = Files.walk(real)) {
      for (Path f : files.toList()) {
        Path t = copy.resolve(real.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else if (f.getFileName().toString().equals("readme.txt")) {
          Files.writeString(t, "secret");
        } else {
          Files.copy(f, t);
        }
      }
    }
    try (Stream<Path> files = Files.walk(real)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    Files.createSymbolicLink(real, copy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"artifacts", "artifacts/RUN", "artifacts/RUN/files", "artifacts/RUN/files/notes"})
  void noRouteServesAFileReachedThroughALinkInTheStore(String level) throws Exception {
    assertEquals("hello", get("/download?run=" + runId + "&path=notes/readme.txt").body());
    linkOutside(level.replace("RUN", runId));
    HttpResponse<String> download = get("/download?run=" + runId + "&path=notes/readme.txt");
    assertEquals(400, download.statusCode(), download.body());
    assertFalse(download.body().contains("secret"));
    assertTrue(download.body().contains("symbolic link"), download.body());
    HttpResponse<String> preview = get("/download?preview=1&run=" + runId + "&path=notes/readme.txt");
    assertEquals(400, preview.statusCode(), preview.body());
    HttpResponse<String> listing = get("/api/artifacts?run=" + runId + "&dir=notes");
    assertEquals(400, listing.statusCode(), listing.body());
    assertTrue(new ObjectMapper().readTree(listing.body()).get("error").asText().contains("symbolic link"), listing.body());
    // the run itself stays readable: its page says why its artifacts are not listed, or lists no link
    HttpResponse<String> page = get("/api/run?id=" + runId);
    assertEquals(200, page.statusCode(), page.body());
    JsonNode run = new ObjectMapper().readTree(page.body());
    assertEquals(0, run.get("artifacts").size(), page.body());
    if (level.endsWith("notes")) {
      assertFalse(run.has("artifactsError"), "a link in the listed folder is left out, not followed");
    } else {
      assertTrue(run.get("artifactsError").asText().contains("symbolic link"), page.body());
    }
  }

  @Test
  void everyRouteNamingARunAnswersNotFoundForOneThatDoesNotExist() throws Exception {
    String missing = "0123456789abcdef0123456789abcdef";
    // artifacts stored under a name that is no run: the registry's model bytes
    String sha = new ObjectMapper().readTree(get("/api/model?name=churn").body()).get("versions").get(0).get("sha256").asText();
    assertEquals("model bytes", Files.readString(store.resolve("artifacts/registry/files/blobs/" + sha)));
    for (String path : new String[] {"/download?run=registry&path=" + q("blobs/" + sha), "/download?preview=1&run=registry&path=" + q("blobs/" + sha),
        "/download?run=" + missing + "&path=notes/readme.txt", "/api/artifacts?run=registry&dir=blobs", "/api/run?id=registry",
        "/api/metric?run=" + missing + "&key=loss", "/api/artifacts?run=" + missing}) {
      HttpResponse<String> r = get(path);
      assertEquals(404, r.statusCode(), path + ": " + r.body());
      assertFalse(r.body().contains("model bytes"), path);
    }
    assertEquals(200, get("/download?run=" + runId + "&path=notes/readme.txt").statusCode());
  }
}
