package dev.mlops.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
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
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only web UI over one storage backend: experiments and a runs table with the filter
 * language, a run's params, metrics, tags, inputs and artifacts with metric charts reduced on the
 * server (per-bucket minimum, maximum and last value), the registry's models, versions, aliases,
 * promotion requests and the audit trail's verification, and a monitor's windows. Embedded in a
 * service, or started alone ({@link MlopsUiMain}).
 *
 * <pre>{@code
 * try (MlopsUi ui = MlopsUi.builder().storage(backend).port(5000).start()) {
 *   System.out.println("open " + ui.url());
 * }
 * }</pre>
 *
 * <p>Safety: it binds to the loopback interface unless told otherwise; every answer it writes carries
 * a Content-Security-Policy without inline scripts or other origins, {@code nosniff},
 * {@code no-referrer} and {@code X-Frame-Options} (the answers the JDK's server writes itself to a
 * request it cannot parse, before any handler or filter runs, do not: they are fixed pages that
 * repeat nothing of the request); the Host header must be one of the allowed names (loopback names
 * and the configured ones), against DNS rebinding; with a token, every request needs it (an
 * {@code Authorization: Bearer} header, or the cookie a first visit with {@code ?token=} sets); only
 * GET and HEAD are served (except below a {@link Builder#mount mounted} handler's prefixes); static paths are normalized and confined to the UI's own files and the
 * WebJars; a route that names a run, a run's metric, a model or its version, a monitor, a window or a retraining loop
 * answers 404 for one that does not exist ({@code {"error": message}} on the {@code /api/} routes). Pages put store
 * values into the page with {@code textContent}, never as markup, each isolated in a {@code <bdi>}
 * with its hidden characters (a right-to-left override, say) shown as {@code <U+202E>}.
 */
public final class MlopsUi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MlopsUi.class);
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
      + "frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  static final String COOKIE = "mlops_ui_token";
  /** The principal of every request when no {@link Authenticator} is given. */
  public static final String ANONYMOUS = "anonymous";

  private final HttpServers http;
  private final @Nullable StorageBackend ownedBackend;
  private final Tracker tracker;
  private final ModelRegistry registry;
  private final HttpGuard guard;
  private final Routes routes;
  private final Map<String, HttpHandler> mounts;
  private final String host;

  private MlopsUi(Builder b, ServerBuilder.Options o, StorageBackend backend, boolean owned) throws IOException {
    this.ownedBackend = owned ? backend : null;
    this.tracker = Tracker.builder().storage(backend).build();
    this.registry = ModelRegistry.builder().storage(backend).build();
    this.guard = new HttpGuard(o.bindAddress(), o.allowedHosts(), o.token(), o.authenticator());
    this.routes = new Routes(new TrackingRoutes(tracker), new RegistryRoutes(registry, b.accessPolicy), new MonitoringRoutes(backend),
        new RetrainingRoutes(backend), Map.copyOf(b.live));
    this.mounts = new java.util.LinkedHashMap<>(b.mounts);
    this.http = HttpServers.start(o, 2, 256, 64, "mlops-ui", this::handle);
    this.host = o.urlHost();
    LOG.info("mlops UI on {} over {}", url(), backend.storageUri());
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port it listens on (the chosen one when built with port 0). */
  public int port() {
    return http.port();
  }

  /** The address to open in a browser. */
  public String url() {
    return "http://" + host + ":" + port() + "/";
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
    return "MlopsUi[" + url() + "]";
  }

  // ------------------------------------------------------------------ requests

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      var h = ex.getResponseHeaders();
      h.set("Content-Security-Policy", CSP);
      HttpGuard.SECURITY_HEADERS.forEach(h::set);
      String method = ex.getRequestMethod();
      HttpHandler mounted = mounted(ex.getRequestURI().getRawPath());
      if (mounted == null && !method.equals("GET") && !method.equals("HEAD")) {
        h.set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain", "the UI is read-only: only GET and HEAD are served");
        return;
      }
      if (!guard.hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
        send(ex, 403, "text/plain", "this Host is not one the UI answers to; start it with the host allowed");
        return;
      }
      URI uri = ex.getRequestURI();
      Map<String, String> query = Request.parseQuery(uri.getRawQuery());
      if (guard.requiresToken()) {
        String offered = query.get("token");
        if (offered != null && guard.tokenMatches(offered)) {
          h.set("Set-Cookie", COOKIE + "=" + offered + "; HttpOnly; SameSite=Strict; Path=/");
          h.set("Location", uri.getRawPath());
          send(ex, 303, "text/plain", "signed in");
          return;
        }
        if (!authorized(ex)) {
          send(ex, 401, "text/plain", "a token is required: open the UI once with ?token=TOKEN or send Authorization: Bearer TOKEN");
          return;
        }
      }
      String principal = guard.principal(ex.getRequestHeaders(), ANONYMOUS);
      if (principal == null) {
        send(ex, 401, "text/plain", "not signed in");
        return;
      }
      if (mounted != null) {
        mounted.handle(ex);
        return;
      }
      routes.dispatch(new Request(ex, uri.getRawPath(), query, principal));
    } catch (RuntimeException e) {
      LOG.warn("mlops UI: {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
    }
  }

  private @Nullable HttpHandler mounted(String path) {
    for (Map.Entry<String, HttpHandler> m : mounts.entrySet()) {
      if (path.startsWith(m.getKey())) {
        return m.getValue();
      }
    }
    return null;
  }

  private boolean authorized(HttpExchange ex) {
    if (guard.bearerMatches(ex.getRequestHeaders().getFirst("Authorization"))) {
      return true;
    }
    List<String> cookies = ex.getRequestHeaders().get("Cookie");
    if (cookies != null) {
      for (String line : cookies) {
        for (String c : line.split(";")) {
          String kv = c.strip();
          if (kv.startsWith(COOKIE + "=") && guard.tokenMatches(kv.substring(COOKIE.length() + 1))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    Responses.send(ex, status, type, body);
  }

  /**
   * Builds an {@link MlopsUi}; the store, port (default 5000), interface, token, Host names and
   * threads (default 8) are set as {@link ServerBuilder} says.
   */
  public static final class Builder extends ServerBuilder<Builder> {
    private final Map<String, java.util.function.Supplier<?>> live = new java.util.LinkedHashMap<>();
    private final Map<String, HttpHandler> mounts = new java.util.LinkedHashMap<>();
    private dev.mlops.registry.@Nullable AccessPolicy accessPolicy;

    private Builder() {
      super(8);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Decides who each request comes from (refusing it with 401 when it answers null); without one every request is {@link #ANONYMOUS}. */
    public Builder authenticator(Authenticator authenticator) {
      return super.authenticator(authenticator);
    }

    /**
     * Shows each principal only the models this policy lets it {@link dev.mlops.registry.Action#VIEW}
     * (the models list, a model's page and card, and the audit entries about them; other models
     * answer as if they did not exist). Runs and monitors are not filtered by it.
     */
    public Builder accessPolicy(dev.mlops.registry.AccessPolicy policy) {
      this.accessPolicy = Validation.notNull("accessPolicy", policy);
      return this;
    }

    /**
     * Shows what {@code status} returns on the Live page, re-read every few seconds, for state that lives in
     * this JVM rather than in the store: for example
     * {@code live("endpoints", () -> server.endpoints().stream().map(Endpoint::describe).toList())}.
     * The value is written as JSON (records, lists, maps, numbers and strings).
     */
    public Builder live(String name, java.util.function.Supplier<?> status) {
      live.put(Validation.key("live name", name), Validation.notNull("status", status));
      return this;
    }

    /**
     * Serves every request whose path starts with one of {@code prefixes} with {@code handler}, on
     * the UI's port, whatever its method, after the UI's Host, token and {@link Authenticator}
     * checks: for example MLflow's REST API beside the UI
     * ({@code mount(mlflow, mlflow.prefixes())} with an {@code MlflowHandler} of
     * {@code mlops-mlflow}), so one port serves the pages and {@code MLFLOW_TRACKING_URI}. The
     * handler answers (and may write to the store: the UI itself stays read-only); the UI does not
     * close it.
     *
     * @throws InvalidArgumentException for a prefix that does not start with {@code /} or is {@code /} itself
     */
    public Builder mount(HttpHandler handler, java.util.Collection<String> prefixes) {
      Validation.notNull("handler", handler);
      for (String p : Validation.notNull("prefixes", prefixes)) {
        if (p == null || !p.startsWith("/") || p.length() < 2) {
          throw InvalidArgumentException.of("prefix", p, "must start with '/' and name a path below the root");
        }
        mounts.put(p, handler);
      }
      return this;
    }

    /**
     * Starts the UI.
     *
     * @throws InvalidArgumentException without a store
     * @throws NotFoundException when a {@code file:} URI names no store and {@link #createStore(boolean)}
     *     was not asked for (the message names the path and how to create one); nothing is created
     * @throws java.io.UncheckedIOException when the port cannot be bound
     */
    public MlopsUi start() {
      return start("or start the UI with --create (createStore(true)) for a new, empty store there",
          (o, backend, owned) -> new MlopsUi(this, o, backend, owned));
    }
  }
}
