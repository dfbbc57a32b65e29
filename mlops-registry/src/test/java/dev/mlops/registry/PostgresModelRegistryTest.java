package dev.mlops.registry;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.PostgresServer;

class PostgresModelRegistryTest extends SqlModelRegistryContract {
  @Override
  StorageBackend newBackend() {
    String url = PostgresServer.newDatabase();
    tamper = new SqlTamper(url);
    return StorageBackend.open(url);
  }
}
