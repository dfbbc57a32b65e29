package dev.mlops.registry.internal;

import dev.mlops.api.StorageException;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The registry store of {@code mem:NAME} backends. A transaction works on a copy of the state that
 * replaces the state only when the work returns, under one lock.
 */
public final class MemRegistryStore implements RegistryStore {
  private static final Map<String, MemRegistryStore> SHARED = new HashMap<>();

  private final String name;
  private int refs;
  private State state = new State();

  private static final class State {
    TreeMap<String, RegisteredModel> models = new TreeMap<>();
    Map<String, TreeMap<Integer, ModelVersion>> versions = new HashMap<>();
    Map<String, TreeMap<String, Integer>> aliases = new HashMap<>();
    LinkedHashMap<String, PromotionRequest> requests = new LinkedHashMap<>();
    List<AuditEntry> audit = new ArrayList<>();
    List<RegistryEvent> events = new ArrayList<>();
    Map<String, Long> cursors = new HashMap<>();

    State copy() {
      State s = new State();
      s.models = new TreeMap<>(models);
      versions.forEach((k, v) -> s.versions.put(k, new TreeMap<>(v)));
      aliases.forEach((k, v) -> s.aliases.put(k, new TreeMap<>(v)));
      s.requests = new LinkedHashMap<>(requests);
      s.audit = new ArrayList<>(audit);
      s.events = new ArrayList<>(events);
      s.cursors = new HashMap<>(cursors);
      return s;
    }
  }

  private MemRegistryStore(String name) {
    this.name = name;
  }

  /** The store of {@code mem:name}, shared by the backends of that name until the last closes it. */
  public static MemRegistryStore open(String name) {
    synchronized (SHARED) {
      MemRegistryStore s = SHARED.computeIfAbsent(name, MemRegistryStore::new);
      s.refs++;
      return s;
    }
  }

  @Override
  public synchronized <T> T transaction(Function<Tx, T> work) {
    State draft = state.copy();
    T result = work.apply(new MemTx(draft));
    state = draft;
    return result;
  }

  @Override
  public synchronized List<AuditEntry> audit(long afterSeq, int limit) {
    return state.audit.stream().filter(e -> e.seq() > afterSeq).limit(limit).toList();
  }

  @Override
  public synchronized List<RegistryEvent> events(long afterSeq, int limit) {
    return state.events.stream().filter(e -> e.seq() > afterSeq).limit(limit).toList();
  }

  @Override
  public synchronized long cursor(String consumer) {
    return state.cursors.getOrDefault(consumer, 0L);
  }

  @Override
  public synchronized void saveCursor(String consumer, long seq) {
    state.cursors.put(consumer, seq);
  }

  /**
   * Replaces (or, with a null replacement, removes; with index -1, appends) an audit entry behind
   * the registry's back: for tests that prove tampering is detected.
   */
  public synchronized void tamperAudit(int index, AuditEntry replacement) {
    if (index < 0) {
      state.audit.add(replacement);
    } else if (replacement == null) {
      state.audit.remove(index);
    } else {
      state.audit.set(index, replacement);
    }
  }

  @Override
  public void close() {
    synchronized (SHARED) {
      if (--refs == 0) {
        SHARED.remove(name);
      }
    }
  }

  private static final class MemTx implements Tx {
    private final State s;

    MemTx(State s) {
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
    public Optional<ModelVersion> version(String name, int version) {
      return Optional.ofNullable(s.versions.getOrDefault(name, new TreeMap<>()).get(version));
    }

    @Override
    public List<ModelVersion> versions(String name) {
      return List.copyOf(s.versions.getOrDefault(name, new TreeMap<>()).values());
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
    public Map<String, Integer> aliases(String name) {
      return Map.copyOf(s.aliases.getOrDefault(name, new TreeMap<>()));
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
    public Optional<PromotionRequest> request(String id) {
      return Optional.ofNullable(s.requests.get(id));
    }

    @Override
    public List<PromotionRequest> requests(String name) {
      return s.requests.values().stream().filter(r -> r.model().equals(name)).toList();
    }

    @Override
    public void putRequest(PromotionRequest request) {
      s.requests.put(request.id(), request);
    }

    @Override
    public Optional<AuditEntry> lastAudit() {
      return s.audit.isEmpty() ? Optional.empty() : Optional.of(s.audit.get(s.audit.size() - 1));
    }

    @Override
    public void appendAudit(AuditEntry entry) {
      long expected = s.audit.isEmpty() ? 1 : s.audit.get(s.audit.size() - 1).seq() + 1;
      if (entry.seq() != expected) {
        throw new StorageException("audit entry seq " + entry.seq() + " does not follow " + (expected - 1));
      }
      s.audit.add(entry);
    }

    @Override
    public long appendEvent(String model, String type, String payload, long time) {
      long seq = s.events.size() + 1L;
      s.events.add(new RegistryEvent(seq, model, type, payload, time));
      return seq;
    }
  }
}
