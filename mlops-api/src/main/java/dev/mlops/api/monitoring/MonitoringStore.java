package dev.mlops.api.monitoring;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The storage SPI of monitoring: reference profiles, window reports and alert history, keyed by
 * monitor name. Values are opaque to the store (bytes for profiles, JSON text for reports and
 * alerts). Thread-safe; shared stores keep every write of every process until it is deleted
 * (monitors delete old history by their retention policy).
 *
 * <p>Implementations pass {@code dev.mlops.testkit.MonitoringStoreContract}.
 */
public interface MonitoringStore extends AutoCloseable {

  /** Stores (or replaces) a profile under a monitor and a key such as {@code reference} or {@code window-17}. */
  void putProfile(String monitor, String key, byte[] profile);

  /** A stored profile. */
  Optional<byte[]> profile(String monitor, String key);

  /** The keys of a monitor's stored profiles that start with {@code prefix}, sorted. */
  List<String> profileKeys(String monitor, String prefix);

  /** The names of the monitors with anything stored (a profile, a report or an alert), sorted. */
  List<String> monitors();

  /** Appends a window report. */
  void addReport(StoredRecord report);

  /** Reports of a monitor with {@code window >= fromWindow}, by window. */
  List<StoredRecord> reports(String monitor, long fromWindow, int limit);

  /** The highest window index with a stored report of this monitor, or -1 if there is none. */
  long lastWindow(String monitor);

  /** Appends an alert. */
  void addAlert(StoredRecord alert);

  /** Alerts of a monitor with {@code time >= fromTime}, oldest first (ties in the order they were added). */
  List<StoredRecord> alerts(String monitor, long fromTime, int limit);

  /**
   * Deletes these profiles of a monitor, in one transaction; keys that are not stored are ignored.
   * Used by retention to drop the profiles of old windows.
   */
  void deleteProfiles(String monitor, Collection<String> keys);

  /**
   * Replaces the JSON of the stored report of {@code window} of a monitor (its window and time stay);
   * used by retention to keep a summary in place of an old window's full report.
   *
   * @return whether a report of that window was stored
   */
  boolean replaceReport(String monitor, long window, String json);

  /**
   * Deletes the reports and the alerts of a monitor whose window is below {@code beforeWindow} or
   * whose time is below {@code beforeTime}, in one transaction ({@link Long#MIN_VALUE} disables a
   * bound). Used by retention to drop the oldest history; profiles are not touched.
   *
   * @return how many reports and alerts were deleted
   */
  long deleteHistory(String monitor, long beforeWindow, long beforeTime);

  @Override
  void close();

  /**
   * A stored report or alert.
   *
   * @param monitor monitor name
   * @param window window index
   * @param time epoch ms
   * @param json the content
   */
  record StoredRecord(String monitor, long window, long time, String json) {}
}
