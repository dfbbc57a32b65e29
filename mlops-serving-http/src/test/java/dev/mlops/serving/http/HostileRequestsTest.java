package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requests meant to hurt: each gets a clear protocol error (or its connection closed), and the server keeps answering. */
class HostileRequestsTest {
  static HttpFixture f;

  @BeforeAll
  static void start() {
    f = new HttpFixture(b -> b.threads(1).maxBodyBytes(64 * 1024).requestTimeout(java.time.Duration.ofSeconds(2)).token("a-token-of-sixteen+").allowedHosts("serving.example"), e -> e);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static HttpResponse<String> post(String body) throws Exception {
    return f.send(HttpRequest.newBuilder(f.uri("/v2/models/churn/infer")).header("Authorization", "Bearer a-token-of-sixteen+")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static void refused(int status, String says, HttpResponse<String> r) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    String error = HttpFixture.json(r).get("error").asText();
    assertTrue(error.contains(says), error);
    assertTrue(!r.body().contains("\tat ") && !r.body().contains("Exception"), "no stack trace: " + r.body());
  }

  /** Sends raw bytes and reads whatever comes back until the server closes or answers {@code Connection: close}. */
  static String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", f.http.port())) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("a body over the bound is refused with 413, whether its length is declared or it streams in")
  void oversizedBodies() throws Exception {
    String big = "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"" + "a".repeat(70 * 1024) + "\"]}]}";
    refused(413, "larger than 65536 bytes", post(big));
    HttpResponse<String> streamed = f.send(HttpRequest.newBuilder(f.uri("/v2/models/churn/infer")).header("Authorization",
        "Bearer a-token-of-sixteen+").POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
            big.getBytes(StandardCharsets.UTF_8)))));
    refused(413, "larger than 65536 bytes", streamed);
    assertEquals(200, post(HttpFixture.columns(3, 0)).statusCode(), "still answering");
  }

  @Test
  @DisplayName("a body cut short (fewer bytes than its Content-Length, then the end) holds nothing and the server answers the next")
  void truncatedBodies() throws Exception {
    String body = HttpFixture.columns(3, 0);
    String cut = raw("POST /v2/models/churn/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer a-token-of-sixteen+\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, body.length() / 2));
    assertTrue(cut.isEmpty() || cut.startsWith("HTTP/1.1 400"), cut);
    refused(400, "not valid JSON", post(body.substring(0, body.length() - 3)));
    assertEquals(200, post(body).statusCode());
  }

  @Test
  @DisplayName("deep nesting, huge shapes with little data, NaN and infinities, unknown fields and wrong types are 400s that say why")
  void malformedBodies() throws Exception {
    refused(400, "nested deeper than 32 levels", post("{\"inputs\": " + "[".repeat(5000) + "]".repeat(5000) + "}"));
    refused(400, "holds more than 1000000 elements", post(
        "{\"inputs\": [{\"name\": \"m\", \"shape\": [1000000000, 1000000000, 2], \"datatype\": \"FP64\", \"data\": [1, 2]}]}"));
    refused(400, "holds more than 1000000 elements", post(
        "{\"inputs\": [{\"name\": \"m\", \"shape\": [4611686018427387904, 4], \"datatype\": \"FP64\", \"data\": [1, 2]}]}"));
    refused(400, "needs 4 elements, data has 2", post(
        "{\"inputs\": [{\"name\": \"m\", \"shape\": [2, 2], \"datatype\": \"FP64\", \"data\": [1, 2]}]}"));
    refused(400, "data has more elements than its shape's 1", post(
        "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1, 2, 3]}]}"));
    for (String token : List.of("NaN", "Infinity", "-Infinity")) {
      refused(400, "not valid JSON", post("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [" + token + "]}]}"));
    }
    refused(400, "outside the range of FP64", post("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1e999]}]}"));
    refused(400, "outside the range of FP32", post("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1e300]}]}"));
    refused(400, "unknown field 'inptus'", post("{\"inptus\": []}"));
    refused(400, "unknown field 'value'", post("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1], \"value\": 2}]}"));
    refused(400, "is not a whole number in [-128, 127], as datatype INT8 needs", post(
        "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"INT8\", \"data\": [300]}]}"));
    refused(400, "is not a number, as datatype FP64 needs", post(
        "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [\"NaN\"]}]}"));
    refused(400, "Duplicate field 'inputs'", post("{\"inputs\": [], \"inputs\": []}"));
    refused(400, "a JSON object is expected, not array", post("[1, 2]"));
    refused(400, "the body is empty", post(""));
    refused(400, "input 'x1' is given twice", post("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]},"
        + " {\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}]}"));
    refused(400, "x9", post("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]},"
        + " {\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}, {\"name\": \"x9\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}]}"));
  }

  @Test
  @DisplayName("a foreign Host, a missing or wrong token are refused before anything is read into a model")
  void hostAndToken() throws Exception {
    refused(401, "a token is required", f.post("/v2/models/churn/infer", HttpFixture.columns(3, 0)));
    refused(401, "a token is required", f.send(HttpRequest.newBuilder(f.uri("/v2/health/live")).header("Authorization", "Bearer wrong-token-wrong-token")));
    String rebound = raw("GET /v2/health/live HTTP/1.1\r\nHost: attacker.example\r\nAuthorization: Bearer a-token-of-sixteen+\r\n\r\n");
    assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
    String proxied = raw("GET /v2/health/live HTTP/1.1\r\nHost: serving.example:443\r\nAuthorization: Bearer a-token-of-sixteen+\r\n\r\n");
    assertTrue(proxied.startsWith("HTTP/1.1 200"), proxied);
    assertTrue(proxied.contains("X-content-type-options: nosniff") || proxied.contains("X-Content-Type-Options: nosniff"), proxied);
  }

  @Test
  @DisplayName("a malformed percent escape in the path is a 400, through the transport-neutral handler")
  void malformedPath() {
    HttpAnswer a = f.http.handler().handle(new HttpCall("GET", "/v2/models/%zz", Map.of("Host", List.of("localhost"), "Authorization",
        List.of("Bearer a-token-of-sixteen+")), new byte[0], false));
    assertEquals(400, a.status(), a.text());
    assertTrue(a.text().contains("malformed percent escape"), a.text());
  }

  @Test
  @DisplayName("a client that sends half its headers and stalls holds the only worker only until the server's request timer closes it")
  void slowHeaders() throws Exception {
    try (Socket slow = new Socket("127.0.0.1", f.http.port())) {
      slow.setSoTimeout(60_000);
      OutputStream out = slow.getOutputStream();
      out.write("POST /v2/models/churn/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bea".getBytes(StandardCharsets.UTF_8));
      out.flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      slow.getInputStream().transferTo(got);
      assertEquals("", got.toString(StandardCharsets.UTF_8), "closed without an answer");
      HttpResponse<String> next = post(HttpFixture.columns(3, 0));
      assertEquals(200, next.statusCode(), next.body());
    }
  }

  @Test
  @DisplayName("a client that sends half its body and stalls holds the only worker only until the request timer closes it")
  void slowClient() throws Exception {
    String body = HttpFixture.columns(3, 0);
    try (Socket slow = new Socket("127.0.0.1", f.http.port())) {
      slow.setSoTimeout(60_000);
      OutputStream out = slow.getOutputStream();
      out.write(("POST /v2/models/churn/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer a-token-of-sixteen+\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.UTF_8));
      out.flush();
      // the server's one worker now waits for the rest, until the request timer closes the connection
      InputStream in = slow.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      in.transferTo(got);
      assertTrue(!got.toString(StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"), "the stalled request was not answered as if whole: " + got);
      // and the one worker is free again: with it still held, this would wait until the client's timeout
      HttpResponse<String> next = post(body);
      assertEquals(200, next.statusCode(), next.body());
    }
  }
}
