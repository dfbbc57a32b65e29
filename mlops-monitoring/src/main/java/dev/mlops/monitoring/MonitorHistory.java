package dev.mlops.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.profile.Profile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A monitor's stored history, read from a storage backend without building the monitor: for a web
 * page, a report job or another process. Holds what the monitor wrote there (as far as its
 * {@link Retention} kept it): each window's report (full or summary) and profiles, its alerts, its
 * reference and the references it replaced, and the performance of the
 * {@link PredictionLog} stored under the same name. Nothing outside this module needs to know how
 * that is laid out in the store. Reads the store at each call and never writes; thread-safe.
 *
 * <pre>{@code
 * MonitorHistory payments = MonitorHistory.open(backend, "payments");
 * for (MonitorHistory.Entry<WindowReport> w : payments.windows(0, 100)) {
 *   w.value().ifPresent(report -> System.out.println(report));
 * }
 * }</pre>
 */
public final class MonitorHistory {
  private final MonitoringStore store;
  private final String monitor;

  private MonitorHistory(MonitoringStore store, String monitor) {
    this.store = store;
    this.monitor = monitor;
  }

  /** The history in a monitoring store, for the monitor's own reads. */
  static MonitorHistory of(MonitoringStore store, String monitor) {
    return new MonitorHistory(store, monitor);
  }

  /**
   * The history of the monitor {@code monitor} in {@code backend} (empty if it never stored anything).
   *
   * @throws InvalidArgumentException if either argument is null or the name is not a monitor's name
   */
  public static MonitorHistory open(StorageBackend backend, String monitor) {
    Validation.notNull("backend", backend);
    return new MonitorHistory(backend.store(MonitoringStore.class), Validation.name("monitor name", monitor, 250));
  }

  /** The names of the monitors (and prediction logs) that stored anything in {@code backend}, sorted. */
  public static List<String> monitors(StorageBackend backend) {
    return Validation.notNull("backend", backend).store(MonitoringStore.class).monitors();
  }

  /**
   * A stored record: its value, or why it cannot be read (written by an incompatible version,
   * damaged). Exactly one of {@code value} and {@code problem} is present.
   *
   * @param window the window it belongs to
   * @param time epoch ms: a report's window end, an alert's time
   * @param value the record, if it can be read
   * @param problem why it cannot be read, if it cannot
   * @param <T> {@link WindowReport} or {@link Alert}
   */
  public record Entry<T>(long window, long time, Optional<T> value, Optional<String> problem) {}

  /** The monitor's name. */
  public String monitor() {
    return monitor;
  }

  /**
   * Up to {@code limit} windows' reports from window {@code fromWindow} on, in window order (windows
   * the retention deleted are absent; a summarised one reads as {@link WindowReport#summary()}).
   *
   * @throws InvalidArgumentException if {@code limit} is not positive
   */
  public List<Entry<WindowReport>> windows(long fromWindow, int limit) {
    List<Entry<WindowReport>> out = new ArrayList<>();
    for (MonitoringStore.StoredRecord r : store.reports(monitor, fromWindow, Validation.positive("limit", limit))) {
      out.add(entry(r, "report", MonitorLayout::report));
    }
    return out;
  }

  /** The report of one window, if it is stored. */
  public Optional<Entry<WindowReport>> window(long window) {
    return windows(window, 1).stream().filter(e -> e.window() == window).findFirst();
  }

  /** How many of the last windows {@link #openAlerts()} looks back over to find when an open alert opened. */
  static final int OPEN_ALERT_LOOKBACK = 200;

  /**
   * An alert condition that still holds: its rule fired in the last stored window, and in every
   * window back to the one that opened it (whether each raised an alert or its cooldown held it
   * back, {@link WindowReport#suppressedAlerts()}). It closes when a window passes without the rule
   * firing.
   *
   * @param rule the rule's name
   * @param kind what the alert is about
   * @param openedWindow the first window of the run of windows in which the rule fired (at most
   *     200 windows back, or the oldest stored)
   * @param lastWindow the last stored window, where it still fired
   * @param message the rule's message in the last window
   */
  public record OpenAlert(String rule, AlertKind kind, long openedWindow, long lastWindow, String message) {}

