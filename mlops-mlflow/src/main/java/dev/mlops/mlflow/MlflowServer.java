package dev.mlops.mlflow;

import dev.mlops.api.Authenticator;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.ServerBuilder;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.HttpGuard;
import dev.mlops.api.internal.HttpServers;
import dev.mlops.api.internal.Validation;
import dev.mlops.registry.ModelRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Consumer;
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
  static final String VERSION = "2.17.2";
  /** The principal of every request when no {@link Authenticator} is given. */
  public static final String ANONYMOUS = "anonymous";

  private final HttpServers http;
  private final MlflowHandler handler;
  private final @Nullable StorageBackend ownedBackend;
  private final String host;

  private MlflowServer(Builder b, ServerBuilder.Options o, StorageBackend backend, boolean owned) throws IOException {
    this.handler = new MlflowHandler(b, o, backend, false, true);
    try {
      this.http = HttpServers.start(o, o.threads(), 1024, 128, "mlops-mlflow", handler);
    } catch (IOException | RuntimeException e) {
      handler.close();
      throw e;
    }
    this.ownedBackend = owned ? backend : null;
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
    handler.close();
    if (ownedBackend != null) {
      ownedBackend.close();
    }
  }

  @Override
  public String toString() {
    return "MlflowServer[" + url() + "]";
  }

  /**
   * Builds an {@link MlflowServer}; the store, port (default 5000, MLflow's), interface, token, Host
   * names and threads (default 16) are set as {@link ServerBuilder} says.
   */
  public static final class Builder extends ServerBuilder<Builder> {
    int maxBodyBytes = 4 << 20;
    Clock clock = Clock.systemUTC();
    Consumer<ModelRegistry.Builder> registry = r -> { };

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

    /**
     * MLflow's API over the store as a handler without a port, for mounting on another server (the
     * UI's: {@code MlopsUi.builder().mount(handler, handler.prefixes())}); the port, interface,
     * token and Host names set here are not used (the server it is mounted on checks Host and
     * token), the authenticator, registry, clock and body limit are.
     *
     * @throws InvalidArgumentException without a store
     * @throws NotFoundException when a {@code file:} URI names no store and {@link #createStore(boolean)} was not asked for
     */
    public MlflowHandler handler() {
      return start("or create it (createStore(true))", (o, backend, owned) -> new MlflowHandler(this, o, backend, owned, false));
    }
  }
}
