package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which answers carry the security headers, over a raw socket: every answer the UI writes does, and
 * the only ones that do not are those the JDK's HTTP server writes itself for a request it cannot
 * parse, before any handler or filter runs. Those are a fixed page that repeats nothing of the
 * request, and the server closes the connection after them.
 */
class SecurityHeadersTest {
  static final Map<String, String> HEADERS = Map.of("content-security-policy", MlopsUi.CSP, "x-content-type-options", "nosniff",
      "referrer-policy", "no-referrer");
  private StorageBackend backend;
  private MlopsUi ui;
  private MlopsUi guarded;

  @BeforeEach
  void start() {
    backend = StorageBackend.open("mem:headers-" + UUID.randomUUID());
    ui = MlopsUi.builder().storage(backend).port(0).start();
    guarded = MlopsUi.builder().storage(backend).port(0).token("0123456789abcdef-secret").start();
  }

  @AfterEach
  void stop() {
    guarded.close();
    ui.close();
    backend.close();
  }

  /** The status line, the headers (names in lower case) and the body of one answer. */
  record Answer(String status, Map<String, String> headers, String body) {}

  /**
   * Sends {@code request} (a request line and header lines, without the blank line that ends them)
   * and reads until the server closes the connection; a request that asks to keep it open is closed
   * here after the first answer.
   */
  private static Answer send(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000); // a guard against a hang, never reached when the server answers
      OutputStream out = s.getOutputStream();
      out.write((request + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      s.getInputStream().transferTo(buf);
      String text = buf.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      assertTrue(end > 0, "a whole answer to " + request + ": " + text);
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      return new Answer(lines[0], headers, text.substring(end + 4));
    }
  }

  private static final String HOST = "\r\nHost: 127.0.0.1\r\nConnection: close";

