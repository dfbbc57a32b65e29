package dev.mlops.api.spi;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageUri;
import java.util.Set;

/**
 * Makes the stores of a storage backend: the one class a backend author writes. It declares the
 * URIs it {@linkplain #supports supports} and the store types it {@linkplain #storeTypes offers}
 * (for example {@code TrackingStore}, {@code RegistryStore}, {@code MonitoringStore},
 * {@code ArtifactStore}); a backend asks each provider in turn for the first that supports its URI
 * and offers the type it needs.
 *
 * <p>Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.mlops.api.spi.StoreProvider}) or given explicitly to
 * {@link StorageBackend#builder()}, which can also skip discovery. Prove a provider with
 * {@code dev.mlops.testkit.StorageBackendCompatibilityKit}.
 */
public interface StoreProvider {
  /** The URI schemes served, lower case, without the colon: for messages and the default {@link #supports}. */
  Set<String> schemes();

  /** Whether this provider serves {@code uri}; by default, whether its scheme is one of {@link #schemes()}. */
  default boolean supports(StorageUri uri) {
    return schemes().contains(uri.scheme());
  }

  /** The store interfaces this provider offers. */
  Set<Class<?>> storeTypes();

  /**
   * Makes a store of {@code type} (one of {@link #storeTypes()}) for {@code backend}. Called at most
   * once per backend and type; the backend closes the store if it is {@link AutoCloseable}.
   */
  <S> S create(Class<S> type, StorageBackend backend);
}
