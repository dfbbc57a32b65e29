package dev.mlops.api;

import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.spi.StoreProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Where state lives, chosen by URI. One backend serves every domain: the tracking store, the
 * artifact store and the stores later modules add.
 *
 * <ul>
 *   <li>{@code mem:NAME}: in-process; backends opened with the same name in one JVM share state
 *       until the last is closed.
 *   <li>{@code file:PATH}: the embedded default, one directory: an SQLite database in WAL mode
 *       ({@code mlops.db}) for metadata and plain files for artifacts. Safe with several
 *       processes; a returned write survives a killed process.
 *   <li>{@code jdbc:postgresql://HOST/DB?user=..&password=..}: PostgreSQL shared by many JVMs, or
 *       any URI with a user-supplied {@link DataSource} ({@link #open(String, DataSource)}).
 *   <li>any scheme a third-party jar registers through {@link StoreProvider}.
 * </ul>
 *
 * <p>Thread-safe. Close it to release files, connections and pools.
 */
public final class StorageBackend implements AutoCloseable {
  private static final List<StoreProvider> REGISTERED = new CopyOnWriteArrayList<>();
  /** Schemes the library itself defines; their stores come from the domain modules. */
  private static final List<String> BUILT_IN = List.of("mem", "file", "jdbc");

  private final String uri;
  private final String scheme;
  private final String location;
  private final DataSource userDataSource;
  private final Map<Class<?>, Object> stores = new ConcurrentHashMap<>();
  private final Map<Object, Object> attachments = new ConcurrentHashMap<>();
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private volatile boolean closed;

  private StorageBackend(String uri, String scheme, String location, DataSource dataSource) {
    this.uri = uri;
    this.scheme = scheme;
    this.location = location;
    this.userDataSource = dataSource;
  }

  /**
   * Opens a backend. Nothing is created until a store is asked for.
   *
   * @throws InvalidArgumentException if the URI is malformed or its scheme is unknown (the message
   *     lists the known schemes)
   */
  public static StorageBackend open(String uri) {
    return open(uri, null);
  }

  /** Opens a backend whose database connections come from {@code dataSource} (may be null). */
  public static StorageBackend open(String uri, DataSource dataSource) {
    Validation.notNull("storage uri", uri);
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      throw InvalidArgumentException.of("storage uri", uri, "must start with a scheme such as mem:, file: or jdbc: (known: " + knownSchemes() + ")");
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!knownSchemes().contains(scheme)) {
      throw InvalidArgumentException.of("storage uri", uri, "unknown scheme '" + scheme + "'; known schemes: " + knownSchemes());
    }
    String location = uri.substring(colon + 1);
    if (scheme.equals("file")) {
      if (location.startsWith("//")) {
        location = location.substring(2);
      }
      if (location.isEmpty()) {
        throw InvalidArgumentException.of("storage uri", uri, "file: needs a directory path, for example file:./mlops");
      }
    }
    if (scheme.equals("mem") && location.isEmpty()) {
      location = "default";
    }
    return new StorageBackend(uri, scheme, location, dataSource);
  }

  /** Registers a provider explicitly, for code that does not want classpath scanning. */
  public static void register(StoreProvider provider) {
    Validation.notNull("provider", provider);
    REGISTERED.add(provider);
  }

  /** The schemes that {@link #open} accepts: the built-in ones plus every provider's. */
  public static List<String> knownSchemes() {
    TreeSet<String> s = new TreeSet<>(BUILT_IN);
    for (StoreProvider p : providers()) {
      s.add(p.scheme().toLowerCase(Locale.ROOT));
    }
    return List.copyOf(s);
  }

  private static List<StoreProvider> providers() {
    List<StoreProvider> all = new ArrayList<>(REGISTERED);
    for (StoreProvider p : ServiceLoader.load(StoreProvider.class, StorageBackend.class.getClassLoader())) {
      all.add(p);
    }
    ClassLoader ctx = Thread.currentThread().getContextClassLoader();
    if (ctx != null && ctx != StorageBackend.class.getClassLoader()) {
      for (StoreProvider p : ServiceLoader.load(StoreProvider.class, ctx)) {
        all.add(p);
      }
    }
    Map<String, StoreProvider> unique = new LinkedHashMap<>();
    for (StoreProvider p : all) {
      unique.putIfAbsent(p.getClass().getName() + "@" + p.scheme(), p);
    }
    return List.copyOf(unique.values());
  }

  /** The URI this backend was opened with. */
  public String uri() {
    return uri;
  }

  /** The scheme, lower case, without the colon. */
  public String scheme() {
    return scheme;
  }

  /** The URI without its scheme: the name for {@code mem:}, the directory for {@code file:}. */
  public String location() {
    return location;
  }

  /** The data source the caller supplied, if any. */
  public Optional<DataSource> userDataSource() {
    return Optional.ofNullable(userDataSource);
  }

  /**
   * The store of {@code type}, made on first use by the first provider of this scheme that serves
   * it, then shared.
   *
   * @throws MlopsException if no provider on the classpath serves this type for this scheme
   */
  public <S> S store(Class<S> type) {
    ensureOpen();
    Object s = stores.get(type);
    if (s == null) {
      synchronized (this) {
        ensureOpen();
        s = stores.get(type);
        if (s == null) {
          s = createStore(type);
          stores.put(type, s);
          if (s instanceof AutoCloseable c) {
            closeables.push(c);
          }
        }
      }
    }
    return type.cast(s);
  }

  private <S> S createStore(Class<S> type) {
    for (StoreProvider p : providers()) {
      if (p.scheme().equalsIgnoreCase(scheme)) {
        Optional<S> s = p.create(type, this);
        if (s.isPresent()) {
          return s.get();
        }
      }
    }
    throw new MlopsException("no provider of " + type.getSimpleName() + " for scheme '" + scheme
        + ":' on the classpath (add the module that implements it, or register a StoreProvider)");
  }

  /**
   * A resource shared by the stores of this backend (for example one database connection pool),
   * made on first use and closed with the backend if it is {@link AutoCloseable}.
   */
  public <T> T shared(Object key, Supplier<T> factory) {
    ensureOpen();
    Object v = attachments.get(key);
    if (v == null) {
      synchronized (this) {
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

  /**
   * The SQL database of a {@code file:} or {@code jdbc:} backend, opened on first use: SQLite in
   * the store directory, or PostgreSQL.
   */
  public Database database() {
    return shared(Database.class, () -> Database.forBackend(this));
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("storage backend " + uri + " is closed");
    }
  }

  /** Closes every store and shared resource, stores first. */
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
}
