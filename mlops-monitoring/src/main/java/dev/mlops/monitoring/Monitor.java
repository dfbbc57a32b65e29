package dev.mlops.monitoring;

import dev.mlops.api.EntryPointBuilder;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.DaemonThreads;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a stream of rows against a reference profile. Rows arrive from any number of threads;
 * the monitor cuts them into windows (every N rows, or every duration, whichever is configured),
 * and for each window produces a {@link WindowReport}: drift against the reference, data quality,
 * drift per segment, and alerts from its rules (each rule quiet for its cooldown after firing).
 * Reports and alerts go to listeners and, with a backend, to the monitoring store, together with the
 * reference profile and each window's profiles; {@link MonitorHistory} reads them back without a monitor.
 *
 * <p>The facade of package-private parts, one per job: {@link WindowStream} cuts windows and drains
 * them in order, {@link WindowAnalysis} analyses one, {@link AlertBook} raises alerts under cooldowns,
 * {@link MonitorRecords} keeps the history in memory and in the store ({@link MonitorLayout}).
 *
 * <p>The monitor watches the reference's columns, or those named with {@link MonitorBuilder#features} less
 * those named with {@link MonitorBuilder#exclude} (a label column the logged rows never carry, an
 * identifier). A watched column that no row of a window names fails that window's
 * {@code column_present} check and is listed as not tested in its drift report, while every other
 * column is analysed: a report never counts a column it did not test as "no drift".
 *
 * <p>Fit for a long-running service: a logging thread only appends to the open window (a short
 * lock, no map per row with {@link #log(Object...)}); a closed window's report, its drift tests
 * included, is computed on the monitor's executor, one window at a time and in window order, never
 * on a caller's thread (unless a same-thread executor was chosen) nor on the common pool. Memory is bounded whatever the rate: at most
 * {@link MonitorBuilder#maxPendingWindows} closed windows wait for their report; when one more closes, the
 * oldest waiting window is dropped whole, counted in {@link #stats()}, and the next report says how
 * many windows and rows were dropped before it (and raises a {@code windows_dropped} alert). A value
 * of the wrong type is counted as a type problem of its window, never loses the window's other rows
 * and never throws to the caller. A failing listener is logged and counted. The in-memory history is
 * bounded ({@link MonitorBuilder#history}); the store keeps what its {@link Retention} keeps. Thread-safe.
 *
 * <pre>{@code
 * Monitor monitor = Monitor.builder("payments")
 *     .reference(Profile.of(trainingTable))
 *     .exclude("label")
 *     .windowRows(10_000)
 *     .alert(AlertRule.datasetDrift())
 *     .onAlert(alert -> pager.send(alert.message()))
 *     .build();
 * monitor.log(Map.of("amount", 12.5, "channel", "web"));
 * }</pre>
 */
public final class Monitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
  /** The rule name of the alert raised when windows were dropped before a report. */
  public static final String WINDOWS_DROPPED = "windows_dropped";

  private final String name;
  private volatile Profile reference;
  private final List<String> watchedNames;
  private final String @Nullable [] schema;
  private final @Nullable StorageBackend ownedBackend;
  private final @Nullable ExecutorService ownedExecutor;
  private final WindowStream stream;
  private final WindowAnalysis analysis;
  private final AlertBook alertBook;
  private final MonitorRecords records;
  private final List<Consumer<Alert>> alertListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<WindowReport>> reportListeners = new CopyOnWriteArrayList<>();
  private final LongAdder rowsAnalysed = new LongAdder();
  private final LongAdder listenerFailures = new LongAdder();
  private volatile boolean shut;

  Monitor(MonitorBuilder b, Profile reference, List<String> watchedNames, EntryPointBuilder.@Nullable Settings settings) {
    this.name = b.name;
    this.reference = reference;
    this.watchedNames = List.copyOf(watchedNames);
    this.schema = b.schema == null ? null : b.schema.clone();
    Clock clock = settings == null ? b.clock : settings.clock();
    StorageBackend backend = settings == null ? null : settings.backend();
    this.ownedBackend = settings != null && settings.ownsBackend() ? backend : null;
    MonitoringStore store = backend == null ? null : backend.store(MonitoringStore.class);
    Executor executor;
    if (b.executor == null) {
      // one thread per processor, ending when idle: windows are still analysed one at a time, the
      // other threads share the drift tests of a window's columns
      int threads = Runtime.getRuntime().availableProcessors();
      ThreadPoolExecutor own = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
          DaemonThreads.named("mlops-monitor-" + b.name));
      own.allowCoreThreadTimeOut(true);
      this.ownedExecutor = own;
      executor = own;
    } else {
      this.ownedExecutor = null;
      executor = b.executor;
    }
    this.records = new MonitorRecords(name, b.history, store, b.retention, clock);
    this.analysis = new WindowAnalysis(name, b, reference, watchedNames, store, executor);
    this.alertBook = new AlertBook(name, b.rules, b.cooldown, b.maxPending, records::lastRaised);
    this.alertListeners.addAll(b.alertListeners);
    this.reportListeners.addAll(b.reportListeners);
    records.storeReference(reference, false);
    this.stream = new WindowStream(name, b, reference.select(watchedNames), records.nextWindow(), clock, executor, this::process);
  }

  /** A builder for a monitor of this name. */
  public static MonitorBuilder builder(String name) {
    return new MonitorBuilder(name);
  }

  /** The monitor's name. */
  public String name() {
    return name;
  }

  /** The columns this monitor analyses: the reference's, or its features, less the excluded ones, in the reference's order. */
  public List<String> watchedColumns() {
    return watchedNames;
  }

  /**
   * Adds one row (column name to value; null or absent is missing). Thread-safe and cheap: the row
   * is appended to the open window; a window it completes is handed to the executor. Never throws
   * for a value's type: a value that does not match its column's type counts as a type problem.
   * Never blocks on the analysis: when too many closed windows wait for it, the oldest is dropped.
   *
   * @throws InvalidArgumentException if {@code row} is null
   */
  public void log(Map<String, ?> row) {
    stream.add(Validation.notNull("row", row));
  }

  /**
   * Adds one row given as values in the order of the schema fixed at build time
   * ({@link MonitorBuilder#schema}): no map per row, for high-rate callers such as serving.
   *
   * @throws InvalidArgumentException if the monitor has no schema or the row has another length
   */
  public void log(Object... values) {
    stream.add(requireSchema(values.length), values);
  }

  /** Adds one row of numbers in schema order (NaN is missing); see {@link #log(Object...)}. */
  public void logNumbers(double... values) {
    stream.add(requireSchema(values.length), values);
  }

  /**
   * Adds one row of numbers under the given column names (NaN is missing; columns not named are
   * missing in this row): no map per row, for high-rate callers whose rows are not in one fixed
   * schema. The arrays are read during the call, not kept.
   *
   * @throws InvalidArgumentException if either array is null or their lengths differ
   */
  public void logNumbers(String[] columns, double[] values) {
    Validation.notNull("columns", columns);
    Validation.notNull("values", values);
    if (columns.length != values.length) {
      throw InvalidArgumentException.of("values", values.length + " values", "must have one value per column; got " + columns.length + " columns");
    }
    stream.add(columns, values);
  }

  private String[] requireSchema(int length) {
    if (schema == null) {
      throw InvalidArgumentException.of("row", length + " values", "needs a schema: build the monitor with schema(columns...)");
    }
    if (length != schema.length) {
      throw InvalidArgumentException.of("row", length + " values", "must have one value per schema column " + List.of(schema));
    }
    return schema;
  }

  /**
   * Closes the open window now (if it has rows) and waits until every closed window's report is
   * done; returns the report of the last window closed, if any.
   */
  public Optional<WindowReport> flush() {
    CompletableFuture<WindowReport> last = stream.cutOpenWindow();
    if (last == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(last.get(10, TimeUnit.MINUTES));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlopsException("interrupted while waiting for monitor " + name + " to finish its windows", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new MlopsException("monitor " + name + " could not finish its windows: " + e.getMessage(), e);
    }
  }

  /** A closed window's report, on the executor, one window at a time: analysis, alerts, history, listeners. */
  private WindowReport process(ClosedWindow w) {
    WindowReport report = alertBook.raise(analysis.report(w), w.droppedWindows, w.droppedRows);
    rowsAnalysed.add(w.rows.rows());
    records.record(report);
    for (Consumer<WindowReport> l : reportListeners) {
      try {
        l.accept(report);
      } catch (RuntimeException e) {
        listenerFailures.increment();
        LOG.warn("report listener of monitor {} failed on window {}", name, report.window(), e);
      }
    }
    for (Alert a : report.alerts()) {
      for (Consumer<Alert> l : alertListeners) {
        try {
          l.accept(a);
        } catch (RuntimeException e) {
          listenerFailures.increment();
          LOG.warn("alert listener of monitor {} failed on {}", name, a, e);
        }
      }
    }
    return report;
  }

  /** The most recent window reports in this process, oldest first (at most {@link MonitorBuilder#history}; the store keeps what its retention keeps). */
  public List<WindowReport> reports() {
    return records.reports();
  }

  /** The most recent alerts raised in this process (bounded as {@link #reports()}); the stored history is {@link #alertHistory()}. */
  public List<Alert> alerts() {
    return records.alerts();
  }

  /** The stored alert history (every process, as far as the retention keeps it), oldest first; without a backend, {@link #alerts()}. */
  public List<Alert> alertHistory() {
    return records.alertHistory();
  }

  /** The reference profile windows are compared with now (every column it was given, watched or not). */
  public Profile reference() {
    return reference;
  }

  /**
   * Replaces the reference profile, for example with the training data of a newly promoted model
   * (a new reference period). The open window is cut first and compared with the old reference;
   * later windows are compared with the new one. With a store, the new profile replaces the stored
   * reference and is also kept under the time it took effect ({@link MonitorHistory#references()}).
   *
   * @throws InvalidArgumentException if the new profile lacks a column the monitor watches
   *     ({@link #watchedColumns()}), before anything changes
   */
  public void replaceReference(Profile next) {
    Validation.notNull("reference", next);
    List<String> now = next.columns().stream().map(ColumnProfile::name).toList();
    List<String> lacking = watchedNames.stream().filter(c -> !now.contains(c)).toList();
    if (!lacking.isEmpty()) {
      throw InvalidArgumentException.of("reference", now, "a replacement reference must hold every column the monitor watches "
          + watchedNames + "; it lacks " + lacking);
    }
    stream.replaceColumns(next.select(watchedNames));
    reference = next;
    records.storeReference(next, true);
    LOG.info("monitor {}: reference replaced ({} rows)", name, next.rows());
  }

  /**
   * Counters of this monitor since it was built. Rows reconcile: once {@link #flush()} returned,
   * {@code rows == rowsAnalysed + rowsDropped}; before, the difference is in the open window and in
   * the {@code pendingWindows} waiting for their reports.
   *
   * @param rows rows logged
   * @param windows windows closed (including the ones still being analysed and the dropped ones)
   * @param typeProblems values of the wrong type, counted as missing
   * @param windowFailures windows whose analysis failed (their report says why)
   * @param listenerFailures listener calls that threw
   * @param rowsAnalysed rows of the windows whose report was made
   * @param windowsDropped windows dropped unanalysed because {@link MonitorBuilder#maxPendingWindows} windows already waited
   * @param rowsDropped rows of the dropped windows
   * @param pendingWindows closed windows waiting for their report now (never more than {@link MonitorBuilder#maxPendingWindows})
   */
  public record Stats(long rows, long windows, long typeProblems, long windowFailures, long listenerFailures, long rowsAnalysed,
      long windowsDropped, long rowsDropped, int pendingWindows) {}

  /** This monitor's counters. */
  public Stats stats() {
    WindowStream.Counts c = stream.counts();
    return new Stats(c.rows(), c.windows(), analysis.typeProblems(), analysis.failures(), listenerFailures.sum(), rowsAnalysed.sum(),
        c.windowsDropped(), c.rowsDropped(), c.pending());
  }

  /** Adds an alert listener. */
  public void onAlert(Consumer<Alert> listener) {
    alertListeners.add(Validation.notNull("listener", listener));
  }

  /** Adds a report listener. */
  public void onReport(Consumer<WindowReport> listener) {
    reportListeners.add(Validation.notNull("listener", listener));
  }

  /** Closes the open window, waits for every report, stops the monitor's own executor and closes a backend it opened. */
  @Override
  public void close() {
    if (shut) {
      return;
    }
    try {
      flush();
    } finally {
      shut = true;
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
      }
      if (ownedBackend != null) {
        ownedBackend.close();
      }
    }
  }
}
