package dev.mlops.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.mlops.api.Authenticator;
import dev.mlops.api.ServerBuilder;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.HttpGuard;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's REST API over a store as an {@link HttpHandler}, without a port of its own: what an
 * {@link MlflowServer} serves, for mounting on another server, such as the web UI's
 * ({@code MlopsUi.builder().mount(handler, handler.prefixes())}), so that one port serves the UI's
 * pages and {@code MLFLOW_TRACKING_URI}. Built by {@link MlflowServer.Builder#handler()}.
 *
 * <p>It answers the paths below {@link #prefixes()}, and {@code /health} and {@code /version}. A
 * mounted handler leaves the Host and token checks to the server it is mounted on (the UI makes
 * them, from the same code); the builder's {@link Authenticator}, if any, still names each request's
 * principal for the registry's audit trail. Thread-safe. Closing it closes the store it opened.
 */
public final class MlflowHandler implements HttpHandler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowHandler.class);
  static final String API = "/api/2.0/mlflow/";
  /** The prefix MLflow's web UI calls the same routes under. */
  static final String AJAX_API = "/ajax-api/2.0/mlflow/";
  private static final List<String> PREFIXES = List.of(API, ArtifactRoutes.PREFIX + "/", ArtifactRoutes.PREFIX, ArtifactRoutes.MPU_PREFIX, AJAX_API);
  /** The principal of the request this thread serves, for the registry's audit trail. */
  private static final ThreadLocal<String> PRINCIPAL = new ThreadLocal<>();

  private final @Nullable StorageBackend ownedBackend;
  private final Tracker tracker;
  private final ModelRegistry registry;
  private final @Nullable Authenticator authenticator;
  private final @Nullable HttpGuard guard;
  private final Map<String, Route> routes;
  private final ArtifactRoutes artifacts;
  private final RetryGuard retries;
  private final int maxBodyBytes;

  /**
   * @param guarded whether it checks the Host and the token itself (a server of its own) or leaves
   *     them to the server it is mounted on
   */
  MlflowHandler(MlflowServer.Builder b, ServerBuilder.Options o, StorageBackend backend, boolean owned, boolean guarded) {
    this.tracker = Tracker.builder().storage(backend).captureSystemTags(false).build();
    try {
      tracker.defaultExperiment();
      this.guard = guarded ? new HttpGuard(o.bindAddress(), o.allowedHosts(), o.token(), o.authenticator()) : null;
      this.maxBodyBytes = b.maxBodyBytes;
      this.retries = new RetryGuard(b.clock, TimeUnit.MINUTES.toMillis(10), 100_000);
      LoggedModels loggedModels = new LoggedModels(tracker.artifacts());
      this.artifacts = new ArtifactRoutes(tracker, loggedModels);
      ModelRegistry.Builder rb = ModelRegistry.builder().storage(backend).principal(() -> {
        String who = PRINCIPAL.get();
        return who == null ? MlflowServer.ANONYMOUS : who;
      });
      b.registry.accept(rb);
      this.registry = rb.storage(backend).build();
      this.authenticator = o.authenticator();
      this.routes = Route.table(new ExperimentRoutes(tracker), new RunRoutes(tracker, b.clock, ArtifactRoutes::uri, loggedModels),
          new RegistryRoutes(registry, tracker.artifacts(), loggedModels, b.clock), new LoggedModelRoutes(tracker, loggedModels, b.clock),
          new MetricIntervals(tracker));
    } catch (RuntimeException e) {
      tracker.close();
      throw e;
    }
    this.ownedBackend = owned ? backend : null;
  }

  /** The path prefixes it answers below: MLflow's API, its artifact proxy and the API as MLflow's web UI calls it. */
  public List<String> prefixes() {
    return PREFIXES;
  }

  /** Closes its tracker and registry, and the store when the builder opened it. */
  @Override
  public void close() {
    tracker.close();
    registry.close();
    if (ownedBackend != null) {
      ownedBackend.close();
    }
  }

  @Override
  public String toString() {
    return "MlflowHandler[" + tracker.store() + "]";
  }

  /** Answers one request; always closes the exchange. */
  @Override
  public void handle(HttpExchange ex) {
    try (ex) {
      try {
        if (guard != null && !guard.hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
          throw new MlflowError("PERMISSION_DENIED", 403, "this Host is not one the server answers to; start it with the host allowed");
        }
        if (guard != null && guard.requiresToken() && !guard.bearerMatches(ex.getRequestHeaders().getFirst("Authorization"))) {
          throw new MlflowError("UNAUTHENTICATED", 401, "a token is required: set MLFLOW_TRACKING_TOKEN (Authorization: Bearer TOKEN)");
        }
        String who = MlflowServer.ANONYMOUS;
        if (authenticator != null) {
          who = authenticator.principal(ex.getRequestHeaders());
          if (who == null) {
            throw new MlflowError("UNAUTHENTICATED", 401, "not signed in");
          }
        }
        PRINCIPAL.set(who);
        try {
          dispatch(ex, who);
        } finally {
          PRINCIPAL.remove();
        }
      } catch (RuntimeException e) {
        MlflowError err = MlflowError.of(e);
        if (err.status() >= 500) {
          LOG.warn("MLflow server: {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        }
        sendJson(ex, err.status(), Wire.object().put("error_code", err.code()).put("message", String.valueOf(err.getMessage())));
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("MLflow server: {} {}: the answer could not be written", ex.getRequestMethod(), ex.getRequestURI(), e);
    }
  }
  private void dispatch(HttpExchange ex, String principal) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    String method = ex.getRequestMethod();
    if (path.equals("/health")) {
      send(ex, 200, "text/plain", "OK".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.equals("/version")) {
      send(ex, 200, "text/plain", MlflowServer.VERSION.getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.startsWith(ArtifactRoutes.PREFIX) && (path.length() == ArtifactRoutes.PREFIX.length()
        || path.charAt(ArtifactRoutes.PREFIX.length()) == '/')) {
      artifacts.handle(ex, path);
      return;
    }
    if (path.startsWith(ArtifactRoutes.MPU_PREFIX)) {
      artifacts.multipart(method, path, method.equals("POST") ? body(ex) : Message.of(Wire.object()));
      return;
    }
    String name = path.startsWith(API) ? path.substring(API.length()) : path.startsWith(AJAX_API) ? path.substring(AJAX_API.length()) : null;
    Route.Bound bound = name == null ? null : Route.find(routes, method, name);
    if (bound == null) {
      throw new MlflowError(MlflowError.ENDPOINT_NOT_FOUND, 404, "no route " + method + " " + path);
    }
    Route route = bound.route();
    Message m = (method.equals("GET") ? Message.ofQuery(ex.getRequestURI().getRawQuery()) : body(ex)).with(bound.pathParams());
    ObjectNode answer;
    if (route.retrySafe()) {
      String json = retries.once(principal + " " + name, m.toString(), () -> Wire.write(route.handler().apply(m)));
      sendRaw(ex, json);
      return;
    }
    answer = route.handler().apply(m);
    sendJson(ex, 200, answer);
  }

  private Message body(HttpExchange ex) throws IOException {
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(maxBodyBytes + 1);
    }
    if (bytes.length > maxBodyBytes) {
      throw MlflowError.invalid("request body", "over " + maxBodyBytes + " bytes", "must be at most " + maxBodyBytes + " bytes");
    }
    if (bytes.length == 0) {
      return Message.of(Wire.object());
    }
    try {
      JsonNode n = Wire.JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new MlflowError("MALFORMED_REQUEST", 400, "the request body must be a JSON object");
      }
      return Message.of((ObjectNode) n);
    } catch (JsonProcessingException e) {
      throw new MlflowError("MALFORMED_REQUEST", 400, "the request body is not JSON: " + e.getOriginalMessage());
    }
  }

  static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, "application/json", Wire.write(body).getBytes(StandardCharsets.UTF_8));
  }

  private static void sendRaw(HttpExchange ex, String json) throws IOException {
    send(ex, 200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

}
