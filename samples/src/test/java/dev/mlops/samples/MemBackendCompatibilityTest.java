package dev.mlops.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.testkit.StorageBackendCompatibilityKit;
import java.util.UUID;

/** The built-in {@code mem:} backend passes the compatibility kit. */
class MemBackendCompatibilityTest extends StorageBackendCompatibilityKit {
  @Override
  protected StorageBackend newBackend() {
    return StorageBackend.open("mem:kit-" + UUID.randomUUID());
  }

  /** The last backend of a name releases its state: a new backend of the same name starts empty. */
  @Override
  protected void assertNoLeaks(StorageBackend closed) {
    super.assertNoLeaks(closed);
    try (StorageBackend again = StorageBackend.open(closed.uri())) {
      assertTrue(again.store(RegistryStore.class).read(v -> v.models()).isEmpty(), "registry state was released");
      assertTrue(again.store(MonitoringStore.class).profileKeys("m", "").isEmpty(), "monitoring state was released");
    }
  }
}
