package dev.mlops.monitoring;

import dev.mlops.api.EntryPointBuilder;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.Validation;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftTest;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.DataQuality;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builder of {@link Monitor} ({@link Monitor#builder(String)}); reusable. Each setter checks its
 * argument at once; options that contradict each other are refused when the second is set
 * ({@link #windowRows} against {@link #windowDuration}) or at {@link #build()} (options that need
 * another, columns the reference lacks). Storage, clock and principal are the shared entry-point
 * options.
 */
public final class MonitorBuilder extends EntryPointBuilder<MonitorBuilder> {
  final String name;
  @Nullable Profile reference;
  @Nullable Set<String> features;
  final Set<String> excluded = new LinkedHashSet<>();
  int windowRows = 1000;
  private boolean windowRowsSet;
  @Nullable Duration windowDuration;
  int maxWindowRows = 1_000_000;
  private boolean maxWindowRowsSet;
  int maxPending = 4;
  DriftOptions driftOptions = DriftOptions.defaults();
  DataQuality quality = DataQuality.with(List.of());
  @Nullable String segmentColumn;
  int segmentMinRows = 30;
  final List<AlertRule> rules = new ArrayList<>();
  Duration cooldown = Duration.ZERO;
  Clock clock = Clock.systemUTC();
  private boolean stored;
  String @Nullable [] schema;
  int history = 100;
  Retention retention = Retention.defaults();
  @Nullable Executor executor;
  final List<Consumer<Alert>> alertListeners = new ArrayList<>();
  final List<Consumer<WindowReport>> reportListeners = new ArrayList<>();

  MonitorBuilder(String name) {
    this.name = Validation.name("monitor name", name, 250);
  }

  @Override
  protected MonitorBuilder self() {
    return this;
  }

  /** The reference profile (required), built once and reused. */
  public MonitorBuilder reference(Profile reference) {
    this.reference = Validation.notNull("reference", reference);
    return this;
  }

  /**
   * Watches only these columns of the reference (default: all of them), for example the model's
   * features when the reference also holds the label. Checked against the reference at
   * {@link #build()}.
   */
  public MonitorBuilder features(String... columns) {
    this.features = columnSet("features", columns);
    return this;
  }

  /**
   * Leaves these columns of the reference unwatched: no drift test, no quality check, and rows that
   * carry them are not reported as having an unexpected column (a label the logged rows never
   * carry, an identifier). Checked against the reference at {@link #build()}.
   */
  public MonitorBuilder exclude(String... columns) {
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

  /**
   * Closes a window every {@code rows} rows (default 1000).
   *
   * @throws InvalidArgumentException if {@code rows} is not positive, or if {@link #windowDuration}
   *     was set: a window closes by count or by time, not both
   */
  public MonitorBuilder windowRows(int rows) {
    Validation.positive("window rows", rows);
    if (windowDuration != null) {
      throw InvalidArgumentException.of("window rows", rows, oneWindowKind("windowDuration(" + windowDuration + ")"));
    }
    this.windowRows = rows;
    this.windowRowsSet = true;
    return this;
  }

  /**
   * Closes a window when a row arrives {@code duration} after the window opened (instead of by
   * count), or sooner when it reaches {@link #maxWindowRows} rows.
   *
   * @throws InvalidArgumentException if {@code duration} is not positive, or if {@link #windowRows}
   *     was set: a window closes by count or by time, not both
   */
  public MonitorBuilder windowDuration(Duration duration) {
    Duration d = Retention.positiveDuration("window duration", duration);
    if (windowRowsSet) {
      throw InvalidArgumentException.of("window duration", d, oneWindowKind("windowRows(" + windowRows + ")"));
    }
    this.windowDuration = d;
    return this;
  }

  private static String oneWindowKind(String setBefore) {
    return "cannot be combined with " + setBefore + ", set before: a window closes every N rows or once a duration passed, not both"
        + " (maxWindowRows(n) bounds a time window's rows)";
  }

  /**
   * The most rows a time window holds (default 1,000,000): at this many it closes early, so its
   * memory is bounded whatever the rate. Needs {@link #windowDuration} ({@link #build()} checks): a
   * count window closes at {@link #windowRows}.
   */
  public MonitorBuilder maxWindowRows(int rows) {
    this.maxWindowRows = Validation.positive("max window rows", rows);
    this.maxWindowRowsSet = true;
    return this;
  }

  /**
   * How many closed windows may wait for their report (default 4). When one more closes, the
   * oldest waiting window is dropped whole: counted in {@link Monitor#stats()}, reported by the
   * next report ({@link WindowReport#windowsDropped()}) and its {@value Monitor#WINDOWS_DROPPED}
   * alert. Logging never blocks and memory stays bounded.
   */
  public MonitorBuilder maxPendingWindows(int windows) {
    this.maxPending = Validation.positive("max pending windows", windows);
    return this;
  }

  /**
   * The drift tests, thresholds and corrections (default: {@link DriftOptions#defaults()}). A
   * monitor compares windows with a reference profile: {@link #build()} refuses a test that does not
   * run against one ({@link DriftTest#worksOnProfile()}) and options naming a column it does not watch.
   */
  public MonitorBuilder drift(DriftOptions options) {
    this.driftOptions = Validation.notNull("drift options", options);
    return this;
  }

  /** The data-quality checks run on every window (default: the built-in checks against the reference). */
  public MonitorBuilder quality(DataQuality quality) {
    this.quality = Validation.notNull("quality", quality);
    return this;
  }

  /** Also reports drift per value of {@code column}, for segments with at least {@code minRows} rows. */
  public MonitorBuilder segmentBy(String column, int minRows) {
    this.segmentColumn = Validation.notNull("segment column", column);
    this.segmentMinRows = Validation.positive("segment min rows", minRows);
    return this;
  }

  /** Adds an alert rule, evaluated on every window's report. */
  public MonitorBuilder alert(AlertRule rule) {
    rules.add(Validation.notNull("rule", rule));
    return this;
  }

  /**
   * How long a rule stays quiet after it fired (default 0), by window end time. A rule that fires
   * during its cooldown raises no alert; the window's report lists it in
   * {@link WindowReport#suppressedAlerts()}, stored with the report, so that the quiet is visible.
   * With {@link #storage(StorageBackend) storage}, the cooldown holds across processes: an alert of the same rule that
   * any process stored under this monitor's name (the service before its restart, another JVM of the
   * fleet) starts it too, read from the store when the rule fires. Two processes whose windows close
   * within the same moment can each raise one.
   */
  public MonitorBuilder cooldown(Duration cooldown) {
    this.cooldown = Validation.notNull("cooldown", cooldown);
    return this;
  }

  /** The clock for window times (tests use a fake one). */
  @Override
  public MonitorBuilder clock(Clock clock) {
    this.clock = Validation.notNull("clock", clock);
    return super.clock(clock);
  }

  /** Stores the reference profile, window profiles, reports and alerts in this backend's monitoring store; the caller closes it. */
  @Override
  public MonitorBuilder storage(StorageBackend backend) {
    stored = true;
    return super.storage(backend);
  }

  /** Stores into the backend at {@code uri}, opened by the monitor and closed with it. */
  @Override
  public MonitorBuilder storage(String uri) {
    stored = true;
    return super.storage(uri);
  }

  /** How much stored history to keep (default {@link Retention#defaults()}: the last 1,000 windows in full, summaries of older ones). */
  public MonitorBuilder retention(Retention retention) {
    this.retention = Validation.notNull("retention", retention);
    return this;
  }

  /**
   * Fixes the columns of {@link Monitor#log(Object...)} and {@link Monitor#logNumbers(double...)}
   * rows, in order. Each must be a column of the reference ({@link #build()} checks).
   */
  public MonitorBuilder schema(String... columns) {
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
  public MonitorBuilder history(int windows) {
    this.history = Validation.positive("history", windows);
    return this;
  }

  /**
   * Where window reports are computed (default: daemon threads of the monitor's own, one per
   * processor, that end when idle). Windows are analysed one at a time and in order whatever the
   * executor; the drift tests of a window's columns are shared between the thread analysing it and
   * helpers handed to the same executor, never the common pool. {@code Runnable::run} analyses on the
   * thread that closes the window, for tests.
   */
  public MonitorBuilder executor(Executor executor) {
    this.executor = Validation.notNull("executor", executor);
    return this;
  }

  /** Adds an alert listener (called on the executor; an exception is logged and counted). */
  public MonitorBuilder onAlert(Consumer<Alert> listener) {
    alertListeners.add(Validation.notNull("listener", listener));
    return this;
  }

  /** Adds a report listener (called on the executor; an exception is logged and counted). */
  public MonitorBuilder onReport(Consumer<WindowReport> listener) {
    reportListeners.add(Validation.notNull("listener", listener));
    return this;
  }

  /**
   * Builds the monitor.
   *
   * @throws InvalidArgumentException without a reference profile; when {@link #features},
   *     {@link #exclude} or {@link #schema} name a column the reference lacks; when no column is
   *     left to watch; when {@link #maxWindowRows} is set without {@link #windowDuration}; when the
   *     {@link #drift} options name a column the monitor does not watch or a test that does not run
   *     against a profile
   */
  public Monitor build() {
    if (reference == null) {
      throw InvalidArgumentException.of("reference", "(none)", "a monitor needs a reference profile: call reference(...)");
    }
    if (maxWindowRowsSet && windowDuration == null) {
      throw InvalidArgumentException.of("max window rows", maxWindowRows, "bounds a time window: it needs windowDuration(...); a count window"
          + " closes at windowRows(" + windowRows + ")");
    }
    List<String> known = reference.columns().stream().map(ColumnProfile::name).toList();
    requireKnown("features", features == null ? List.of() : features, known, "is not a column of the reference profile; its columns are ");
    requireKnown("exclude", excluded, known, "is not a column of the reference profile; its columns are ");
    requireKnown("schema", schema == null ? List.of() : List.of(schema), known, "is not a column of the reference profile; its columns are ");
    List<String> watched = known.stream().filter(c -> (features == null || features.contains(c)) && !excluded.contains(c)).toList();
    if (watched.isEmpty()) {
      throw InvalidArgumentException.of("features", features == null ? known : features, "leave no column to watch after exclude " + excluded);
    }
    requireKnown("drift options", driftOptions.namedColumns(), watched, "is not a column the monitor watches; it watches ");
    List<DriftTest> tests = new ArrayList<>(driftOptions.columnTests().values());
    driftOptions.test().ifPresent(tests::add);
    for (DriftTest t : tests) {
      if (!t.worksOnProfile()) {
        throw InvalidArgumentException.of("drift test", t.id(), "reads the raw reference values, which a monitor's reference profile does not"
            + " keep; a monitor can use " + java.util.Arrays.stream(DriftTest.values()).filter(DriftTest::worksOnProfile).map(DriftTest::id)
                .toList());
      }
    }
    return new Monitor(this, reference, watched, stored ? settings() : null);
  }

  private static void requireKnown(String field, Collection<String> names, List<String> known, String rule) {
    for (String c : names) {
      if (!known.contains(c)) {
        throw InvalidArgumentException.of(field, c, rule + known);
      }
    }
  }
}
