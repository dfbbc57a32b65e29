package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ServingServlet} deployed in a real servlet container, Jetty 12 with its Jakarta EE 10
 * servlet environment (the container most embedded in Java services, with the servlet API as a
 * separate jar as this module expects it), under context {@code /app} at {@code /serving/*}, and
 * called over real HTTP by the JDK's client: the routes, their errors, the body bound, the binary
 * extension's header, and a hot swap under load.
 */
class ServingServletInJettyTest {
  static HttpFixture f;
  static Server jetty;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    f = new HttpFixture(b -> b.maxBodyBytes(64 * 1024), e -> e);
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/app");
    context.addServlet(new ServletHolder(new ServingServlet(f.http.handler())), "/serving/*");
    jetty.setHandler(context);
    jetty.start();
    base = "http://127.0.0.1:" + connector.getLocalPort() + "/app/serving";
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.stop();
    f.close();
  }

  static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return f.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  @DisplayName("infer, model metadata and health answer through Jetty as on the JDK server")
  void routes() throws Exception {
    HttpResponse<String> infer = call("POST", "/v2/models/churn/infer", HttpFixture.columns(3, 0));
    assertEquals(200, infer.statusCode(), infer.body());
    assertEquals("application/json", infer.headers().firstValue("Content-Type").orElse(""));
    assertEquals("nosniff", infer.headers().firstValue("X-Content-Type-Options").orElse(""));
    JsonNode r = HttpFixture.json(infer);
    assertEquals("r-1", r.get("id").asText());
    assertEquals("yes", r.get("outputs").get(0).get("data").get(0).asText());
    JsonNode meta = HttpFixture.json(call("GET", "/v2/models/churn", ""));
    assertEquals("churn", meta.get("name").asText());
    assertEquals(2, meta.get("inputs").size(), meta.toString());
    assertEquals(200, call("GET", "/v2/health/live", "").statusCode());
    HttpResponse<String> ready = call("GET", "/v2/health/ready", "");
    assertEquals(200, ready.statusCode());
    assertEquals("{\"ready\":true}", ready.body());
    HttpResponse<String> csv = f.send(HttpRequest.newBuilder(URI.create(base + "/invocations")).header("Content-Type", "text/csv")
        .POST(HttpRequest.BodyPublishers.ofString("x1,x2\n3,0\n-3,0\n")));
    assertEquals("{\"predictions\":[\"yes\",\"no\"]}", csv.body());
  }

  @Test
  @DisplayName("errors keep their statuses and the protocol's shape: 400, 404, 405 with Allow, never a stack trace")
  void errors() throws Exception {
    HttpResponse<String> bad = call("POST", "/v2/models/churn/infer", "{\"inputs\": [");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().startsWith("{\"error\":\"inference request: the body is not valid JSON"), bad.body());
    HttpResponse<String> unknown = call("GET", "/v2/models/nobody", "");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().startsWith("{\"error\":\"no model 'nobody'"), unknown.body());
    HttpResponse<String> method = call("GET", "/v2/models/churn/infer", "");
    assertEquals(405, method.statusCode());
    assertEquals("POST", method.headers().firstValue("Allow").orElse(""));
    for (HttpResponse<String> r : java.util.List.of(bad, unknown, method)) {
      assertTrue(!r.body().contains("\tat ") && !r.body().contains("Exception"), r.body());
    }
  }

  @Test
  @DisplayName("a body over maxBodyBytes is 413, declared by Content-Length or streamed without one; the next request is served")
  void bodyLimits() throws Exception {
    String big = "{\"inputs\": [\"" + "a".repeat(100 * 1024) + "\"]}";
    HttpResponse<String> declared = call("POST", "/v2/models/churn/infer", big);
    assertEquals(413, declared.statusCode(), declared.body());
    assertTrue(declared.body().contains("larger than 65536 bytes"), declared.body());
    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> streamed = f.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/churn/infer"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))));
    assertEquals(413, streamed.statusCode(), streamed.body());
    assertEquals(200, call("POST", "/v2/models/churn/infer", HttpFixture.columns(3, 0)).statusCode());
  }

  @Test
  @DisplayName("the binary tensor data extension through the container: its header read from the request and written on the answer")
  void binaryExtension() throws Exception {
    String json = "{\"parameters\": {\"binary_data_output\": true}, \"inputs\": [{\"name\": \"m\", \"shape\": [1, 2], \"datatype\": \"FP64\","
        + " \"parameters\": {\"binary_data_size\": 16}}]}";
    byte[] head = json.getBytes(StandardCharsets.UTF_8);
    byte[] body = java.util.Arrays.copyOf(head, head.length + 16);
    java.nio.ByteBuffer.wrap(body, head.length, 16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(3).putDouble(0);
    HttpResponse<byte[]> r = f.client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/churn/infer"))
        .header("Inference-Header-Content-Length", Integer.toString(head.length)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    int n = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    assertEquals(4 + 3 + 8, r.body().length - n, "label \"yes\" length-prefixed, then one FP64 score");
    assertEquals("yes", new String(r.body(), n + 4, 3, StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("four clients through Jetty while @champion moves 40 times: every request answered 200 by v1 or v2, each move seen")
  void hotSwapUnderLoad() throws Exception {
    HotSwapOverHttpTest.throughMoves(f, 4, 40, () -> call("POST", "/v2/models/churn/infer", HttpFixture.columns(3, 0)));
  }
}
