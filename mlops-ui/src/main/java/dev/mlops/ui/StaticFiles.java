package dev.mlops.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The UI's own pages, scripts and styles, and the WebJars' files, from the class path. */
final class StaticFiles {
  static final String PAGES = "dev/mlops/ui/static/";
  static final String WEBJARS = "META-INF/resources/webjars/";
  /** Where a page takes the navigation header: {@code <!--#header SECTION-->}, SECTION being the link to mark as current. */
  private static final Pattern HEADER_INCLUDE = Pattern.compile("<!--#header ([a-z]+)-->");
  /** The navigation header, written once for every page (kept outside {@code static/}: not a page of its own). */
  private static final String HEADER = read("header.html").strip();

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
      byte[] body = name.startsWith(PAGES) && name.endsWith(".html") ? withHeader(in.readAllBytes()) : in.readAllBytes();
      r.exchange().getResponseHeaders().set("Cache-Control", name.startsWith("META-INF") ? "public, max-age=86400" : "no-cache");
      Responses.send(r.exchange(), 200, contentType(name), body);
    }
  }

  /** The page with its header include replaced by the header, the include's section marked {@code aria-current="page"}. */
  static byte[] withHeader(byte[] page) {
    String html = new String(page, StandardCharsets.UTF_8);
    Matcher m = HEADER_INCLUDE.matcher(html);
    if (!m.find()) {
      return page;
    }
    String section = "data-section=\"" + m.group(1) + "\"";
    if (!HEADER.contains(section)) {
      throw new IllegalStateException("the header has no section '" + m.group(1) + "'");
    }
    String header = HEADER.replace(section, section + " aria-current=\"page\"");
    return (html.substring(0, m.start()) + header + html.substring(m.end())).getBytes(StandardCharsets.UTF_8);
  }

  private static String read(String name) {
    // the class's own lookup: its package is the module's, not open to a class loader's lookup
    try (InputStream in = StaticFiles.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
