package dev.mlops.serving;

import dev.mlops.api.StorageBackend;
import java.util.UUID;

class MemEndpointTest extends EndpointContract {
  @Override
  StorageBackend newBackend() {
    return StorageBackend.open("mem:serving-" + UUID.randomUUID());
  }
}
