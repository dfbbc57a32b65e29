package dev.mlops.serving.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mlops.api.Authenticator;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.DaemonThreads;
import dev.mlops.api.internal.HttpGuard;
import dev.mlops.api.internal.Validation;
import dev.mlops.serving.ModelServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelServer}'s endpoints on the JDK's HTTP server (no server jar added): the routes of
 * {@link ServingHandler}, on 127.0.0.1 unless told otherwise.
 *
 * <pre>{@code
 * try (ServingHttpServer http = ServingHttpServer.builder(server).port(8080).start()) {
 *   // POST http://127.0.0.1:8080/v2/models/churn/infer
 * }
 * }</pre>
 *
 * <p>Request bodies are read up to {@link Builder#maxBodyBytes} (a longer one is refused with 413
 * and its connection closed); a request whose headers and body have not all arrived within
 * {@link Builder#requestTimeout} (30 seconds by default) has its connection closed, so a trickling
 * client holds a worker for at most that long. That timer is this server's own: the JDK's
 * {@code sun.net.httpserver.maxReqTime} is neither needed nor set (it is JVM-wide, read once by the
 * first JDK server, and would apply to every other JDK server in the JVM, the UI's among them).
 * Workers are bounded
 * ({@link Builder#threads}); requests beyond them wait in a bounded queue. Thread-safe;
 * {@link #close()} stops accepting and ends the workers; the {@link ModelServer} stays open.
 */
public final class ServingHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingHttpServer.class);

  static {
    HttpGuard.jdkServerNoDelay();
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final ScheduledExecutorService timer;
  private final RequestTimer requestTimer;
  private final ServingHandler handler;
  private final String host;

  private ServingHttpServer(Builder b, ServingHandler handler) throws IOException {
    this.handler = handler;
    this.executor = new ThreadPoolExecutor(b.threads, b.threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024),
        DaemonThreads.named("mlops-serving-http"));
    this.server = HttpServer.create(new InetSocketAddress(b.bindAddress, b.port), 128);
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("mlops-serving-http-timer"));
    this.requestTimer = new RequestTimer(timer, b.requestTimeout.toMillis());
    server.setExecutor(requestTimer.wrap(executor));
    server.createContext("/", this::exchange);
    server.start();
    this.host = b.bindAddress.contains(":") ? "[" + b.bindAddress + "]" : b.bindAddress;
    LOG.info("serving over HTTP on {}", url());
  }

  /**
   * A builder for the endpoints of this server.
   *
   * @throws InvalidArgumentException for a null server
   */
  public static Builder builder(ModelServer server) {
    return new Builder(Validation.notNull("server", server));
  }

  /** The port it listens on (the chosen one when built with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Its base address, for example {@code http://127.0.0.1:8080}. */
  public String url() {
    return "http://" + host + ":" + port();
  }

  /** The transport-neutral handler it serves. */
  public ServingHandler handler() {
    return handler;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    timer.shutdownNow();
  }

  @Override
  public String toString() {
    return "ServingHttpServer[" + url() + "]";
  }

  private void exchange(HttpExchange ex) throws IOException {
    try (ex) {
      HttpCall call = HttpCall.read(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestHeaders(), ex.getRequestBody(),
          handler.maxBodyBytes());
      if (!requestTimer.received()) {
        LOG.debug("serving over HTTP: {} {}: the request did not arrive within its time; its connection is closed", ex.getRequestMethod(),
            ex.getRequestURI());
        return;
      }
      HttpAnswer a = handler.handle(call);
      a.headers().forEach(ex.getResponseHeaders()::set);
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(a.status(), head || a.body().length == 0 ? -1 : a.body().length);
      if (!head && a.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(a.body());
        }
      }
    } catch (IOException e) {
      // the client went away or was cut off by the request timer: nothing to answer
      LOG.debug("serving over HTTP: {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
    }
  }

  /** Builds a {@link ServingHttpServer}, or only its {@link ServingHandler} for another transport. */
  public static final class Builder {
    private final ModelServer server;
    private int port = 8080;
    private String bindAddress = "127.0.0.1";
    private @Nullable String token;
    private final Set<String> allowedHosts = new LinkedHashSet<>();
    private @Nullable Authenticator authenticator;
    private int threads = 8;
    private int maxBodyBytes = 4 << 20;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private @Nullable String invocationsEndpoint;
    private @Nullable Supplier<String> scrape;

    private Builder(ModelServer server) {
      this.server = server;
    }

    /** The port (default 8080; 0 picks a free one, see {@link ServingHttpServer#port()}). */
    public Builder port(int port) {
      this.port = HttpGuard.checkedPort(port);
      return this;
    }

    /** The interface to bind (default 127.0.0.1, loopback only); its name is allowed as a Host. */
    public Builder bindAddress(String address) {
      this.bindAddress = Validation.notNull("bindAddress", address);
      return this;
    }

    /** Further Host header names to answer to (a reverse proxy's or a Kubernetes service's name). */
    public Builder allowedHosts(String... hosts) {
      for (String h : hosts) {
        allowedHosts.add(Validation.notNull("allowedHosts", h));
      }
      return this;
    }

    /** Requires {@code Authorization: Bearer TOKEN} on every request (at least 16 characters). */
    public Builder token(String token) {
      this.token = HttpGuard.checkedToken(token);
      return this;
    }

    /** Decides who each request comes from, refusing it with 401 when it answers null. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Validation.notNull("authenticator", authenticator);
      return this;
    }

    /** The most requests answered at once (default 8). */
    public Builder threads(int threads) {
      this.threads = Validation.positive("threads", threads);
      return this;
    }

    /** The longest request body read, in bytes (default 4 MiB); a longer one is refused with 413. */
    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = Validation.positive("maxBodyBytes", bytes);
      return this;
    }

    /**
     * The longest a request may take to arrive, its headers and body together (default 30 s): a
     * client still sending then has its connection closed and the worker it held is freed. The time
     * the model takes to answer is not counted. This server's own timer, not the JDK's JVM-wide one.
     */
    public Builder requestTimeout(Duration timeout) {
      Validation.notNull("requestTimeout", timeout);
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofDays(1)) > 0) {
        throw InvalidArgumentException.of("requestTimeout", timeout, "must be positive and at most a day");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** The endpoint MLflow's {@code /invocations} answers with (needed when the server has more than one). */
    public Builder invocationsEndpoint(String endpoint) {
      this.invocationsEndpoint = Validation.notNull("invocationsEndpoint", endpoint);
      return this;
    }

    /**
     * Serves the registry's meters as Prometheus text at {@code /metrics}; give the same registry
     * to {@link ModelServer.Builder#meterRegistry} for the endpoints' meters. Needs
     * {@code io.micrometer:micrometer-registry-prometheus} on the class path.
     */
    public Builder prometheus(io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry) {
      Validation.notNull("prometheus", registry);
      this.scrape = registry::scrape;
      return this;
    }

    /** The transport-neutral handler, for a transport of the application's own (a servlet, a framework route). */
    public ServingHandler handler() {
      return new ServingHandler(server, new HttpGuard(bindAddress, allowedHosts, token, authenticator), maxBodyBytes, invocationsEndpoint,
          scrape);
    }

    /**
     * Starts the JDK server.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public ServingHttpServer start() {
      try {
        return new ServingHttpServer(this, handler());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }
}
