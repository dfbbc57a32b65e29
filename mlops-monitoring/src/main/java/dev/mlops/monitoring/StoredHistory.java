package dev.mlops.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.monitoring.MonitoringStore.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitor's stored windows under its {@link Retention}: after each window is stored, windows that
 * left the full tier (by count or age) get their report replaced by its summary and their profiles
 * deleted, in window order, so the summarised windows are always the oldest ones; windows that left
 * the summary tier are deleted with their alerts. Runs on the monitor's executor, one window at a
 * time; not thread-safe.
 */
final class StoredHistory {
  private static final Logger LOG = LoggerFactory.getLogger(StoredHistory.class);
  private static final long UNKNOWN = Long.MIN_VALUE;

  private final MonitoringStore store;
  private final String monitor;
  private final Retention retention;
  // every stored window below this one is a summary (found once, by bisection, after a reopen)
  private long summarisedBefore = UNKNOWN;
  // the first full window, once read and found too young to summarise: read again only when it may have aged
  private @Nullable StoredRecord candidate;

  StoredHistory(MonitoringStore store, String monitor, Retention retention) {
    this.store = store;
    this.monitor = monitor;
    this.retention = retention;
  }

  /** Applies the retention after window {@code stored} was stored at {@code now}. */
  void prune(long stored, long now) {
    if (!retention.prunes()) {
      return;
    }
    long fullFrom = from(stored, retention.fullWindows());
    long keepFrom = from(stored, retention.summaryWindows());
    long fullAfter = retention.fullAge().map(a -> now - a.toMillis()).orElse(Long.MIN_VALUE);
    long keepAfter = retention.summaryAge().map(a -> now - a.toMillis()).orElse(Long.MIN_VALUE);
    if (summarisedBefore == UNKNOWN) {
      summarisedBefore = firstFullWindow();
    }
    while (summarisedBefore <= stored) {
      StoredRecord next = candidate != null && candidate.window() >= summarisedBefore ? candidate : first(summarisedBefore);
      if (next == null || next.window() > stored) {
        break;
      }
      boolean old = next.window() < fullFrom || next.window() < keepFrom || next.time() < fullAfter || next.time() < keepAfter;
      if (!old) {
        candidate = next;
        break;
      }
      candidate = null;
      summarise(next);
      summarisedBefore = next.window() + 1;
    }
    if (keepFrom != Long.MIN_VALUE || keepAfter != Long.MIN_VALUE) {
      store.deleteHistory(monitor, keepFrom, keepAfter);
    }
  }

  private static long from(long stored, long windows) {
    return windows == Long.MAX_VALUE ? Long.MIN_VALUE : stored - windows + 1;
  }

  private @Nullable StoredRecord first(long fromWindow) {
    List<StoredRecord> r = store.reports(monitor, fromWindow, 1);
    return r.isEmpty() ? null : r.get(0);
  }

  /** Keeps the summary of a window in place of its full report and deletes its profiles. */
  private void summarise(StoredRecord r) {
    try {
      WindowReport full = MonitorLayout.report(r.json());
      if (!full.summary()) {
        store.replaceReport(monitor, r.window(), MonitorLayout.json(full.asSummary()));
      }
    } catch (JsonProcessingException | RuntimeException e) {
      // an unreadable report stays as it is; its profiles still go
      LOG.warn("monitor {}: window {}'s stored report cannot be read to summarise it: {}", monitor, r.window(), e.getMessage());
    }
    List<String> keys = new ArrayList<>();
    keys.add(MonitorLayout.window(r.window()));
    keys.addAll(store.profileKeys(monitor, MonitorLayout.segments(r.window())));
    store.deleteProfiles(monitor, keys);
  }

  /** The lowest stored window that is not a summary (summaries are always the oldest windows): a bisection over the stored windows. */
  private long firstFullWindow() {
    StoredRecord oldest = first(Long.MIN_VALUE);
    if (oldest == null || !MonitorLayout.isSummary(oldest.json())) {
      return oldest == null ? 0 : oldest.window();
    }
    long lo = oldest.window(); // the first stored window at or after lo is a summary
    long hi = store.lastWindow(monitor) + 1; // nothing stored at or after hi
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      StoredRecord r = first(mid);
      if (r != null && MonitorLayout.isSummary(r.json())) {
        lo = r.window();
      } else {
        hi = mid;
      }
    }
    return lo + 1;
  }
}