  /** Requests of every kind of answer the UI writes, each with the status it gets. */
  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("GET / HTTP/1.1" + HOST, "HTTP/1.1 200"),
        Arguments.of("HEAD /static/app.js HTTP/1.1" + HOST, "HTTP/1.1 200"),
        Arguments.of("GET /api/runs HTTP/1.1" + HOST, "HTTP/1.1 200"),
        Arguments.of("GET /nowhere HTTP/1.1" + HOST, "HTTP/1.1 404"),
        Arguments.of("GET /api/run?id=0123456789abcdef0123456789abcdef HTTP/1.1" + HOST, "HTTP/1.1 404"),
        Arguments.of("GET /download?run=0123456789abcdef0123456789abcdef&path=a.txt HTTP/1.1" + HOST, "HTTP/1.1 404"),
        Arguments.of("GET /download?run=x HTTP/1.1" + HOST, "HTTP/1.1 400"),
        Arguments.of("GET /static/..%2f..%2fdev/mlops/ui/MlopsUi.class HTTP/1.1" + HOST, "HTTP/1.1 400"),
        Arguments.of("GET /api/runs?filter=%3E%3E%3E HTTP/1.1" + HOST, "HTTP/1.1 400"),
        Arguments.of("POST /api/runs HTTP/1.1" + HOST + "\r\nContent-Length: 0", "HTTP/1.1 405"),
        Arguments.of("DELETE / HTTP/1.1" + HOST, "HTTP/1.1 405"),
        Arguments.of("GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close", "HTTP/1.1 403"),
        Arguments.of("GET / HTTP/1.1\r\nConnection: close", "HTTP/1.1 403"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("requests")
  void everyAnswerTheUiWritesCarriesTheSecurityHeaders(String request, String status) throws Exception {
    Answer a = send(ui.port(), request);
    assertTrue(a.status().startsWith(status), request + " -> " + a.status());
    HEADERS.forEach((name, value) -> assertEquals(value, a.headers().get(name), request + " -> " + name + " in " + a.headers()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /api/runs HTTP/1.1" + HOST, "GET /?token=0123456789abcdef-secret HTTP/1.1" + HOST})
  void anAnswerOfAUiGuardedByATokenCarriesThemToo(String request) throws Exception {
    Answer a = send(guarded.port(), request);
    assertTrue(a.status().startsWith("HTTP/1.1 401") || a.status().startsWith("HTTP/1.1 303"), a.status());
    HEADERS.forEach((name, value) -> assertEquals(value, a.headers().get(name), request + " -> " + name));
  }

  @Test
  void theJdksInterimContinueHasNoHeadersAndTheUisAnswerAfterItHasThem() throws Exception {
    try (Socket s = new Socket("127.0.0.1", ui.port())) {
      s.setSoTimeout(60_000); // a guard against a hang, never reached when the server answers
      s.getOutputStream().write(("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      s.getInputStream().transferTo(buf);
      String[] answers = buf.toString(StandardCharsets.ISO_8859_1).split("\r\n\r\n", 2);
      assertEquals("HTTP/1.1 100 Continue\r\nContent-Length: 0", answers[0]);
      assertTrue(answers[1].startsWith("HTTP/1.1 405"), answers[1]);
      assertTrue(answers[1].toLowerCase(Locale.ROOT).contains("content-security-policy: " + MlopsUi.CSP.toLowerCase(Locale.ROOT)), answers[1]);
    }
  }

  @Test
  void theJdksOwnAnswersToRequestsItCannotParseAreFixedPagesWithoutThem() throws Exception {
    // what the README lists: the request, the JDK's answer, and the JDK's fixed reason
    String host = "\r\nHost: 127.0.0.1";
    Map<String, String> answers = new LinkedHashMap<>();
    answers.put("GET /%zz HTTP/1.1" + host, "400 Bad Request|URISyntaxException thrown");
    answers.put("GET /%zz/<script>alert(1)</script> HTTP/1.1" + host, "400 Bad Request|URISyntaxException thrown");
    answers.put("GET /api/runs?filter=%zz HTTP/1.1" + host, "400 Bad Request|URISyntaxException thrown");
    answers.put("GET /" + host, "400 Bad Request|Bad request line");
    answers.put("NONSENSE" + host, "400 Bad Request|Bad request line");
    answers.put("GET / HTTP/1.1" + host + "\r\nBad<script> Header: x", "400 Bad Request|Header key contains illegal characters");
    answers.put("GET / HTTP/1.1" + host + "\r\nContent-Length: -1", "400 Bad Request|Illegal Content-Length value");
    answers.put("GET / HTTP/1.1" + host + "\r\nContent-Length: <script>", "400 Bad Request|NumberFormatException thrown");
    answers.put("GET / HTTP/1.1" + host + "\r\nContent-Length: 1\r\nContent-Length: 2", "400 Bad Request|Conflicting or malformed headers detected");
    answers.put("GET / HTTP/1.1" + host + "\r\nContent-Length: 1\r\nTransfer-Encoding: chunked", "400 Bad Request|Conflicting or malformed headers detected");
    answers.put("GET / HTTP/1.1" + host + "\r\nTransfer-Encoding: <script>", "501 Not Implemented|Unsupported Transfer-Encoding value");
    answers.put("OPTIONS * HTTP/1.1" + host, "404 Not Found|No context found for request");
    for (Map.Entry<String, String> e : answers.entrySet()) {
      String[] expected = e.getValue().split("\\|");
      Answer a = send(ui.port(), e.getKey());
      assertEquals("HTTP/1.1 " + expected[0], a.status(), e.getKey());
      assertEquals("<h1>" + expected[0] + "</h1>" + expected[1], a.body(), e.getKey() + ": a fixed page, nothing of the request");
      for (String name : HEADERS.keySet()) {
        assertFalse(a.headers().containsKey(name), e.getKey() + " is answered by the JDK before the UI runs: " + a.headers());
      }
    }
  }
}
