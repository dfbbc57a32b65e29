package dev.mlops.serving;

import dev.mlops.api.StorageBackend;

class FileEndpointTest extends EndpointContract {
  @Override
  StorageBackend newBackend() {
    return StorageBackend.open("file:" + dir.resolve("store"));
  }
}
