package com.example.casstore;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageUri;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.api.spi.StoreProvider;
import java.nio.file.Path;
import java.util.Set;

/**
 * A third-party backend, {@code cas:DIR}: artifacts in a {@link ContentAddressedArtifactStore} of
 * its own, everything else in the library's embedded store in the same directory. It shows the
 * whole path of a backend author: one provider that says which URIs it supports and which stores
 * it offers, registered with {@code StorageBackend.builder().provider(...)} (or listed in
 * {@code META-INF/services/dev.mlops.api.spi.StoreProvider}), and proven by
 * {@code StorageBackendCompatibilityKit}.
 */
public final class CasStorageProvider implements StoreProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("cas");
  }

  @Override
  public boolean supports(StorageUri uri) {
    return uri.scheme().equals("cas") && !uri.location().isBlank();
  }

  @Override
  public Set<Class<?>> storeTypes() {
    return Set.of(ArtifactStore.class, dev.mlops.api.tracking.TrackingStore.class, RegistryStore.class, MonitoringStore.class,
        dev.mlops.api.retraining.RetrainingStore.class);
  }

  @Override
  public <S> S create(Class<S> type, StorageBackend backend) {
    Path dir = Path.of(backend.location());
    if (type == ArtifactStore.class) {
      return type.cast(new ContentAddressedArtifactStore(dir.resolve("cas")));
    }
    // the metadata stores come from an embedded store in the same directory, opened once per backend and closed with it
    StorageBackend embedded = backend.shared(CasStorageProvider.class, () -> StorageBackend.open("file:" + dir.resolve("meta")));
    return embedded.store(type);
  }
}
