package dev.mlops.registry;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.PostgresServer;

class PostgresModelRegistryTest extends ModelRegistryContract {
  private SqlTamper tamper;

  @Override
  StorageBackend newBackend() {
    String url = PostgresServer.newDatabase();
    tamper = new SqlTamper(url);
    return StorageBackend.open(url);
  }

  @Override
  void tamperEdit(long seq, String actor) {
    tamper.edit(seq, actor);
  }

  @Override
  void tamperDelete(long seq) {
    tamper.delete(seq);
  }

  @Override
  void tamperSwap(long a, long b) {
    tamper.swap(a, b);
  }

  @Override
  void tamperAppend(dev.mlops.api.registry.AuditEntry forged) {
    tamper.append(forged);
  }
}
