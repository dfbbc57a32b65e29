package dev.mlops.registry;

import dev.mlops.api.registry.AuditEntry;

/** The registry contract on SQL backends, tampering through a separate JDBC connection. */
abstract class SqlModelRegistryContract extends ModelRegistryContract {
  SqlTamper tamper;

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
  void tamperAppend(AuditEntry forged) {
    tamper.append(forged);
  }
}
