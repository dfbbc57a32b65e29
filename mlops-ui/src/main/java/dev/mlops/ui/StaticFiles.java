package dev.mlops.ui;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The UI's own pages, scripts and styles, and the WebJars' files, from the class path. */
final class StaticFiles {
  static final String PAGES = "dev/mlops/ui/static/";
  static final String WEBJARS = "META-INF/resources/webjars/";

  private StaticFiles() {}

  /** The runs page, the UI's first screen. */
  static void index(Request r) throws IOException {
    resource(r, PAGES + "index.html");
  }

  /** A file of the UI's own, below {@code /static/}. */
  static void page(Request r) throws IOException {
    confined(r, r.rest("/static/"), PAGES);
  }

  /** A WebJar's file, below {@code /webjars/}. */
  static void webjar(Request r) throws IOException {
    confined(r, r.rest("/webjars/"), WEBJARS);
  }

  /** No icon, and no console error for its absence. */
  static void favicon(Request r) throws IOException {
    Responses.send(r.exchange(), 204, "image/x-icon", "");
  }

  /** Serves {@code rel} from {@code root} on the class path, if it stays inside it after decoding and normalization. */
  private static void confined(Request r, String rel, String root) throws IOException {
    String decoded = URLDecoder.decode(rel.replace("+", "%2B"), StandardCharsets.UTF_8);
    if (decoded.isEmpty() || decoded.contains("\\") || decoded.contains("\0") || decoded.startsWith("/")
        || !Path.of(decoded).normalize().toString().equals(decoded) || decoded.contains("..")) {
      Responses.send(r.exchange(), 400, "text/plain", "bad path");
      return;
    }
    resource(r, root + decoded);
  }

  private static void resource(Request r, String name) throws IOException {
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        Responses.send(r.exchange(), 404, "text/plain", "not found");
        return;
      }
      byte[] body = in.readAllBytes();
      r.exchange().getResponseHeaders().set("Cache-Control", name.startsWith("META-INF") ? "public, max-age=86400" : "no-cache");
      Responses.send(r.exchange(), 200, contentType(name), body);
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    if (name.endsWith(".png")) {
      return "image/png";
    }
    return "application/octet-stream";
  }
}
