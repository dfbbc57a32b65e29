package dev.mlops.monitoring.internal;

import dev.mlops.api.internal.SharedByName;
import dev.mlops.api.monitoring.MonitoringStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The monitoring store of {@code mem:NAME} backends. */
public final class MemMonitoringStore implements MonitoringStore {
  private static final SharedByName<MemMonitoringStore> SHARED = new SharedByName<>(MemMonitoringStore::new);
  private final String name;
  private final Map<String, byte[]> profiles = new HashMap<>();
  private final List<StoredRecord> reports = new ArrayList<>();
  private final List<StoredRecord> alerts = new ArrayList<>();

  private MemMonitoringStore(String name) {
    this.name = name;
  }

  /** The store of {@code mem:name}. */
  public static MemMonitoringStore open(String name) {
    return SHARED.acquire(name);
  }

  @Override
  public synchronized void putProfile(String monitor, String key, byte[] profile) {
    profiles.put(monitor + "\u0000" + key, profile.clone());
  }

  @Override
  public synchronized Optional<byte[]> profile(String monitor, String key) {
    byte[] b = profiles.get(monitor + "\u0000" + key);
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  @Override
  public synchronized List<String> profileKeys(String monitor, String prefix) {
    String p = monitor + "\u0000" + prefix;
    return profiles.keySet().stream().filter(k -> k.startsWith(p)).map(k -> k.substring(monitor.length() + 1)).sorted().toList();
  }

  @Override
  public synchronized void addReport(StoredRecord report) {
    reports.add(report);
  }

  @Override
  public synchronized List<StoredRecord> reports(String monitor, long fromWindow, int limit) {
    return reports.stream().filter(r -> r.monitor().equals(monitor) && r.window() >= fromWindow)
        .sorted(Comparator.comparingLong(StoredRecord::window)).limit(limit).toList();
  }

  @Override
  public synchronized long lastWindow(String monitor) {
    return reports.stream().filter(r -> r.monitor().equals(monitor)).mapToLong(StoredRecord::window).max().orElse(-1);
  }

  @Override
  public synchronized void addAlert(StoredRecord alert) {
    alerts.add(alert);
  }

  @Override
  public synchronized List<StoredRecord> alerts(String monitor, long fromTime, int limit) {
    // sorted by time like the SQL stores (a stable sort keeps ties in the order added)
    return alerts.stream().filter(r -> r.monitor().equals(monitor) && r.time() >= fromTime)
        .sorted(Comparator.comparingLong(StoredRecord::time)).limit(limit).toList();
  }

  @Override
  public synchronized void deleteProfiles(String monitor, Collection<String> keys) {
    for (String k : keys) {
      profiles.remove(monitor + "\u0000" + k);
    }
  }

  @Override
  public synchronized boolean replaceReport(String monitor, long window, String json) {
    boolean found = false;
    for (int i = 0; i < reports.size(); i++) {
      StoredRecord r = reports.get(i);
      if (r.monitor().equals(monitor) && r.window() == window) {
        reports.set(i, new StoredRecord(monitor, window, r.time(), json));
        found = true;
      }
    }
    return found;
  }

  @Override
  public synchronized long deleteHistory(String monitor, long beforeWindow, long beforeTime) {
    java.util.function.Predicate<StoredRecord> old = r -> r.monitor().equals(monitor) && (r.window() < beforeWindow || r.time() < beforeTime);
    int before = reports.size() + alerts.size();
    reports.removeIf(old);
    alerts.removeIf(old);
    return before - reports.size() - alerts.size();
  }

  @Override
  public synchronized List<String> monitors() {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    profiles.keySet().forEach(k -> names.add(k.substring(0, k.indexOf('\u0000'))));
    reports.forEach(r -> names.add(r.monitor()));
    alerts.forEach(r -> names.add(r.monitor()));
    return List.copyOf(names);
  }

  @Override
  public void close() {
    SHARED.release(name);
  }
}
