package dev.mlops.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.mlops.api.Authenticator;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ServerBuilder;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.HttpGuard;
import dev.mlops.api.internal.HttpServers;
import dev.mlops.api.internal.Validation;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MLflow tracking server over one of this library's stores, so that MLflow's clients (Python's
 * {@code mlflow} with {@code MLFLOW_TRACKING_URI}, the Java {@code MlflowClient}) log into a
 * {@code file:}, {@code mem:} or PostgreSQL store, and the library reads what they wrote.
 *
 * <pre>{@code
 * try (MlflowServer server = MlflowServer.builder().storage(backend).port(5000).start()) {
 *   System.out.println("MLFLOW_TRACKING_URI=" + server.url());
 * }
 * }</pre>
 *
 * <p>Served under {@code /api/2.0/mlflow/}: experiments (create, get, get-by-name, search, update,
 * delete, restore, set-experiment-tag; experiment "0", Default, exists from the start), runs
 * (create, get, update, delete, restore, search with MLflow's filter grammar, ordering and page
 * tokens, log-metric, log-parameter, set-tag, delete-tag, log-batch, log-inputs, log-model), metric
 * history; the model registry (registered models, versions, tags, aliases, latest versions, stage
 * transitions mapped onto the aliases {@code staging} and {@code production}, through
 * {@link ModelRegistry}'s governance: see {@link Builder#registry}); the {@code mlflow-artifacts} proxy routes (runs created here get an {@code mlflow-artifacts:}
 * artifact URI); {@code /health} and {@code /version}. Any other path answers 404
 * {@code ENDPOINT_NOT_FOUND}, on which MLflow's clients fall back.
 *
 * <p>Wire rules are MLflow's: a GET carries its message as query parameters (a repeated key is a
 * list), other methods as a JSON body; int64 fields are read as numbers or strings and written as
 * numbers; enums by name; an error is {@code {"error_code", "message"}} with MLflow's HTTP status
 * (RESOURCE_DOES_NOT_EXIST 404, INVALID_PARAMETER_VALUE and RESOURCE_ALREADY_EXISTS 400). A request
 * is checked whole before anything is written. Writes are safe under the client's retries: a
 * {@code log-batch}, {@code log-metric}, {@code create-run}, {@code create-experiment} or
 * {@code create-model-version} whose body
 * equals one answered in the last ten minutes gets the same answer and writes nothing again.
 *
 * <p>Safety, as the UI's (the same {@link HttpGuard}): it binds to the loopback interface unless
 * told otherwise; the Host header must be a loopback name, the bound address or an allowed name
 * (against DNS rebinding); with a token, every request needs {@code Authorization: Bearer TOKEN}
 * (what MLflow's clients send for {@code MLFLOW_TRACKING_TOKEN}); JSON bodies are bounded
 * ({@link Builder#maxBodyBytes}); artifact uploads and downloads are streamed.
 *
 * <p>Thread-safe; requests are served on a pool of {@link Builder#threads} threads. Closing stops
 * the server and closes a store it opened.
 */
public final class MlflowServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowServer.class);
  static final String API = "/api/2.0/mlflow/";
  static final String VERSION = "2.17.2";
  /** The principal of every request when no {@link Authenticator} is given. */
  public static final String ANONYMOUS = "anonymous";
  /** The principal of the request this thread serves, for the registry's audit trail. */
  private static final ThreadLocal<String> PRINCIPAL = new ThreadLocal<>();

  private final HttpServers http;
  private final @Nullable StorageBackend ownedBackend;
  private final Tracker tracker;
  private final ModelRegistry registry;
  private final @Nullable Authenticator authenticator;
  private final HttpGuard guard;
  private final Map<String, Route> routes;
  private final ArtifactRoutes artifacts;
  private final RetryGuard retries;
  private final int maxBodyBytes;
  private final String host;

  private MlflowServer(Builder b, ServerBuilder.Options o, StorageBackend backend, boolean owned) throws IOException {
    this.ownedBackend = owned ? backend : null;
    this.tracker = Tracker.builder().storage(backend).captureSystemTags(false).build();
    tracker.defaultExperiment();
    this.guard = new HttpGuard(o.bindAddress(), o.allowedHosts(), o.token(), o.authenticator());
    this.maxBodyBytes = b.maxBodyBytes;
    this.retries = new RetryGuard(b.clock, TimeUnit.MINUTES.toMillis(10), 100_000);
    this.artifacts = new ArtifactRoutes(tracker);
    ModelRegistry.Builder rb = ModelRegistry.builder().storage(backend).principal(() -> {
      String who = PRINCIPAL.get();
      return who == null ? ANONYMOUS : who;
    });
    b.registry.accept(rb);
    this.registry = rb.storage(backend).build();
    this.authenticator = o.authenticator();
    this.routes = Route.table(new ExperimentRoutes(tracker), new RunRoutes(tracker, b.clock, ArtifactRoutes::uri),
        new RegistryRoutes(registry, tracker.artifacts()));
    this.http = HttpServers.start(o, o.threads(), 1024, 128, "mlops-mlflow", this::handle);
    this.host = o.urlHost();
    LOG.info("MLflow server on {} over {}", url(), backend.storageUri());
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port it listens on (the chosen one when built with port 0). */
  public int port() {
    return http.port();
  }

  /** The tracking URI to give MLflow's clients, {@code http://127.0.0.1:PORT} (no trailing slash). */
  public String url() {
    return "http://" + host + ":" + port();
  }

  @Override
  public void close() {
    http.stop();
    tracker.close();
    registry.close();
    if (ownedBackend != null) {
      ownedBackend.close();
    }
  }

  @Override
  public String toString() {
    return "MlflowServer[" + url() + "]";
  }

  // ------------------------------------------------------------------ requests

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      try {
        if (!guard.hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
          throw new MlflowError("PERMISSION_DENIED", 403, "this Host is not one the server answers to; start it with the host allowed");
        }
        if (guard.requiresToken() && !guard.bearerMatches(ex.getRequestHeaders().getFirst("Authorization"))) {
          throw new MlflowError("UNAUTHENTICATED", 401, "a token is required: set MLFLOW_TRACKING_TOKEN (Authorization: Bearer TOKEN)");
        }
        String who = ANONYMOUS;
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
      send(ex, 200, "text/plain", VERSION.getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.startsWith(ArtifactRoutes.PREFIX) && (path.length() == ArtifactRoutes.PREFIX.length()
        || path.charAt(ArtifactRoutes.PREFIX.length()) == '/')) {
      artifacts.handle(ex, path);
      return;
    }
    String name = path.startsWith(API) ? path.substring(API.length()) : null;
    Route route = name == null ? null : routes.get(method + " " + name);
    if (route == null) {
      throw new MlflowError(MlflowError.ENDPOINT_NOT_FOUND, 404, "no route " + method + " " + path);
    }
    Message m = method.equals("GET") ? Message.ofQuery(ex.getRequestURI().getRawQuery()) : body(ex);
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

  /**
   * Builds an {@link MlflowServer}; the store, port (default 5000, MLflow's), interface, token, Host
   * names and threads (default 16) are set as {@link ServerBuilder} says.
   */
  public static final class Builder extends ServerBuilder<Builder> {
    private int maxBodyBytes = 4 << 20;
    private Clock clock = Clock.systemUTC();
    private Consumer<ModelRegistry.Builder> registry = r -> { };

    private Builder() {
      super(16);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** The largest JSON request body accepted (default 4 MiB; MLflow's own limit for a batch is 1 MB). Artifact uploads are streamed and not bounded by it. */
    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = Validation.positive("maxBodyBytes", bytes);
      return this;
    }

    /**
     * Configures the registry the server writes through: its access policy, protected aliases with
     * their approvals, gates, flavors. The server sets its store and the principal (each request's,
     * from the {@link Authenticator}, else {@link #ANONYMOUS}), so every registry change is audited
     * with who asked for it.
     */
    public Builder registry(Consumer<ModelRegistry.Builder> configure) {
      this.registry = Validation.notNull("registry", configure);
      return this;
    }

    /** The clock for default timestamps and the retry window (default the system's). */
    public Builder clock(Clock clock) {
      this.clock = Validation.notNull("clock", clock);
      return this;
    }

    /**
     * Starts the server; experiment "0" (Default) is created in the store if it is missing.
     *
     * @throws InvalidArgumentException without a store
     * @throws NotFoundException when a {@code file:} URI names no store and {@link #createStore(boolean)}
     *     was not asked for; nothing is created
     * @throws java.io.UncheckedIOException when the port cannot be bound
     */
    public MlflowServer start() {
      return start("or start the server with --create (createStore(true)) for a new, empty store there",
          (o, backend, owned) -> new MlflowServer(this, o, backend, owned));
    }
  }
}
