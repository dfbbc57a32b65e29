package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.StorageBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every page carries the same navigation header, once, with the page's own section marked. */
class NavigationHeaderTest {
  private static final List<String> LINKS = List.of("/", "/static/models.html", "/static/monitors.html", "/static/retraining.html",
      "/static/live.html");

  @Test
  void everyPageHasTheOneHeaderWithItsSectionMarked() throws Exception {
    Map<String, String> sectionOf = new LinkedHashMap<>();
    sectionOf.put("", "/");
    sectionOf.put("index.html", "/");
    sectionOf.put("static/run.html", "/");
    sectionOf.put("static/compare.html", "/");
    sectionOf.put("static/models.html", "/static/models.html");
    sectionOf.put("static/monitors.html", "/static/monitors.html");
    sectionOf.put("static/retraining.html", "/static/retraining.html");
    sectionOf.put("static/live.html", "/static/live.html");
    HttpClient http = HttpClient.newHttpClient();
    try (StorageBackend backend = StorageBackend.open("mem:nav-" + UUID.randomUUID());
        MlopsUi ui = MlopsUi.builder().storage(backend).port(0).start()) {
      for (Map.Entry<String, String> page : sectionOf.entrySet()) {
        String html = http.send(HttpRequest.newBuilder(URI.create(ui.url() + page.getKey())).build(), HttpResponse.BodyHandlers.ofString())
            .body();
        assertEquals(1, html.split("<header>", -1).length - 1, page.getKey() + ": one header\n" + html);
        String header = html.substring(html.indexOf("<header>"), html.indexOf("</header>"));
        Matcher links = Pattern.compile("<a href=\"([^\"]+)\"[^>]*>").matcher(header);
        List<String> hrefs = links.results().map(m -> m.group(1)).toList();
        assertEquals(LINKS, hrefs, page.getKey());
        Matcher current = Pattern.compile("<a href=\"([^\"]+)\"[^>]*aria-current=\"page\"").matcher(header);
        List<String> marked = current.results().map(m -> m.group(1)).toList();
        assertEquals(List.of(page.getValue()), marked, page.getKey() + ": its own section, and only it, is marked");
      }
    }
  }
}
