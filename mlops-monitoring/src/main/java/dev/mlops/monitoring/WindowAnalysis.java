package dev.mlops.monitoring;

import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.ProfileDrift;
import dev.mlops.monitoring.drift.UntestedColumn;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.CheckResult;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.quality.QualityReport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a monitor computes for one closed window, on its executor: drift and data quality of the
 * watched columns against the reference, the window's type problems, drift per segment (without the
 * segment column, one value within each segment), and the window's profiles in the store. The drift
 * tests of a window's columns run on the monitor's executor too ({@link ProfileDrift#compare(Profile,
 * Table, DriftOptions, Executor)}), never on the common pool. A window whose analysis fails gets a
 * report saying why. Stateless but for its counters; one window at a time.
 */
final class WindowAnalysis {
  private static final Logger LOG = LoggerFactory.getLogger(WindowAnalysis.class);

  private final String monitor;
  private final DriftOptions driftOptions;
  private final DriftOptions segmentOptions;
  private final DataQuality quality;
  private final @Nullable String segmentColumn;
  private final int segmentMinRows;
  // columns left out of drift and of the built-in checks: the reference's unwatched ones, the excluded ones, the segment column
  private final Set<String> ignored;
  private final @Nullable MonitoringStore store;
  private final Executor executor;
  private final LongAdder typeProblems = new LongAdder();
  private final LongAdder failures = new LongAdder();

  WindowAnalysis(String monitor, MonitorBuilder b, Profile reference, List<String> watched, @Nullable MonitoringStore store,
      Executor executor) {
    this.monitor = monitor;
    this.driftOptions = b.driftOptions;
    this.segmentColumn = b.segmentColumn;
    this.segmentOptions = segmentColumn != null && watched.contains(segmentColumn)
        ? b.driftOptions.toBuilder().exclude(Set.of(segmentColumn)).build() : b.driftOptions;
    this.quality = b.quality;
    this.segmentMinRows = b.segmentMinRows;
    this.store = store;
    this.executor = executor;
    Set<String> skip = new HashSet<>(b.excluded);
    for (ColumnProfile c : reference.columns()) {
      if (!watched.contains(c.name())) {
        skip.add(c.name());
      }
    }
    if (segmentColumn != null && !watched.contains(segmentColumn)) {
      skip.add(segmentColumn);
    }
    this.ignored = Set.copyOf(skip);
  }

  /** Values of the wrong type so far, counted as missing. */
  long typeProblems() {
    return typeProblems.sum();
  }

  /** Windows whose analysis failed so far. */
  long failures() {
    return failures.sum();
  }

  /** The window's report, without alerts; if its analysis fails, the report says why (and the failure is logged and counted). */
  WindowReport report(ClosedWindow w) {
    try {
      return analyse(w);
    } catch (RuntimeException e) {
      failures.increment();
      LOG.error("monitor {}: window {} ({} rows) could not be analysed", monitor, w.index, w.rows.rows(), e);
      return failed(w, e);
    }
  }

  /** The window's table without the columns the monitor does not watch. */
  private Table analysed(Table t) {
    if (ignored.isEmpty()) {
      return t;
    }
    List<Column> cols = new ArrayList<>();
    for (Column c : t.columns().values()) {
      if (!ignored.contains(c.name())) {
        cols.add(c);
      }
    }
    return cols.size() == t.columns().size() ? t : Table.of(cols);
  }

  /** The window's report, without alerts; its profiles are stored. */
  private WindowReport analyse(ClosedWindow w) {
    Table logged = w.rows.table();
    Table t = analysed(logged);
    Profile reference = w.reference;
    DriftReport drift = ProfileDrift.compare(reference, t, driftOptions, executor);
    QualityReport q = quality.check(reference, t, logged);
    List<WindowBuffer.TypeProblem> problems = w.rows.typeProblems();
    if (!problems.isEmpty()) {
      List<CheckResult> results = new ArrayList<>(q.results());
      for (WindowBuffer.TypeProblem p : problems) {
        typeProblems.add(p.count());
        results.add(new CheckResult("type", p.column(), false, p.count() + " values of another type (e.g. '" + p.example()
            + "'), counted as missing", "numerical"));
      }
      q = new QualityReport(q.rows(), results);
    }
    Map<String, DriftReport> segments = new LinkedHashMap<>();
    if (segmentColumn != null) {
      for (Map.Entry<String, int[]> g : w.rows.groups(segmentColumn).entrySet()) {
        if (g.getValue().length >= segmentMinRows) {
          Table segment = analysed(w.rows.table(g.getValue()));
          segments.put(g.getKey(), ProfileDrift.compare(reference, segment, segmentOptions, executor));
          if (store != null) {
            store.putProfile(monitor, MonitorLayout.segment(w.index, g.getKey()), Profile.of(segment).toBytes());
          }
        }
      }
    }
    if (store != null) {
      store.putProfile(monitor, MonitorLayout.window(w.index), Profile.of(t).toBytes());
    }
    return new WindowReport(monitor, w.index, w.start, w.end, w.rows.rows(), drift, q, segments, List.of());
  }

  /** The report of a window whose analysis failed: every watched column not tested, with the reason, and a failed check saying why. */
  private WindowReport failed(ClosedWindow w, RuntimeException e) {
    String why = e.getClass().getSimpleName() + ": " + e.getMessage();
    List<UntestedColumn> none = w.reference.columns().stream().map(c -> new UntestedColumn(c.name(), "analysis failed: " + why)).toList();
    DriftReport drift = new DriftReport((int) Math.min(Integer.MAX_VALUE, w.reference.rows()), w.rows.rows(), false, 0, 0, List.of(),
        "not computed", none);
    QualityReport q = new QualityReport(w.rows.rows(), List.of(new CheckResult("analysis", "", false, why, "the window can be analysed")));
    return new WindowReport(monitor, w.index, w.start, w.end, w.rows.rows(), drift, q, Map.of(), List.of());
  }
}
