package dev.mlops.api.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageUri;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.spi.StoreProvider;
import java.util.Set;

/**
 * The shape of each domain module's one provider for the built-in URIs: an in-memory store per
 * {@code mem:} name, and an SQL store on the backend's {@link Database} for {@code file:} (SQLite)
 * and {@code jdbc:postgresql:}.
 *
 * @param <T> the store type offered
 */
public abstract class BuiltInStoreProvider<T> implements StoreProvider {
  private final Class<T> type;

  protected BuiltInStoreProvider(Class<T> type) {
    this.type = type;
  }

  @Override
  public Set<String> schemes() {
    return BuiltInSchemes.SCHEMES;
  }

  @Override
  public boolean supports(StorageUri uri) {
    return BuiltInSchemes.supports(uri);
  }

  @Override
  public Set<Class<?>> storeTypes() {
    return Set.of(type);
  }

  @Override
  public <S> S create(Class<S> requested, StorageBackend backend) {
    if (requested != type) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " offers " + type.getSimpleName() + ", not " + requested.getSimpleName());
    }
    return requested.cast(backend.scheme().equals("mem") ? mem(backend) : sql(Database.of(backend), backend));
  }

  /** The store of a {@code mem:} backend. */
  protected abstract T mem(StorageBackend backend);

  /** The store of a {@code file:} or {@code jdbc:} backend. */
  protected abstract T sql(Database db, StorageBackend backend);
}
