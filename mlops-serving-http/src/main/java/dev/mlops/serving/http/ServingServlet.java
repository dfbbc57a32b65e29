package dev.mlops.serving.http;

import dev.mlops.api.internal.Validation;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ServingHandler} in a servlet container the application already runs (Jakarta Servlet
 * 6; the API is {@code provided}: the container brings it). Mapped at {@code /*} of a context,
 * paths are read after the context path and the servlet path, so {@code /serving/*} serves
 * {@code /serving/v2/models/{name}/infer}. The handler's checks (Host, token, Authenticator, body
 * bound) apply as on the JDK server; a container's own limits (request timeouts, thread pool)
 * apply besides.
 *
 * <pre>{@code
 * ServingHandler handler = ServingHttpServer.builder(server).allowedHosts("api.example.com").handler();
 * context.addServlet(new ServletHolder(new ServingServlet(handler)), "/*");   // Jetty, say
 * }</pre>
 *
 * <p>Thread-safe, as the handler is.
 */
public final class ServingServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private final transient ServingHandler handler;

  /**
   * @param handler the handler to serve ({@link ServingHttpServer.Builder#handler()})
   * @throws dev.mlops.api.InvalidArgumentException for a null handler
   */
  public ServingServlet(ServingHandler handler) {
    this.handler = Validation.notNull("handler", handler);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    // the raw path after the context and servlet paths: the handler decodes each segment once
    String uri = request.getRequestURI();
    String prefix = request.getContextPath() + request.getServletPath();
    String path = uri.startsWith(prefix) ? uri.substring(prefix.length()) : uri;
    HttpAnswer a = handler.handle(HttpCall.read(request.getMethod(), path.isEmpty() ? "/" : path, headers, request.getInputStream(),
        handler.maxBodyBytes()));
    response.setStatus(a.status());
    a.headers().forEach(response::setHeader);
    response.setContentLength(a.body().length);
    response.getOutputStream().write(a.body());
  }
}