  /**
   * The alerts open now: each rule that fired in the last stored window, with the window where its
   * run of firing windows began; empty when no window is stored or the last one cannot be read.
   * Read from the stored reports (so from any process), looking back at most 200 windows.
   */
  public List<OpenAlert> openAlerts() {
    long last = store.lastWindow(monitor);
    if (last < 0) {
      return List.of();
    }
    List<Entry<WindowReport>> recent = windows(Math.max(0, last - OPEN_ALERT_LOOKBACK + 1), OPEN_ALERT_LOOKBACK);
    Map<Long, WindowReport> byWindow = new LinkedHashMap<>();
    recent.forEach(e -> e.value().ifPresent(w -> byWindow.put(e.window(), w)));
    WindowReport newest = byWindow.get(last);
    if (newest == null) {
      return List.of();
    }
    Map<String, Alert> firing = fired(newest);
    List<OpenAlert> out = new ArrayList<>();
    for (Alert a : firing.values()) {
      long opened = last;
      for (long w = last - 1; byWindow.containsKey(w) && fired(byWindow.get(w)).containsKey(a.rule()); w--) {
        opened = w;
      }
      out.add(new OpenAlert(a.rule(), a.kind(), opened, last, a.message()));
    }
    return out;
  }

  /** The rules a window's report says fired, raised or held back by the cooldown, with their alerts. */
  private static Map<String, Alert> fired(WindowReport w) {
    Map<String, Alert> out = new LinkedHashMap<>();
    w.alerts().forEach(a -> out.put(a.rule(), a));
    w.suppressedAlerts().forEach(a -> out.putIfAbsent(a.rule(), a));
    return out;
  }

  /**
   * Up to {@code limit} alerts raised at or after {@code from}, oldest first (alerts are stored by the
   * time they were raised; {@link Entry#window()} is the window that raised each).
   *
   * @throws InvalidArgumentException if {@code limit} is not positive
   */
  public List<Entry<Alert>> alerts(Instant from, int limit) {
    List<Entry<Alert>> out = new ArrayList<>();
    for (MonitoringStore.StoredRecord r : store.alerts(monitor, epochMillis(Validation.notNull("from", from)),
        Validation.positive("limit", limit))) {
      out.add(entry(r, "alert", MonitorLayout::alert));
    }
    return out;
  }

  /** The instant in epoch milliseconds, or the extreme long value on its side when it is beyond them ({@link Instant#MIN}). */
  private static long epochMillis(Instant t) {
    try {
      return t.toEpochMilli();
    } catch (ArithmeticException e) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private interface Reader<T> {
    T read(String json) throws JsonProcessingException;
  }

  private static <T> Entry<T> entry(MonitoringStore.StoredRecord r, String what, Reader<T> reader) {
    try {
      return new Entry<>(r.window(), r.time(), Optional.of(reader.read(r.json())), Optional.empty());
    } catch (JsonProcessingException e) {
      return new Entry<>(r.window(), r.time(), Optional.empty(), Optional.of("unreadable " + what + ": " + e.getOriginalMessage()));
    }
  }

  /** The reference profile the monitor compares its windows with now, if stored. */
  public Optional<Profile> reference() {
    return store.profile(monitor, MonitorLayout.REFERENCE).map(Profile::fromBytes);
  }

  /** Every reference that replaced another ({@link Monitor#replaceReference}), by the epoch ms it took effect, oldest first. */
  public Map<Long, Profile> references() {
    Map<Long, Profile> out = new LinkedHashMap<>();
    List<Long> times = store.profileKeys(monitor, MonitorLayout.replacedReferences()).stream().map(MonitorLayout::replacedAt).sorted().toList();
    for (long t : times) {
      store.profile(monitor, MonitorLayout.replacedReference(t)).ifPresent(b -> out.put(t, Profile.fromBytes(b)));
    }
    return out;
  }

  /** The profile of a window's watched columns, while the retention keeps it. */
  public Optional<Profile> windowProfile(long window) {
    return store.profile(monitor, MonitorLayout.window(window)).map(Profile::fromBytes);
  }

  /** The profiles of a window's segments, by segment value, while the retention keeps them. */
  public Map<String, Profile> segmentProfiles(long window) {
    Map<String, Profile> out = new LinkedHashMap<>();
    String prefix = MonitorLayout.segments(window);
    for (String key : store.profileKeys(monitor, prefix)) {
      store.profile(monitor, key).ifPresent(b -> out.put(key.substring(prefix.length()), Profile.fromBytes(b)));
    }
    return out;
  }

  /** The performance of the prediction log stored under the monitor's name, if it stored a window ({@link PredictionLog#history}). */
  public Optional<PredictionLog.History> performance() {
    return PredictionLog.history(store, monitor);
  }

  @Override
  public String toString() {
    return "MonitorHistory[" + monitor + "]";
  }
}
