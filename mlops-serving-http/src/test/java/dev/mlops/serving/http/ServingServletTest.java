package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The servlet adapter, driven as a container drives it: a request under a context and servlet path,
 * headers, a body stream; the answer's status, headers and body written to the response. (No
 * container is started: the request and response are the servlet API's interfaces, answered by a
 * proxy with what a container would give.)
 */
class ServingServletTest {
  static HttpFixture f;

  @BeforeAll
  static void start() {
    f = new HttpFixture(b -> b.maxBodyBytes(1024), e -> e);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  record Written(int status, Map<String, String> headers, String body) {}

  static Written serve(String method, String uri, String body) throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    ServletInputStream input = new ServletInputStream() {
      @Override
      public int read() {
        return in.read();
      }

      @Override
      public boolean isFinished() {
        return in.available() == 0;
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setReadListener(ReadListener listener) {
        throw new UnsupportedOperationException();
      }
    };
    Map<String, List<String>> headers = Map.of("Host", List.of("localhost:8080"), "Content-Type", List.of("application/json"));
    HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(ServingServletTest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
          case "getMethod" -> method;
          case "getRequestURI" -> uri;
          case "getContextPath" -> "/app";
          case "getServletPath" -> "/serving";
          case "getHeaderNames" -> Collections.enumeration(headers.keySet());
          case "getHeaders" -> Collections.enumeration(headers.getOrDefault((String) args[0], List.of()));
          case "getInputStream" -> input;
          default -> throw new UnsupportedOperationException(m.getName());
        });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ServletOutputStream output = new ServletOutputStream() {
      @Override
      public void write(int b) {
        out.write(b);
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setWriteListener(WriteListener listener) {
        throw new UnsupportedOperationException();
      }
    };
    int[] status = {0};
    Map<String, String> written = new LinkedHashMap<>();
    HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(ServingServletTest.class.getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
          switch (m.getName()) {
            case "setStatus" -> status[0] = (Integer) args[0];
            case "setHeader" -> written.put((String) args[0], (String) args[1]);
            case "setContentLength" -> written.put("Content-Length", String.valueOf(args[0]));
            case "getOutputStream" -> {
              return output;
            }
            default -> throw new UnsupportedOperationException(m.getName());
          }
          return null;
        });
    new ServingServlet(f.http.handler()).service(request, response);
    return new Written(status[0], written, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("an inference under /app/serving answers as on the JDK server, with the same headers")
  void inferenceThroughTheServlet() throws Exception {
    Written w = serve("POST", "/app/serving/v2/models/churn/infer", HttpFixture.columns(3, 0));
    assertEquals(200, w.status(), w.body());
    assertTrue(w.body().contains("\"data\":[\"yes\"]"), w.body());
    assertEquals("application/json", w.headers().get("Content-Type"));
    assertEquals("nosniff", w.headers().get("X-Content-Type-Options"));
    assertEquals(String.valueOf(w.body().getBytes(StandardCharsets.UTF_8).length), w.headers().get("Content-Length"));
  }

  @Test
  @DisplayName("the handler's checks hold behind the servlet: a body over the bound is 413, an unknown model 404")
  void checksHold() throws Exception {
    Written big = serve("POST", "/app/serving/v2/models/churn/infer", "{\"inputs\": [\"" + "a".repeat(2000) + "\"]}");
    assertEquals(413, big.status(), big.body());
    Written unknown = serve("GET", "/app/serving/v2/models/nobody", "");
    assertEquals(404, unknown.status());
    assertTrue(unknown.body().startsWith("{\"error\":\"no model 'nobody'"), unknown.body());
  }
}
