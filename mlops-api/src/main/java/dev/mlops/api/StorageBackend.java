package dev.mlops.api;

import dev.mlops.api.internal.Validation;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.spi.StoreProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where state lives, chosen by URI. One backend serves every domain: the tracking store, the
 * artifact store, the registry and monitoring stores.
 *
 * <ul>
 *   <li>{@code mem:NAME}: in-process; backends opened with the same name in one JVM share state
 *       until the last is closed.
 *   <li>{@code file:PATH}: the embedded default, one directory: an SQLite database in WAL mode
 *       ({@code mlops.db}) for metadata and plain files for artifacts. Safe with several
 *       processes; a returned write survives a killed process. {@code ?sync=full} also survives
 *       power loss.
 *   <li>{@code jdbc:postgresql://HOST[:PORT]/DB?user=..&password=..}: PostgreSQL shared by many
 *       JVMs (needs the {@code org.postgresql:postgresql} driver and {@code com.zaxxer:HikariCP} on
 *       the class path), or a {@code jdbc:postgresql:} URI with a {@link DataSource} the caller
 *       supplies ({@link #open(String, DataSource)}).
 *   <li>any URI a {@link StoreProvider} supports, found with {@link ServiceLoader} or given to
 *       {@link #builder()}.
 * </ul>
 *
 * <p>Thread-safe. Close it to release files, connections and pools.
 */
public final class StorageBackend implements AutoCloseable {
  private final StorageUri uri;
  private final @Nullable DataSource userDataSource;
  private final List<StoreProvider> providers;
  private final Map<Class<?>, Object> stores = new ConcurrentHashMap<>();
  private final Map<Object, Object> attachments = new ConcurrentHashMap<>();
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private volatile boolean closed;

  private StorageBackend(StorageUri uri, @Nullable DataSource dataSource, List<StoreProvider> providers) {
    this.uri = uri;
    this.userDataSource = dataSource;
    this.providers = providers;
  }

  /**
   * Opens a backend with the providers found on the class path. Nothing is created until a store
   * is asked for.
   *
   * @throws InvalidArgumentException if the URI is malformed or no provider supports it (the
   *     message lists the supported schemes; secrets in the URI are masked)
   */
  public static StorageBackend open(String uri) {
    return builder().uri(uri).build();
  }

  /**
   * Opens a backend whose database connections come from {@code dataSource} (for example a pool
   * the application already has).
   *
   * @throws InvalidArgumentException as {@link #open(String)}
   */
  public static StorageBackend open(String uri, DataSource dataSource) {
    return builder().uri(uri).dataSource(dataSource).build();
  }

  /**
   * Opens a backend on a store that must already exist, for tools that only read one: a
   * {@code file:} URI whose directory holds no store is refused instead of becoming a new, empty
   * store (see {@link Builder#existingStoreOnly(boolean)}).
   *
   * @throws NotFoundException if a {@code file:} URI names no store (the message names the path and
   *     how to create one); nothing is created
   * @throws InvalidArgumentException as {@link #open(String)}
   */
  public static StorageBackend openExisting(String uri) {
    return builder().uri(uri).existingStoreOnly(true).build();
  }

  /** A builder, for explicit providers or a data source. */
  public static Builder builder() {
    return new Builder();
  }

  /** The schemes the providers found on the class path serve. */
  public static List<String> knownSchemes() {
    return schemesOf(discovered());
  }

  private static List<String> schemesOf(List<StoreProvider> providers) {
    TreeSet<String> s = new TreeSet<>();
    for (StoreProvider p : providers) {
      s.addAll(p.schemes());
    }
    return List.copyOf(s);
  }

  private static List<StoreProvider> discovered() {
    List<StoreProvider> all = new ArrayList<>();
    for (StoreProvider p : ServiceLoader.load(StoreProvider.class, StorageBackend.class.getClassLoader())) {
      all.add(p);
    }
    ClassLoader ctx = Thread.currentThread().getContextClassLoader();
    if (ctx != null && ctx != StorageBackend.class.getClassLoader()) {
      for (StoreProvider p : ServiceLoader.load(StoreProvider.class, ctx)) {
        all.add(p);
      }
    }
    return all;
  }

  /** The URI this backend was opened with (it may contain a password: log {@link #storageUri()}, which masks it). */
  public String uri() {
    return uri.uri();
  }

  /** The parsed URI; its {@code toString()} masks secrets. */
  public StorageUri storageUri() {
    return uri;
  }

  /** The scheme, lower case, without the colon. */
  public String scheme() {
    return uri.scheme();
  }

  /** The URI without its scheme and query: the name for {@code mem:}, the directory for {@code file:}. */
  public String location() {
    return uri.location();
  }

  /** The data source the caller supplied, if any. */
  public Optional<DataSource> userDataSource() {
    return Optional.ofNullable(userDataSource);
  }

  /** Whether some provider of this backend offers {@code type} for its URI. */
  public boolean offers(Class<?> type) {
    return providerOf(type).isPresent();
  }

  /** The store types this backend's providers offer for its URI. */
  public Set<Class<?>> storeTypes() {
    Set<Class<?>> out = new LinkedHashSet<>();
    for (StoreProvider p : providers) {
      if (p.supports(uri)) {
        out.addAll(p.storeTypes());
      }
    }
    return out;
  }

  private Optional<StoreProvider> providerOf(Class<?> type) {
    for (StoreProvider p : providers) {
      if (p.supports(uri) && p.storeTypes().contains(type)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The store of {@code type}, made on first use by the first provider that supports this URI and
   * offers the type, then shared.
   *
   * @throws MlopsException if no provider offers this type for this URI (the message names the
   *     module to add)
   */
  public <S> S store(Class<S> type) {
    ensureOpen();
    Object s = stores.get(type);
    if (s == null) {
      synchronized (this) {
        ensureOpen();
        s = stores.get(type);
        if (s == null) {
          StoreProvider p = providerOf(type).orElseThrow(() -> new MlopsException("no provider of " + type.getSimpleName()
              + " for " + uri + " (add the module that implements it, for example mlops-" + moduleHint(type)
              + ", or give a StoreProvider to StorageBackend.builder())"));
          s = type.cast(p.create(type, this));
          stores.put(type, s);
          if (s instanceof AutoCloseable c) {
            closeables.push(c);
          }
        }
      }
    }
    return type.cast(s);
  }

  private static String moduleHint(Class<?> type) {
    String n = type.getSimpleName();
    return n.startsWith("Tracking") ? "tracking" : n.startsWith("Registry") ? "registry" : n.startsWith("Monitoring") ? "monitoring" : "api";
  }

  /**
   * A resource shared by the stores of this backend (for example one database connection pool),
   * made on first use and closed with the backend, after the stores, if it is {@link AutoCloseable}.
   */
  public <T> T shared(Object key, Supplier<T> factory) {
    ensureOpen();
    Object v = attachments.get(key);
    if (v == null) {
      synchronized (this) {
        ensureOpen();
        v = attachments.get(key);
        if (v == null) {
          v = factory.get();
          attachments.put(key, v);
          if (v instanceof AutoCloseable c) {
            closeables.addLast(c);
          }
        }
      }
    }
    @SuppressWarnings("unchecked")
    T t = (T) v;
    return t;
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("storage backend " + uri + " is closed");
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Closes every store and shared resource, stores first. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    while (!closeables.isEmpty()) {
      try {
        closeables.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new StorageException("closing " + uri + " failed: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "StorageBackend[" + uri + "]";
  }

  /**
   * Builds a {@link StorageBackend}: a URI, optionally a data source, providers given explicitly
   * (asked first) and whether to also discover providers with {@link ServiceLoader} (default yes).
   * Reusable.
   */
  public static final class Builder {
    private @Nullable String uri;
    private @Nullable DataSource dataSource;
    private final List<StoreProvider> providers = new ArrayList<>();
    private boolean discover = true;
    private boolean existingStoreOnly;

    private Builder() {}

    /** The storage URI (required). */
    public Builder uri(String uri) {
      this.uri = StorageUri.parse(uri).uri();
      return this;
    }

    /** Database connections come from {@code dataSource} instead of the URI's own pool. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Validation.notNull("data source", dataSource);
      return this;
    }

    /** Adds a provider, asked before discovered ones in the order added. */
    public Builder provider(StoreProvider provider) {
      providers.add(Validation.notNull("provider", provider));
      return this;
    }

    /** Whether providers on the class path are discovered with {@link ServiceLoader} (default true). */
    public Builder discoverProviders(boolean discover) {
      this.discover = discover;
      return this;
    }

    /**
     * Whether {@link #build()} refuses a {@code file:} URI whose directory holds no store (no
     * {@code mlops.db}) instead of letting the first store asked for create it (default false: the
     * library's writers, such as a tracker or a registry, create their store). For tools that only
     * read a store, where a mistyped path would otherwise show an empty store and leave a new
     * directory behind. {@code mem:} and {@code jdbc:} URIs open as without it.
     */
    public Builder existingStoreOnly(boolean existingOnly) {
      this.existingStoreOnly = existingOnly;
      return this;
    }

    /**
     * Opens the backend.
     *
     * @throws InvalidArgumentException if no URI was given or no provider supports it
     * @throws NotFoundException with {@link #existingStoreOnly(boolean)}, if a {@code file:} URI
     *     names no store; nothing is created
     */
    public StorageBackend build() {
      if (uri == null) {
        throw InvalidArgumentException.of("storage uri", "(none)", "is required: call uri(...)");
      }
      StorageUri parsed = StorageUri.parse(uri);
      List<StoreProvider> all = new ArrayList<>(providers);
      if (discover) {
        Set<String> seen = new LinkedHashSet<>();
        for (StoreProvider p : all) {
          seen.add(p.getClass().getName());
        }
        for (StoreProvider p : discovered()) {
          if (seen.add(p.getClass().getName())) {
            all.add(p);
          }
        }
      }
      if (all.stream().noneMatch(p -> p.supports(parsed))) {
        String supported = String.join(", ", schemesOf(all).stream().map(s -> s.equals("jdbc") ? "jdbc:postgresql:" : s + ":").toList());
        String rule = parsed.scheme().equals("jdbc")
            ? "database '" + parsed.subProtocol() + "' is not supported; supported: " + supported
                + (parsed.subProtocol().equals("postgresql") ? "" : " (jdbc: serves PostgreSQL only)")
            : "unknown scheme '" + parsed.scheme() + "'; supported: " + (supported.isEmpty() ? "none (no provider found)" : supported);
        throw InvalidArgumentException.of("storage uri", parsed.toString(), rule);
      }
      if (existingStoreOnly && parsed.scheme().equals("file")) {
        Database.requireExistingStore(parsed);
      }
      return new StorageBackend(parsed, dataSource, List.copyOf(all));
    }
  }
}
