package dev.mlops.api.spi;

import dev.mlops.api.StorageBackend;
import java.util.Optional;

/**
 * Makes stores for one URI scheme. Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.mlops.api.spi.StoreProvider}) or registered with
 * {@link StorageBackend#register(StoreProvider)}. A provider may serve some store types only;
 * several providers may share a scheme (each domain module ships its own for the built-in schemes).
 */
public interface StoreProvider {
  /** The URI scheme served, without the colon, lower case (for example {@code mem}). */
  String scheme();

  /**
   * Makes a store of {@code type} for {@code backend}, or returns empty if this provider does not
   * serve that type. Called at most once per backend and type; the backend closes the store.
   */
  <S> Optional<S> create(Class<S> type, StorageBackend backend);
}
