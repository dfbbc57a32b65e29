package dev.mlops.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** How the UI's handlers answer: JSON routes, sandboxed HTML documents from the store, plain bodies. */
final class Responses {
  static final ObjectMapper JSON = new ObjectMapper();

  private Responses() {}

  /** A route whose answer is a value written as JSON. */
  @FunctionalInterface
  interface JsonAnswer {
    Object answer(Request request);
  }

  /** A route whose answer is a self-contained HTML document from the store. */
  @FunctionalInterface
  interface Document {
    String render(Request request);
  }

  /**
   * A JSON route: never cached, the server's time in {@code Server-Timing}; a missing thing answers
   * 404 and bad input 400, each with {@code {"error": message}}.
   */
  static Route.Handler json(JsonAnswer answer) {
    return r -> {
      HttpExchange ex = r.exchange();
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      long start = System.nanoTime();
      int status = 200;
      String body;
      try {
        body = write(answer.answer(r));
      } catch (NotFoundException e) {
        status = 404;
        body = error(e.getMessage());
      } catch (MlopsException | IllegalArgumentException e) {
        status = 400;
        body = error(e.getMessage());
      }
      ex.getResponseHeaders().set("Server-Timing", String.format(Locale.ROOT, "app;dur=%.1f", (System.nanoTime() - start) / 1e6));
      send(ex, status, "application/json; charset=utf-8", body);
    };
  }

  /**
   * A self-contained HTML document from the store (a window's drift report, a model card) under its
   * own strict sandbox (no scripts, no same origin), shown in an {@code iframe sandbox}.
   */
  static Route.Handler sandboxed(Document document) {
    return r -> {
      HttpExchange ex = r.exchange();
      try {
        String html = document.render(r);
        ex.getResponseHeaders().set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            + "frame-ancestors 'self'");
        ex.getResponseHeaders().set("X-Frame-Options", "SAMEORIGIN");
        send(ex, 200, "text/html; charset=utf-8", html);
      } catch (NotFoundException e) {
        send(ex, 404, "text/plain", e.getMessage());
      } catch (MlopsException | IllegalArgumentException e) {
        send(ex, 400, "text/plain", String.valueOf(e.getMessage()));
      }
    };
  }

  static String error(@Nullable String message) {
    return write(Map.of("error", message == null ? "error" : message));
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
