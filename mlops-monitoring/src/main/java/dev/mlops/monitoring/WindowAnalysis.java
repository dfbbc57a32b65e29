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
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What a monitor computes for one closed window, on its executor: drift and data quality of the
 * watched columns against the reference, the window's type problems, drift per segment, and the
 * window's profiles in the store. Stateless but for the type-problem counter; one window at a time.
 */
final class WindowAnalysis {
  private final String monitor;
  private final DriftOptions driftOptions;
  private final DataQuality quality;
  private final @Nullable String segmentColumn;
  private final int segmentMinRows;
  // columns left out of drift and of the built-in checks: the reference's unwatched ones, the excluded ones, the segment column
  private final Set<String> ignored;
  private final @Nullable MonitoringStore store;
  private final LongAdder typeProblems;

  WindowAnalysis(String monitor, Profile reference, List<String> watched, Set<String> excluded, DriftOptions driftOptions,
      DataQuality quality, @Nullable String segmentColumn, int segmentMinRows, @Nullable MonitoringStore store, LongAdder typeProblems) {
    this.monitor = monitor;
    this.driftOptions = driftOptions;
    this.quality = quality;
    this.segmentColumn = segmentColumn;
    this.segmentMinRows = segmentMinRows;
    this.store = store;
    this.typeProblems = typeProblems;
    Set<String> skip = new HashSet<>(excluded);
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

  /** The watched columns less the segment column, which is one value within each segment. */
  static Profile segmentReference(Profile watched, @Nullable String segmentColumn) {
    List<String> names = watched.columns().stream().map(ColumnProfile::name).filter(c -> !c.equals(segmentColumn)).toList();
    return names.size() == watched.columns().size() ? watched : watched.select(names);
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
  WindowReport analyse(ClosedWindow w) {
    Table logged = w.rows.table();
    Table t = analysed(logged);
    Profile reference = w.reference;
    DriftReport drift = ProfileDrift.compare(reference, t, driftOptions);
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
          segments.put(g.getKey(), ProfileDrift.compare(w.segmentReference, segment, driftOptions));
          if (store != null) {
            store.putProfile(monitor, StoredHistory.segmentKey(w.index, g.getKey()), Profile.of(segment).toBytes());
          }
        }
      }
    }
    if (store != null) {
      store.putProfile(monitor, StoredHistory.windowKey(w.index), Profile.of(t).toBytes());
    }
    return new WindowReport(monitor, w.index, w.start, w.end, w.rows.rows(), drift, q, segments, List.of());
  }

  /** The report of a window whose analysis failed: every watched column not tested, with the reason, and a failed check saying why. */
  WindowReport failed(ClosedWindow w, RuntimeException e) {
    String why = e.getClass().getSimpleName() + ": " + e.getMessage();
    List<UntestedColumn> none = w.reference.columns().stream().map(c -> new UntestedColumn(c.name(), "analysis failed: " + why)).toList();
    DriftReport drift = new DriftReport((int) Math.min(Integer.MAX_VALUE, w.reference.rows()), w.rows.rows(), false, 0, 0, List.of(),
        "not computed", none);
    QualityReport q = new QualityReport(w.rows.rows(), List.of(new CheckResult("analysis", "", false, why, "the window can be analysed")));
    return new WindowReport(monitor, w.index, w.start, w.end, w.rows.rows(), drift, q, Map.of(), List.of());
  }
}
