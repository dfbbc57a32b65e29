package dev.mlops.registry.internal;

import dev.mlops.api.StorageException;
import dev.mlops.api.internal.SharedByName;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The registry store of {@code mem:NAME} backends. The state is an immutable snapshot replaced as a
 * whole when a transaction commits: a read uses the current snapshot without any lock, a write
 * works on a copy of the entity maps under the writers' lock. The audit trail and the event log
 * are append-only lists that a transaction extends only when it commits, so no transaction copies
 * them.
 */
public final class MemRegistryStore implements RegistryStore {
  private static final SharedByName<Shared> SHARED = new SharedByName<>(n -> new Shared());

  private final String name;
  private final Shared shared;

  /** The state of one {@code mem:} name, shared by its backends. */
  private static final class Shared {
    final Object writeLock = new Object();
    final Object logLock = new Object();
    volatile State state = new State();
    final List<AuditEntry> audit = new ArrayList<>();
    final List<RegistryEvent> events = new ArrayList<>();
    final Map<String, Long> cursors = new ConcurrentHashMap<>();
  }

  private static final class State {
    TreeMap<String, RegisteredModel> models = new TreeMap<>();
    Map<String, TreeMap<Integer, ModelVersion>> versions = new HashMap<>();
    Map<String, TreeMap<String, Integer>> aliases = new HashMap<>();
    LinkedHashMap<String, PromotionRequest> requests = new LinkedHashMap<>();
    @Nullable AuditEntry lastAudit;
    long lastEventSeq;

    State copy() {
      State s = new State();
      s.models = new TreeMap<>(models);
      versions.forEach((k, v) -> s.versions.put(k, new TreeMap<>(v)));
      aliases.forEach((k, v) -> s.aliases.put(k, new TreeMap<>(v)));
      s.requests = new LinkedHashMap<>(requests);
      s.lastAudit = lastAudit;
      s.lastEventSeq = lastEventSeq;
      return s;
    }
  }

  private MemRegistryStore(String name, Shared shared) {
    this.name = name;
    this.shared = shared;
  }

  /** The store of {@code mem:name}, shared by the backends of that name until the last closes it. */
  public static MemRegistryStore open(String name) {
    return new MemRegistryStore(name, SHARED.acquire(name));
  }

  @Override
  public <T> T transaction(Function<Tx, T> work) {
    synchronized (shared.writeLock) {
      State draft = shared.state.copy();
      MemTx tx = new MemTx(draft);
      T result = work.apply(tx);
      shared.state = draft;
      synchronized (shared.logLock) {
        shared.audit.addAll(tx.newAudit);
        shared.events.addAll(tx.newEvents);
      }
      return result;
    }
  }

  @Override
  public <T> T read(Function<View, T> work) {
    return work.apply(new MemView(shared.state));
  }

  @Override
  public List<AuditEntry> audit(long afterSeq, int limit) {
    synchronized (shared.logLock) {
      return shared.audit.stream().filter(e -> e.seq() > afterSeq).limit(limit).toList();
    }
  }

  @Override
  public List<RegistryEvent> events(long afterSeq, int limit) {
    synchronized (shared.logLock) {
      List<RegistryEvent> all = shared.events;
      // seq n is at index n - 1: no scan
      int from = (int) Math.min(Math.max(afterSeq, 0), all.size());
      return List.copyOf(all.subList(from, (int) Math.min(all.size(), from + (long) limit)));
    }
  }

  @Override
  public long lastEventSeq() {
    synchronized (shared.logLock) {
      return shared.events.size();
    }
  }

  @Override
  public long cursor(String consumer) {
    return shared.cursors.getOrDefault(consumer, 0L);
  }

  @Override
  public void saveCursor(String consumer, long seq) {
    shared.cursors.put(consumer, seq);
  }

