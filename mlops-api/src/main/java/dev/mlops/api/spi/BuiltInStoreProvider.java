package dev.mlops.api.spi;

import dev.mlops.api.StorageBackend;
import java.util.Optional;
import java.util.function.Function;

/**
 * A provider of one store type for one scheme, made from a factory: the shape of every built-in
 * provider. Subclass it with a public no-argument constructor for {@link java.util.ServiceLoader}.
 *
 * @param <T> the store type served
 */
public abstract class BuiltInStoreProvider<T> implements StoreProvider {
  private final String scheme;
  private final Class<T> type;
  private final Function<StorageBackend, ? extends T> factory;

  protected BuiltInStoreProvider(String scheme, Class<T> type, Function<StorageBackend, ? extends T> factory) {
    this.scheme = scheme;
    this.type = type;
    this.factory = factory;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public <S> Optional<S> create(Class<S> requested, StorageBackend backend) {
    return requested == type ? Optional.of(requested.cast(factory.apply(backend))) : Optional.empty();
  }
}
