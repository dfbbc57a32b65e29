package dev.mlops.retraining.internal;

import dev.mlops.api.internal.SharedByName;
import dev.mlops.api.retraining.RetrainingStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The retraining store of {@code mem:NAME} backends: every method holds the store's monitor. */
public final class MemRetrainingStore implements RetrainingStore {
  private static final SharedByName<MemRetrainingStore> SHARED = new SharedByName<>(MemRetrainingStore::new);
  private final String name;
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, StoredTrigger> triggers = new LinkedHashMap<>();
  private final Map<String, StoredRetraining> retrainings = new LinkedHashMap<>();

  private MemRetrainingStore(String name) {
    this.name = name;
  }

  /** The store of {@code mem:name}. */
  public static MemRetrainingStore open(String name) {
    return SHARED.acquire(name);
  }

  private static String k(String loop, String key) {
    return loop + "\u0000" + key;
  }

  @Override
  public synchronized Optional<Lease> acquire(String loop, String holder, long now, long ttlMillis) {
    Lease current = leases.get(loop);
    long until = now + ttlMillis;
    Lease next;
    if (current != null && current.holder().equals(holder) && current.until() > now) {
      next = new Lease(loop, holder, current.epoch(), until);
    } else if (current != null && current.until() > now) {
      return Optional.empty();
    } else {
      next = new Lease(loop, holder, current == null ? 1 : current.epoch() + 1, until);
    }
    leases.put(loop, next);
    return Optional.of(next);
  }

  private boolean current(Lease lease, long now) {
    Lease l = leases.get(lease.loop());
    return l != null && l.epoch() == lease.epoch() && l.holder().equals(lease.holder()) && l.until() > now;
  }

  @Override
  public synchronized boolean release(Lease lease) {
    Lease l = leases.get(lease.loop());
    if (l == null || l.epoch() != lease.epoch() || !l.holder().equals(lease.holder())) {
      return false;
    }
    leases.put(lease.loop(), new Lease(l.loop(), l.holder(), l.epoch(), 0));
    return true;
  }

  @Override
  public synchronized Optional<Lease> lease(String loop) {
    return Optional.ofNullable(leases.get(loop));
  }

  @Override
  public synchronized boolean addTrigger(StoredTrigger t) {
    return triggers.putIfAbsent(k(t.loop(), t.key()), t) == null;
  }

  @Override
  public synchronized List<StoredTrigger> triggers(String loop, boolean pendingOnly, long fromTime, int limit) {
    return triggers.values().stream().filter(t -> t.loop().equals(loop) && t.time() >= fromTime && (!pendingOnly || t.retraining() == null))
        .sorted(Comparator.comparingLong(StoredTrigger::time).thenComparing(StoredTrigger::key)).limit(Math.max(0, limit)).toList();
  }

  @Override
  public synchronized boolean begin(Lease lease, long now, StoredRetraining r, List<String> triggerKeys) {
    if (!current(lease, now) || retrainings.containsKey(k(r.loop(), r.id()))) {
      return false;
    }
    for (String key : triggerKeys) {
      StoredTrigger t = triggers.get(k(r.loop(), key));
      if (t == null || t.retraining() != null) {
        return false;
      }
    }
    for (String key : triggerKeys) {
      StoredTrigger t = triggers.get(k(r.loop(), key));
      triggers.put(k(r.loop(), key), new StoredTrigger(t.loop(), t.key(), t.time(), t.json(), r.id()));
    }
    retrainings.put(k(r.loop(), r.id()), r);
    return true;
  }

  @Override
  public synchronized boolean update(Lease lease, long now, StoredRetraining r) {
    StoredRetraining old = retrainings.get(k(r.loop(), r.id()));
    if (!current(lease, now) || old == null) {
      return false;
    }
    retrainings.put(k(r.loop(), r.id()), new StoredRetraining(old.loop(), old.id(), old.created(), r.updated(), r.state(), old.epoch(),
        r.json()));
    return true;
  }

  @Override
  public synchronized boolean close(Lease lease, long now, List<String> triggerKeys, String marker) {
    if (!current(lease, now)) {
      return false;
    }
    for (String key : triggerKeys) {
      StoredTrigger t = triggers.get(k(lease.loop(), key));
      if (t != null && t.retraining() == null) {
        triggers.put(k(lease.loop(), key), new StoredTrigger(t.loop(), t.key(), t.time(), t.json(), marker));
      }
    }
    return true;
  }

  @Override
  public synchronized boolean requeue(Lease lease, long now, String retrainingId) {
    if (!current(lease, now)) {
      return false;
    }
    for (Map.Entry<String, StoredTrigger> e : triggers.entrySet()) {
      StoredTrigger t = e.getValue();
      if (t.loop().equals(lease.loop()) && retrainingId.equals(t.retraining())) {
        e.setValue(new StoredTrigger(t.loop(), t.key(), t.time(), t.json(), null));
      }
    }
    return true;
  }

  @Override
  public synchronized List<StoredRetraining> retrainings(String loop, long fromTime, int limit) {
    List<StoredRetraining> out = new ArrayList<>();
    for (StoredRetraining r : retrainings.values()) {
      if (r.loop().equals(loop) && r.created() >= fromTime) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparingLong(StoredRetraining::created).thenComparing(StoredRetraining::id));
    return out.subList(0, Math.min(out.size(), Math.max(0, limit)));
  }

  @Override
  public synchronized List<String> loops() {
    java.util.TreeSet<String> names = new java.util.TreeSet<>(leases.keySet());
    triggers.values().forEach(t -> names.add(t.loop()));
    retrainings.values().forEach(r -> names.add(r.loop()));
    return List.copyOf(names);
  }

  @Override
  public synchronized Optional<StoredRetraining> retraining(String loop, String id) {
    return Optional.ofNullable(retrainings.get(k(loop, id)));
  }

  @Override
  public void close() {
    SHARED.release(name);
  }
}
