package dev.mlops.serving.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handler's answer for a transport to write: status, headers (the content type among them) and body.
 *
 * @param status the HTTP status
 * @param headers the headers to send, {@code Content-Type} included
 * @param body the body (empty for none)
 */
public record HttpAnswer(int status, Map<String, String> headers, byte[] body) {
  /** Copies the headers. */
  public HttpAnswer {
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
