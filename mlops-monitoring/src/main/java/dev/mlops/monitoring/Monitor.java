package dev.mlops.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.EntryPointBuilder;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.DaemonThreads;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.DataQuality;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 * reference profile (key {@code reference}) and each window's profile (key {@code window-N}).
 *
 * <p>The monitor watches the reference's columns, or those named with {@link Builder#features} less
 * those named with {@link Builder#exclude} (a label column the logged rows never carry, an
 * identifier). A watched column that no row of a window names fails that window's
 * {@code column_present} check and is listed as not tested in its drift report, while every other
 * column is analysed: a report never counts a column it did not test as "no drift".
 *
 * <p>Fit for a long-running service: a logging thread only appends to the open window (a short
 * lock, no map per row with {@link #log(Object...)}); a closed window's report is computed on the
 * monitor's executor, one window at a time and in window order, never on a caller's thread (unless
 * a same-thread executor was chosen). Memory is bounded whatever the rate: at most
 * {@link Builder#maxPendingWindows} closed windows wait for their report; when one more closes, the
 * oldest waiting window is dropped whole, counted in {@link #stats()}, and the next report says how
 * many windows and rows were dropped before it (and raises a {@code windows_dropped} alert). A value
 * of the wrong type is counted as a type problem of its window, never loses the window's other rows
 * and never throws to the caller. A failing listener is logged and counted. The in-memory history is
 * bounded ({@link Builder#history}); the store keeps what its {@link Retention} keeps. Thread-safe.
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
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The rule name of the alert raised when windows were dropped before a report. */
  public static final String WINDOWS_DROPPED = "windows_dropped";

  private final String name;
  private volatile Profile reference;
  private volatile Profile watched;
  // the watched columns less the segment column, which is one value within each segment
  private volatile Profile segmentReference;
  private final List<String> watchedNames;
  private final int windowRows;
  private final @Nullable Duration windowDuration;
  private final int maxWindowRows;
  private final int maxPending;
  private final @Nullable String segmentColumn;
  private final List<AlertRule> rules;
  private final Duration cooldown;
  private final Clock clock;
  private final @Nullable MonitoringStore store;
  private final @Nullable StorageBackend ownedBackend;
  private final String @Nullable [] schema;
  private final int historyLimit;
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final @Nullable StoredHistory history;
  private final WindowAnalysis analysis;
  private final List<Consumer<Alert>> alertListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<WindowReport>> reportListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Long> lastFired = new HashMap<>();
  private final Deque<WindowReport> reports = new ArrayDeque<>();
  private final Deque<Alert> alerts = new ArrayDeque<>();
  private final Object lock = new Object();
  private final LongAdder rowsLogged = new LongAdder();
  private final LongAdder rowsAnalysed = new LongAdder();
  private final LongAdder typeProblems = new LongAdder();
  private final LongAdder listenerFailures = new LongAdder();
  private final LongAdder windowFailures = new LongAdder();
  // guarded by lock: closed windows waiting for their report, oldest first, and whether a drain runs
  private final Deque<ClosedWindow> closed = new ArrayDeque<>();
  private boolean draining;
  private long windowsDropped;
  private long rowsDropped;
  private WindowBuffer buffer;
  private long windowStart;
  private long nextWindow;
  private @Nullable CompletableFuture<WindowReport> lastWindow;
  private volatile boolean shut;

  private Monitor(Builder b, Profile reference, List<String> watchedNames, EntryPointBuilder.@Nullable Settings settings) {
    this.name = b.name;
    this.reference = reference;
    this.watchedNames = List.copyOf(watchedNames);
    this.watched = reference.select(watchedNames);
    this.segmentReference = WindowAnalysis.segmentReference(watched, b.segmentColumn);
    this.windowRows = b.windowRows;
    this.windowDuration = b.windowDuration;
    this.maxWindowRows = b.windowDuration == null ? b.windowRows : b.maxWindowRows;
    this.maxPending = b.maxPending;
    this.segmentColumn = b.segmentColumn;
    this.rules = List.copyOf(b.rules);
    this.cooldown = b.cooldown;
    this.schema = b.schema == null ? null : b.schema.clone();
    this.historyLimit = b.history;
    this.clock = settings == null ? b.clock : settings.clock();
    StorageBackend backend = settings == null ? null : settings.backend();
    this.ownedBackend = settings != null && settings.ownsBackend() ? backend : null;
    this.store = backend == null ? null : backend.store(MonitoringStore.class);
    this.history = store == null ? null : new StoredHistory(store, name, b.retention);
    this.analysis = new WindowAnalysis(name, reference, watchedNames, b.excluded, b.driftOptions, b.quality, b.segmentColumn, b.segmentMinRows,
        store, typeProblems);
    if (b.executor == null) {
      this.ownedExecutor = Executors.newSingleThreadExecutor(DaemonThreads.named("mlops-monitor-" + b.name));
      this.executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.executor = b.executor;
    }
    this.alertListeners.addAll(b.alertListeners);
    this.reportListeners.addAll(b.reportListeners);
    this.windowStart = clock.millis();
    this.buffer = newBuffer(watched);
    if (store != null) {
      store.putProfile(name, "reference", reference.toBytes());
      // windows continue after the last stored one: one indexed query, not a read of every report
      this.nextWindow = store.lastWindow(name) + 1;
    }
  }

  private WindowBuffer newBuffer(Profile columns) {
    return new WindowBuffer(columns, windowDuration == null ? windowRows : Math.min(1024, maxWindowRows));
  }

  /** A builder for a monitor of this name. */
  public static Builder builder(String name) {
    return new Builder(name);
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
    Validation.notNull("row", row);
    synchronized (lock) {
      beforeRow();
      buffer.add(row);
      afterRow();
    }
  }

  /**
   * Adds one row given as values in the order of the schema fixed at build time
   * ({@link Builder#schema}): no map per row, for high-rate callers such as serving.
   *
   * @throws InvalidArgumentException if the monitor has no schema or the row has another length
   */
  public void log(Object... values) {
    String[] s = requireSchema(values.length);
    synchronized (lock) {
      beforeRow();
      buffer.add(s, values);
      afterRow();
    }
  }

  /** Adds one row of numbers in schema order (NaN is missing); see {@link #log(Object...)}. */
  public void logNumbers(double... values) {
    appendNumbers(requireSchema(values.length), values);
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
    appendNumbers(columns, values);
  }

  private void appendNumbers(String[] columns, double[] values) {
    synchronized (lock) {
      beforeRow();
      buffer.add(columns, values);
      afterRow();
    }
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

  // guarded by lock
  private void beforeRow() {
    if (windowDuration != null && buffer.rows() > 0 && clock.millis() - windowStart >= windowDuration.toMillis()) {
      cut();
    }
  }

  // guarded by lock
  private void afterRow() {
    rowsLogged.increment();
    if (buffer.rows() >= maxWindowRows) {
      cut();
    }
  }

  // guarded by lock: closes the open window and queues it, in window order; when the queue is full,
  // the oldest waiting window is dropped whole and the window after it carries the count
  private CompletableFuture<WindowReport> cut() {
    long now = clock.millis();
    ClosedWindow w = new ClosedWindow(nextWindow++, windowStart, now, buffer, watched, segmentReference);
    buffer = newBuffer(watched);
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
        LOG.warn("monitor {}: executor refused a window report ({}); it runs on the caller", name, e.getMessage());
        drain();
      }
    }
    return w.done;
  }

  /** Processes closed windows one at a time, in order; at most one drain runs at a time. */
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
        w.done.complete(process(w));
      } catch (RuntimeException | Error e) {
        w.done.completeExceptionally(e);
      }
    }
  }

  /**
   * Closes the open window now (if it has rows) and waits until every closed window's report is
   * done; returns the report of the last window closed, if any.
   */
  public Optional<WindowReport> flush() {
    CompletableFuture<WindowReport> last;
    synchronized (lock) {
      if (buffer.rows() > 0) {
        cut();
      }
      last = lastWindow;
    }
    if (last == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(last.get(10, TimeUnit.MINUTES));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlopsException("interrupted while waiting for monitor " + name + " to finish its windows", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new MlopsException("monitor " + name + " could not finish its windows: " + e.getMessage(), e);
    }
  }

  private WindowReport process(ClosedWindow w) {
    WindowReport report;
    try {
      report = analysis.analyse(w);
    } catch (RuntimeException e) {
      windowFailures.increment();
      LOG.error("monitor {}: window {} ({} rows) could not be analysed", name, w.index, w.rows.rows(), e);
      report = analysis.failed(w, e);
    }
    report = raiseAlerts(report, w.droppedWindows, w.droppedRows);
    rowsAnalysed.add(w.rows.rows());
    remember(report);
    persist(w, report);
    notifyListeners(report);
    return report;
  }

  // runs on the executor, one window at a time
  private WindowReport raiseAlerts(WindowReport draft, long droppedWindows, long droppedRows) {
    List<Alert> raised = new ArrayList<>();
    if (droppedWindows > 0) {
      String message = String.format(Locale.ROOT, "monitor %s dropped %d windows (%d rows) before window %d unanalysed: more than %d closed"
          + " windows waited for their reports", name, droppedWindows, droppedRows, draft.window(), maxPending);
      fire(WINDOWS_DROPPED, Optional.of(message), draft, raised);
    }
    for (AlertRule rule : rules) {
      Optional<String> msg;
      try {
        msg = rule.evaluate(draft);
      } catch (RuntimeException e) {
        msg = Optional.of("rule failed: " + e);
      }
      fire(rule.name(), msg, draft, raised);
    }
    return new WindowReport(draft.monitor(), draft.window(), draft.start(), draft.end(), draft.rows(), draft.drift(), draft.quality(),
        draft.segments(), raised, droppedWindows, droppedRows, false);
  }

  private void fire(String rule, Optional<String> msg, WindowReport draft, List<Alert> raised) {
    if (msg.isPresent()) {
      Long last = lastFired.get(rule);
      if (last != null && draft.end() - last < cooldown.toMillis()) {
        return;
      }
      lastFired.put(rule, draft.end());
      raised.add(new Alert(name, rule, draft.window(), draft.end(), msg.get()));
    }
  }

  private void remember(WindowReport report) {
    synchronized (reports) {
      reports.addLast(report);
      while (reports.size() > historyLimit) {
        reports.removeFirst();
      }
      alerts.addAll(report.alerts());
      while (alerts.size() > historyLimit) {
        alerts.removeFirst();
      }
    }
  }

  private void persist(ClosedWindow w, WindowReport report) {
    if (store == null || history == null) {
      return;
    }
    try {
      store.addReport(new MonitoringStore.StoredRecord(name, w.index, report.end(), JSON.writeValueAsString(report)));
      for (Alert a : report.alerts()) {
        store.addAlert(new MonitoringStore.StoredRecord(name, w.index, a.time(), JSON.writeValueAsString(a)));
      }
      history.prune(w.index, clock.millis());
    } catch (JsonProcessingException | MlopsException e) {
      LOG.error("could not store window {} of monitor {}", w.index, name, e);
    }
  }

  private void notifyListeners(WindowReport report) {
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
  }

  /** The most recent window reports in this process, oldest first (at most {@link Builder#history}; the store keeps what its retention keeps). */
  public List<WindowReport> reports() {
    synchronized (reports) {
      return List.copyOf(reports);
    }
  }

  /** The most recent alerts raised in this process (bounded as {@link #reports()}); the stored history is {@link #alertHistory()}. */
  public List<Alert> alerts() {
    synchronized (reports) {
      return List.copyOf(alerts);
    }
  }

  /** The stored alert history (every process, as far as the retention keeps it), oldest first; without a backend, {@link #alerts()}. */
  public List<Alert> alertHistory() {
    if (store == null) {
      return alerts();
    }
    List<Alert> out = new ArrayList<>();
    for (MonitoringStore.StoredRecord r : store.alerts(name, Long.MIN_VALUE, Integer.MAX_VALUE)) {
      try {
        out.add(JSON.readValue(r.json(), Alert.class));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** The reference profile windows are compared with now (every column it was given, watched or not). */
  public Profile reference() {
    return reference;
  }

  /**
   * Replaces the reference profile, for example with the training data of a newly promoted model
   * (a new reference period). The open window is cut first and compared with the old reference;
   * later windows are compared with the new one. With a store, the new profile replaces the stored
   * {@code reference} and is also kept under {@code reference-<time>}.
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
    Profile selected = next.select(watchedNames);
    synchronized (lock) {
      if (buffer.rows() > 0) {
        cut();
      }
      reference = next;
      watched = selected;
      segmentReference = WindowAnalysis.segmentReference(selected, segmentColumn);
      buffer = newBuffer(selected);
    }
    if (store != null) {
      byte[] bytes = next.toBytes();
      store.putProfile(name, "reference", bytes);
      store.putProfile(name, "reference-" + clock.millis(), bytes);
    }
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
   * @param windowsDropped windows dropped unanalysed because {@link Builder#maxPendingWindows} windows already waited
   * @param rowsDropped rows of the dropped windows
   * @param pendingWindows closed windows waiting for their report now (never more than {@link Builder#maxPendingWindows})
   */
  public record Stats(long rows, long windows, long typeProblems, long windowFailures, long listenerFailures, long rowsAnalysed,
      long windowsDropped, long rowsDropped, int pendingWindows) {}

  /** This monitor's counters. */
  public Stats stats() {
    synchronized (lock) {
      return new Stats(rowsLogged.sum(), nextWindow, typeProblems.sum(), windowFailures.sum(), listenerFailures.sum(), rowsAnalysed.sum(),
          windowsDropped, rowsDropped, closed.size());
    }
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

  /** Builder of {@link Monitor}; reusable. Storage, clock and principal are the shared entry-point options. */
  public static final class Builder extends EntryPointBuilder<Builder> {
    private final String name;
    private @Nullable Profile reference;
    private @Nullable Set<String> features;
    private final Set<String> excluded = new LinkedHashSet<>();
    private int windowRows = 1000;
    private @Nullable Duration windowDuration;
    private int maxWindowRows = 1_000_000;
    private int maxPending = 4;
    private DriftOptions driftOptions = DriftOptions.defaults();
    private DataQuality quality = DataQuality.with(List.of());
    private @Nullable String segmentColumn;
    private int segmentMinRows = 30;
    private final List<AlertRule> rules = new ArrayList<>();
    private Duration cooldown = Duration.ZERO;
    private Clock clock = Clock.systemUTC();
    private boolean stored;
    private String @Nullable [] schema;
    private int history = 100;
    private Retention retention = Retention.defaults();
    private @Nullable Executor executor;
    private final List<Consumer<Alert>> alertListeners = new ArrayList<>();
    private final List<Consumer<WindowReport>> reportListeners = new ArrayList<>();

    private Builder(String name) {
      this.name = Validation.name("monitor name", name, 250);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** The reference profile (required), built once and reused. */
    public Builder reference(Profile reference) {
      this.reference = Validation.notNull("reference", reference);
      return this;
    }

    /**
     * Watches only these columns of the reference (default: all of them), for example the model's
     * features when the reference also holds the label. Checked against the reference at
     * {@link #build()}.
     */
    public Builder features(String... columns) {
      this.features = columnSet("features", columns);
      return this;
    }

    /**
     * Leaves these columns of the reference unwatched: no drift test, no quality check, and rows that
     * carry them are not reported as having an unexpected column (a label the logged rows never
     * carry, an identifier). Checked against the reference at {@link #build()}.
     */
    public Builder exclude(String... columns) {
      excluded.addAll(columnSet("exclude", columns));
      return this;
    }

    private static Set<String> columnSet(String field, String[] columns) {
      Validation.notNull(field, columns);
      if (columns.length == 0) {
        throw InvalidArgumentException.of(field, "[]", "needs at least one column");
      }
      Set<String> out = new LinkedHashSet<>();
      for (String c : columns) {
        Validation.notNull(field + " column", c);
        out.add(c);
      }
      return out;
    }

    /** Closes a window every {@code rows} rows (default 1000). */
    public Builder windowRows(int rows) {
      this.windowRows = Validation.positive("window rows", rows);
      this.windowDuration = null;
      return this;
    }

    /**
     * Closes a window when a row arrives {@code duration} after the window opened (instead of by
     * count), or sooner when it reaches {@link #maxWindowRows} rows.
     */
    public Builder windowDuration(Duration duration) {
      this.windowDuration = Retention.positiveDuration("window duration", duration);
      return this;
    }

    /** The most rows a time window holds (default 1,000,000): at this many it closes early, so its memory is bounded whatever the rate. */
    public Builder maxWindowRows(int rows) {
      this.maxWindowRows = Validation.positive("max window rows", rows);
      return this;
    }

    /**
     * How many closed windows may wait for their report (default 4). When one more closes, the
     * oldest waiting window is dropped whole: counted in {@link Monitor#stats()}, reported by the
     * next report ({@link WindowReport#windowsDropped()}) and its {@value Monitor#WINDOWS_DROPPED}
     * alert. Logging never blocks and memory stays bounded.
     */
    public Builder maxPendingWindows(int windows) {
      this.maxPending = Validation.positive("max pending windows", windows);
      return this;
    }

    /** The drift tests, thresholds and corrections (default: {@link DriftOptions#defaults()}). */
    public Builder drift(DriftOptions options) {
      this.driftOptions = Validation.notNull("drift options", options);
      return this;
    }

    /** The data-quality checks run on every window (default: the built-in checks against the reference). */
    public Builder quality(DataQuality quality) {
      this.quality = Validation.notNull("quality", quality);
      return this;
    }

    /** Also reports drift per value of {@code column}, for segments with at least {@code minRows} rows. */
    public Builder segmentBy(String column, int minRows) {
      this.segmentColumn = Validation.notNull("segment column", column);
      this.segmentMinRows = Validation.positive("segment min rows", minRows);
      return this;
    }

    /** Adds an alert rule, evaluated on every window's report. */
    public Builder alert(AlertRule rule) {
      rules.add(Validation.notNull("rule", rule));
      return this;
    }

    /** How long a rule stays quiet after it fired (default 0). */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = Validation.notNull("cooldown", cooldown);
      return this;
    }

    /** The clock for window times (tests use a fake one). */
    @Override
    public Builder clock(Clock clock) {
      this.clock = Validation.notNull("clock", clock);
      return super.clock(clock);
    }

    /** Stores the reference profile, window profiles, reports and alerts in this backend's monitoring store; the caller closes it. */
    @Override
    public Builder storage(StorageBackend backend) {
      stored = true;
      return super.storage(backend);
    }

    /** Stores into the backend at {@code uri}, opened by the monitor and closed with it. */
    @Override
    public Builder storage(String uri) {
      stored = true;
      return super.storage(uri);
    }

    /** How much stored history to keep (default {@link Retention#defaults()}: the last 1,000 windows in full, summaries of older ones). */
    public Builder retention(Retention retention) {
      this.retention = Validation.notNull("retention", retention);
      return this;
    }

    /**
     * Fixes the columns of {@link Monitor#log(Object...)} and {@link Monitor#logNumbers(double...)}
     * rows, in order. Each must be a column of the reference ({@link #build()} checks).
     */
    public Builder schema(String... columns) {
      Validation.notNull("schema", columns);
      if (columns.length == 0) {
        throw InvalidArgumentException.of("schema", "[]", "needs at least one column");
      }
      for (String c : columns) {
        Validation.notNull("schema column", c);
      }
      if (Set.of(columns).size() != columns.length) {
        throw InvalidArgumentException.of("schema", List.of(columns), "has a column twice");
      }
      this.schema = columns.clone();
      return this;
    }

    /** How many window reports and alerts the monitor keeps in memory (default 100); the store keeps what its retention keeps. */
    public Builder history(int windows) {
      this.history = Validation.positive("history", windows);
      return this;
    }

    /**
     * Where window reports are computed (default: a daemon thread of the monitor's own). Windows are
     * analysed one at a time and in order whatever the executor; {@code Runnable::run} analyses on
     * the thread that closes the window, for tests.
     */
    public Builder executor(Executor executor) {
      this.executor = Validation.notNull("executor", executor);
      return this;
    }

    /** Adds an alert listener (called on the executor; an exception is logged and counted). */
    public Builder onAlert(Consumer<Alert> listener) {
      alertListeners.add(Validation.notNull("listener", listener));
      return this;
    }

    /** Adds a report listener (called on the executor; an exception is logged and counted). */
    public Builder onReport(Consumer<WindowReport> listener) {
      reportListeners.add(Validation.notNull("listener", listener));
      return this;
    }

    /**
     * Builds the monitor.
     *
     * @throws InvalidArgumentException without a reference profile; when {@link #features},
     *     {@link #exclude} or {@link #schema} name a column the reference lacks; when no column is
     *     left to watch
     */
    public Monitor build() {
      if (reference == null) {
        throw InvalidArgumentException.of("reference", "(none)", "a monitor needs a reference profile: call reference(...)");
      }
      List<String> known = reference.columns().stream().map(ColumnProfile::name).toList();
      requireKnown("features", features == null ? List.of() : features, known);
      requireKnown("exclude", excluded, known);
      requireKnown("schema", schema == null ? List.of() : List.of(schema), known);
      List<String> watched = known.stream().filter(c -> (features == null || features.contains(c)) && !excluded.contains(c)).toList();
      if (watched.isEmpty()) {
        throw InvalidArgumentException.of("features", features == null ? known : features, "leave no column to watch after exclude " + excluded);
      }
      return new Monitor(this, reference, watched, stored ? settings() : null);
    }

    private static void requireKnown(String field, java.util.Collection<String> names, List<String> known) {
      for (String c : names) {
        if (!known.contains(c)) {
          throw InvalidArgumentException.of(field, c, "is not a column of the reference profile; its columns are " + known);
        }
      }
    }
  }
}
