package dev.mlops.registry;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.registry.internal.MemRegistryStore;
import java.util.List;

class MemModelRegistryTest extends ModelRegistryContract {
  @Override
  StorageBackend newBackend() {
    return Backends.mem();
  }

  private MemRegistryStore mem() {
    return (MemRegistryStore) backend.store(RegistryStore.class);
  }

  private int index(long seq) {
    List<AuditEntry> all = mem().audit(Long.MIN_VALUE, Integer.MAX_VALUE);
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).seq() == seq) {
        return i;
      }
    }
    throw new IllegalArgumentException("no entry " + seq);
  }

  @Override
  void tamperEdit(long seq, String actor) {
    AuditEntry e = mem().audit(seq - 1, 1).get(0);
    mem().tamperAudit(index(seq), new AuditEntry(e.seq(), e.time(), actor, e.action(), e.target(), e.before(), e.after(), e.reason(),
        e.prevHash(), e.hash()));
  }

  @Override
  void tamperDelete(long seq) {
    mem().tamperAudit(index(seq), null);
  }

  @Override
  void tamperSwap(long a, long b) {
    AuditEntry x = mem().audit(a - 1, 1).get(0);
    AuditEntry y = mem().audit(b - 1, 1).get(0);
    mem().tamperAudit(index(a), new AuditEntry(a, y.time(), y.actor(), y.action(), y.target(), y.before(), y.after(), y.reason(), y.prevHash(), y.hash()));
    mem().tamperAudit(index(b), new AuditEntry(b, x.time(), x.actor(), x.action(), x.target(), x.before(), x.after(), x.reason(), x.prevHash(), x.hash()));
  }

  @Override
  void tamperAppend(AuditEntry forged) {
    mem().tamperAudit(-1, forged);
  }
}