  /**
   * Replaces (or, with a null replacement, removes; with index -1, appends) an audit entry behind
   * the registry's back: for tests that prove tampering is detected.
   */
  public void tamperAudit(int index, @Nullable AuditEntry replacement) {
    synchronized (shared.logLock) {
      if (index < 0) {
        shared.audit.add(replacement);
      } else if (replacement == null) {
        shared.audit.remove(index);
      } else {
        shared.audit.set(index, replacement);
      }
    }
  }

  @Override
  public void close() {
    SHARED.release(name);
  }

  private static class MemView implements View {
    final State s;

    MemView(State s) {
      this.s = s;
    }

    @Override
    public Optional<RegisteredModel> model(String name) {
      return Optional.ofNullable(s.models.get(name));
    }

    @Override
    public List<RegisteredModel> models() {
      return List.copyOf(s.models.values());
    }

    @Override
    public Optional<ModelVersion> version(String name, int version) {
      TreeMap<Integer, ModelVersion> m = s.versions.get(name);
      return m == null ? Optional.empty() : Optional.ofNullable(m.get(version));
    }

    @Override
    public List<ModelVersion> versions(String name) {
      TreeMap<Integer, ModelVersion> m = s.versions.get(name);
      return m == null ? List.of() : List.copyOf(m.values());
    }

    @Override
    public Map<String, Integer> aliases(String name) {
      TreeMap<String, Integer> m = s.aliases.get(name);
      return m == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(m));
    }

    @Override
    public Optional<PromotionRequest> request(String id) {
      return Optional.ofNullable(s.requests.get(id));
    }

    @Override
    public List<PromotionRequest> requests(String name) {
      return s.requests.values().stream().filter(r -> r.model().equals(name)).toList();
    }

    @Override
    public Optional<AuditEntry> lastAudit() {
      return Optional.ofNullable(s.lastAudit);
    }
  }

  private final class MemTx extends MemView implements Tx {
    final List<AuditEntry> newAudit = new ArrayList<>();
    final List<RegistryEvent> newEvents = new ArrayList<>();

    MemTx(State s) {
      super(s);
    }

    @Override
    public Optional<AuditEntry> lastAudit() {
      if (!newAudit.isEmpty()) {
        return Optional.of(newAudit.get(newAudit.size() - 1));
      }
      synchronized (shared.logLock) {
        // the stored trail, as a tampering test may have left it
        return shared.audit.isEmpty() ? Optional.empty() : Optional.of(shared.audit.get(shared.audit.size() - 1));
      }
    }

    @Override
    public void putModel(RegisteredModel model) {
      s.models.put(model.name(), model);
    }

    @Override
    public void deleteModel(String name) {
      s.models.remove(name);
      s.versions.remove(name);
      s.aliases.remove(name);
      s.requests.values().removeIf(r -> r.model().equals(name));
    }

    @Override
    public void putVersion(ModelVersion v) {
      s.versions.computeIfAbsent(v.name(), k -> new TreeMap<>()).put(v.version(), v);
    }

    @Override
    public void deleteVersion(String name, int version) {
      TreeMap<Integer, ModelVersion> m = s.versions.get(name);
      if (m != null) {
        m.remove(version);
      }
    }

    @Override
    public void putAlias(String name, String alias, int version) {
      s.aliases.computeIfAbsent(name, k -> new TreeMap<>()).put(alias, version);
    }

    @Override
    public void deleteAlias(String name, String alias) {
      TreeMap<String, Integer> m = s.aliases.get(name);
      if (m != null) {
        m.remove(alias);
      }
    }

    @Override
    public void putRequest(PromotionRequest request) {
      s.requests.put(request.id(), request);
    }

    @Override
    public void appendAudit(AuditEntry entry) {
      long expected = lastAudit().map(a -> a.seq() + 1).orElse(1L);
      if (entry.seq() != expected) {
        throw new StorageException("audit entry seq " + entry.seq() + " does not follow " + (expected - 1));
      }
      newAudit.add(entry);
      s.lastAudit = entry;
    }

    @Override
    public long appendEvent(RegistryEvent event) {
      long seq = ++s.lastEventSeq;
      newEvents.add(event.withSeq(seq));
      return seq;
    }
  }
}
