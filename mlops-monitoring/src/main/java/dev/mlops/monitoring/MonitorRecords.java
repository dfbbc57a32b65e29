package dev.mlops.monitoring;

import dev.mlops.api.MlopsException;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.profile.Profile;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitor's history: the last reports and alerts in memory (bounded), and, with a store, every
 * report, alert and reference profile written in {@link MonitorLayout}'s form under the
 * {@link Retention} ({@link StoredHistory}). A window is recorded on the monitor's executor, one at a
 * time; the in-memory history is read from any thread.
 */
final class MonitorRecords {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorRecords.class);

  private final String monitor;
  private final int limit;
  private final @Nullable MonitoringStore store;
  private final @Nullable StoredHistory stored;
  private final Clock clock;
  // guarded by themselves
  private final Deque<WindowReport> reports = new ArrayDeque<>();
  private final Deque<Alert> alerts = new ArrayDeque<>();

  MonitorRecords(String monitor, int limit, @Nullable MonitoringStore store, Retention retention, Clock clock) {
    this.monitor = monitor;
    this.limit = limit;
    this.store = store;
    this.stored = store == null ? null : new StoredHistory(store, monitor, retention);
    this.clock = clock;
  }

  /** The index of the next window: after the last stored one (one indexed query, not a read of every report), else 0. */
  long nextWindow() {
    return store == null ? 0 : store.lastWindow(monitor) + 1;
  }

  /** Stores the reference windows are compared with from now on; a replaced one is also kept under its time. */
  void storeReference(Profile reference, boolean replacing) {
    if (store == null) {
      return;
    }
    byte[] bytes = reference.toBytes();
    store.putProfile(monitor, MonitorLayout.REFERENCE, bytes);
    if (replacing) {
      store.putProfile(monitor, MonitorLayout.replacedReference(clock.millis()), bytes);
    }
  }

  /** Keeps a window's report and its alerts in memory and in the store, then applies the retention; a store failure is logged. */
  void record(WindowReport report) {
    synchronized (reports) {
      reports.addLast(report);
      while (reports.size() > limit) {
        reports.removeFirst();
      }
      alerts.addAll(report.alerts());
      while (alerts.size() > limit) {
        alerts.removeFirst();
      }
    }
    if (store == null || stored == null) {
      return;
    }
    try {
      store.addReport(new MonitoringStore.StoredRecord(monitor, report.window(), report.end(), MonitorLayout.json(report)));
      for (Alert a : report.alerts()) {
        store.addAlert(new MonitoringStore.StoredRecord(monitor, report.window(), a.time(), MonitorLayout.json(a)));
      }
      stored.prune(report.window(), clock.millis());
    } catch (MlopsException e) {
      LOG.error("could not store window {} of monitor {}", report.window(), monitor, e);
    }
  }

  /** The last reports in memory, oldest first. */
  List<WindowReport> reports() {
    synchronized (reports) {
      return List.copyOf(reports);
    }
  }

  /** The last alerts in memory, oldest first. */
  List<Alert> alerts() {
    synchronized (reports) {
      return List.copyOf(alerts);
    }
  }

  /**
   * When the rule {@code rule} last raised a stored alert from {@code since} to {@code until} (any process; at most
   * the first 10,000 stored alerts from {@code since} are read), or empty without a store or when the store cannot be
   * read (logged: the cooldown then holds in this process only).
   */
  java.util.Optional<Long> lastRaised(String rule, long since, long until) {
    if (store == null) {
      return java.util.Optional.empty();
    }
    try {
      long last = Long.MIN_VALUE;
      for (MonitorHistory.Entry<Alert> e : MonitorHistory.of(store, monitor).alerts(java.time.Instant.ofEpochMilli(since), 10_000)) {
        if (e.time() <= until && e.value().isPresent() && e.value().get().rule().equals(rule)) {
          last = Math.max(last, e.time());
        }
      }
      return last == Long.MIN_VALUE ? java.util.Optional.empty() : java.util.Optional.of(last);
    } catch (MlopsException e) {
      LOG.error("monitor {}: could not read the stored alerts of rule {}; its cooldown holds in this process only", monitor, rule, e);
      return java.util.Optional.empty();
    }
  }

  /** The stored alerts (every process, as far as the retention keeps them), oldest first; without a store, {@link #alerts()}. */
  List<Alert> alertHistory() {
    if (store == null) {
      return alerts();
    }
    List<Alert> out = new ArrayList<>();
    for (MonitorHistory.Entry<Alert> e : MonitorHistory.of(store, monitor).alerts(java.time.Instant.MIN, Integer.MAX_VALUE)) {
      out.add(e.value().orElseThrow(() -> new IllegalStateException("monitor " + monitor + ": the stored alert of window " + e.window()
          + " cannot be read: " + e.problem().orElse(""))));
    }
    return out;
  }
}
