package dev.mlops.monitoring;

import dev.mlops.monitoring.profile.Profile;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitor's rows cut into windows. Rows from any thread append to the open window under one short
 * lock. A window closes every {@code windowRows} rows, or, for time windows, at the first row a
 * duration after it opened and at {@code maxWindowRows}. Closed windows wait in a bounded queue: when
 * one more closes than {@code maxPending} allow, the oldest waiting window is dropped whole and the
 * window after it carries the count. The waiting windows are drained on the executor one at a time,
 * in window order (at most one drain runs), each handed to the analysis, whose report completes it.
 */
final class WindowStream {
  private static final Logger LOG = LoggerFactory.getLogger(WindowStream.class);

  /** The stream's counters, read together under its lock. */
  record Counts(long rows, long windows, long windowsDropped, long rowsDropped, int pending) {}

  private final String monitor;
  private final int windowRows;
  private final @Nullable Duration windowDuration;
  private final int maxWindowRows;
  private final int maxPending;
  private final Clock clock;
  private final Executor executor;
  private final Function<ClosedWindow, WindowReport> analysis;
  private final LongAdder rows = new LongAdder();
  private final Object lock = new Object();
  // guarded by lock: the open window, the closed ones waiting for their report (oldest first), whether a drain runs
  private Profile columns;
  private WindowBuffer buffer;
  private long windowStart;
  private long nextWindow;
  private final Deque<ClosedWindow> closed = new ArrayDeque<>();
  private boolean draining;
  private long windowsDropped;
  private long rowsDropped;
  private @Nullable CompletableFuture<WindowReport> lastWindow;

  WindowStream(String monitor, MonitorBuilder b, Profile columns, long firstWindow, Clock clock, Executor executor,
      Function<ClosedWindow, WindowReport> analysis) {
    this.monitor = monitor;
    this.windowRows = b.windowRows;
    this.windowDuration = b.windowDuration;
    this.maxWindowRows = b.windowDuration == null ? b.windowRows : b.maxWindowRows;
    this.maxPending = b.maxPending;
    this.clock = clock;
    this.executor = executor;
    this.analysis = analysis;
    this.columns = columns;
    this.buffer = newBuffer(columns);
    this.windowStart = clock.millis();
    this.nextWindow = firstWindow;
  }

  private WindowBuffer newBuffer(Profile columns) {
    return new WindowBuffer(columns, windowDuration == null ? windowRows : Math.min(1024, maxWindowRows));
  }

  /** Appends a row given as column name to value. */
  void add(Map<String, ?> row) {
    synchronized (lock) {
      beforeRow();
      buffer.add(row);
      afterRow();
    }
  }

  /** Appends a row of values under the given columns. */
  void add(String[] names, Object[] values) {
    synchronized (lock) {
      beforeRow();
      buffer.add(names, values);
      afterRow();
    }
  }

  /** Appends a row of numbers under the given columns (NaN is missing). */
  void add(String[] names, double[] values) {
    synchronized (lock) {
      beforeRow();
      buffer.add(names, values);
      afterRow();
    }
  }

  // guarded by lock
  private void beforeRow() {
    if (windowDuration != null && buffer.rows() > 0 && clock.millis() - windowStart >= windowDuration.toMillis()) {
      cut();
    }
  }

  // guarded by lock
  private void afterRow() {
    rows.increment();
    if (buffer.rows() >= maxWindowRows) {
      cut();
    }
  }

  // guarded by lock: closes the open window and queues it, in window order; when the queue is full,
  // the oldest waiting window is dropped whole and the window after it carries the count
  private void cut() {
    long now = clock.millis();
    ClosedWindow w = new ClosedWindow(nextWindow++, windowStart, now, buffer, columns);
    buffer = newBuffer(columns);
    windowStart = now;
    lastWindow = w.done;
    while (closed.size() >= maxPending) {
      ClosedWindow old = closed.pollFirst();
      ClosedWindow heir = closed.isEmpty() ? w : closed.peekFirst();
      heir.droppedWindows += old.droppedWindows + 1;
      heir.droppedRows += old.droppedRows + old.rows.rows();
      windowsDropped++;
      rowsDropped += old.rows.rows();
      old.done.cancel(false);
    }
    closed.addLast(w);
    if (!draining) {
      draining = true;
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        LOG.warn("monitor {}: executor refused a window report ({}); it runs on the caller", monitor, e.getMessage());
        drain();
      }
    }
  }

  /** Analyses the closed windows one at a time, in order; at most one drain runs at a time. */
  private void drain() {
    while (true) {
      ClosedWindow w;
      synchronized (lock) {
        w = closed.pollFirst();
        if (w == null) {
          draining = false;
          return;
        }
      }
      try {
        w.done.complete(analysis.apply(w));
      } catch (RuntimeException | Error e) {
        w.done.completeExceptionally(e);
      }
    }
  }

  /** Closes the open window if it has rows; the report of the last window closed, if any window was. */
  @Nullable CompletableFuture<WindowReport> cutOpenWindow() {
    synchronized (lock) {
      if (buffer.rows() > 0) {
        cut();
      }
      return lastWindow;
    }
  }

  /** Closes the open window (if it has rows) and opens the next ones on these columns. */
  void replaceColumns(Profile next) {
    synchronized (lock) {
      if (buffer.rows() > 0) {
        cut();
      }
      columns = next;
      buffer = newBuffer(next);
    }
  }

  Counts counts() {
    synchronized (lock) {
      return new Counts(rows.sum(), nextWindow, windowsDropped, rowsDropped, closed.size());
    }
  }
}
