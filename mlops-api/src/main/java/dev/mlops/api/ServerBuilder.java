package dev.mlops.api;

import dev.mlops.api.internal.HttpGuard;
import dev.mlops.api.internal.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The options every HTTP server of the library shares (the web UI, the MLflow server): the store
 * it serves, the port and interface, a token, further Host names, its thread count and who each
 * request comes from. Each setter
 * checks its argument at once. Server builders extend it.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ServerBuilder<B extends ServerBuilder<B>> {
  private @Nullable StorageBackend backend;
  private @Nullable String uri;
  private boolean createStore;
  private int port = 5000;
  private String bindAddress = "127.0.0.1";
  private @Nullable String token;
  private final Set<String> allowedHosts = new LinkedHashSet<>();
  private int threads;
  private @Nullable Authenticator authenticator;

  /**
   * For the servers' builders.
   *
   * @param defaultThreads the thread count when {@link #threads(int)} is not called
   */
  protected ServerBuilder(int defaultThreads) {
    this.threads = defaultThreads;
  }

  /** This builder. */
  protected abstract B self();

  /** The store to serve; the caller closes it. */
  public B storage(StorageBackend backend) {
    this.backend = Validation.notNull("storage", backend);
    this.uri = null;
    return self();
  }

  /**
   * The store to serve, by URI; the server opens it and closes it with itself. A {@code file:} URI
   * must name a store that exists, unless {@link #createStore(boolean)} says otherwise.
   */
  public B storage(String uri) {
    this.uri = Validation.notNull("storage", uri);
    this.backend = null;
    return self();
  }

  /**
   * Whether a {@link #storage(String) file: URI} whose directory holds no store starts the server on
   * a new, empty store there (default false: starting refuses it, naming the path, and creates
   * nothing, so a mistyped path is not mistaken for an empty store).
   */
  public B createStore(boolean create) {
    this.createStore = create;
    return self();
  }

  /** Decides who each request comes from (refusing it with 401 when it answers null); without one every request is anonymous. */
  public B authenticator(Authenticator authenticator) {
    this.authenticator = Validation.notNull("authenticator", authenticator);
    return self();
  }

  /** The port (default 5000; 0 picks a free one). */
  public B port(int port) {
    this.port = HttpGuard.checkedPort(port);
    return self();
  }

  /** The interface to bind (default 127.0.0.1, loopback only); its name is allowed as a Host. */
  public B bindAddress(String address) {
    this.bindAddress = Validation.notNull("bindAddress", address);
    return self();
  }

  /** Requires this token (at least 16 characters) on every request. */
  public B token(String token) {
    this.token = HttpGuard.checkedToken(token);
    return self();
  }

  /** Further Host header names the server answers to (for example the name of a reverse proxy). */
  public B allowedHosts(String... hosts) {
    for (String h : hosts) {
      allowedHosts.add(Validation.notNull("allowedHosts", h));
    }
    return self();
  }

  /** The most requests served at once. */
  public B threads(int threads) {
    this.threads = Validation.positive("threads", threads);
    return self();
  }

  /**
   * The options set, for the server's constructor.
   *
   * @param port the port (0: a free one)
   * @param bindAddress the interface to bind
   * @param token the token every request needs, or null for none
   * @param allowedHosts further Host names
   * @param threads the most requests served at once
   * @param authenticator who each request comes from, or null for anonymous requests
   */
  public record Options(int port, String bindAddress, @Nullable String token, Set<String> allowedHosts, int threads,
      @Nullable Authenticator authenticator) {
    /** The canonical constructor: the set is copied. */
    public Options {
      allowedHosts = Set.copyOf(allowedHosts);
    }

    /** The bound address as a URL's host part (an IPv6 address in brackets). */
    public String urlHost() {
      return bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
    }
  }

  /** The options set now. */
  protected Options options() {
    return new Options(port, bindAddress, token, allowedHosts, threads, authenticator);
  }

  /** Whether the server opens the store itself (and so closes it). */
  protected boolean ownsStore() {
    return backend == null;
  }

  /**
   * The store to serve: the one given, or the one the URI names, opened now.
   *
   * @param createHint what the refusal of a {@code file:} path that holds no store adds, saying how to create one
   * @throws InvalidArgumentException without a store
   * @throws NotFoundException for a {@code file:} path that holds no store, without {@link #createStore(boolean)}
   */
  protected StorageBackend openStore(String createHint) {
    if (backend != null) {
      return backend;
    }
    if (uri == null) {
      throw InvalidArgumentException.of("storage", "(none)", "call storage(backend) or storage(uri)");
    }
    if (createStore) {
      return StorageBackend.open(uri);
    }
    try {
      return StorageBackend.openExisting(uri);
    } catch (NotFoundException e) {
      throw new NotFoundException(e.getMessage() + "; " + createHint, e);
    }
  }

  /**
   * Builds a server once its store is open.
   *
   * @param <S> the server
   */
  @FunctionalInterface
  protected interface Starter<S> {
    /**
     * Builds and starts the server.
     *
     * @param options the options set
     * @param backend the store to serve
     * @param ownsStore whether the server opened the store (and so closes it)
     * @throws IOException when the port cannot be bound
     */
    S start(Options options, StorageBackend backend, boolean ownsStore) throws IOException;
  }

  /**
   * Opens the store ({@link #openStore}) and starts the server on it; a store opened here is closed
   * again when the server does not start.
   *
   * @param createHint what the refusal of a {@code file:} path that holds no store adds
   * @throws InvalidArgumentException without a store
   * @throws NotFoundException for a {@code file:} path that holds no store, without {@link #createStore(boolean)}
   * @throws UncheckedIOException when the port cannot be bound (the message names the address and port)
   */
  protected <S> S start(String createHint, Starter<S> starter) {
    StorageBackend b = openStore(createHint);
    Options o = options();
    try {
      return starter.start(o, b, ownsStore());
    } catch (IOException e) {
      closeOwned(b);
      throw new UncheckedIOException("cannot listen on " + o.bindAddress() + ":" + o.port() + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      closeOwned(b);
      throw e;
    }
  }

  private void closeOwned(StorageBackend b) {
    if (ownsStore()) {
      b.close();
    }
  }
}
