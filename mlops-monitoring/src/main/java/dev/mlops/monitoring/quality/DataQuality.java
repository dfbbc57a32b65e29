package dev.mlops.monitoring.quality;

import dev.mlops.monitoring.Column;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Data-quality checks of a current table against a reference profile (derived conditions, as
 * Evidently derives them from a reference) plus any declarative {@link Check}s:
 *
 * <ul>
 *   <li>schema: columns missing from or unexpected in the current data, type mismatches;
 *   <li>missing values: the current missing share at most the reference's plus
 *       {@code missingTolerance} (default 0.05);
 *   <li>range: at most {@code outOfRangeTolerance} (default 0.01) of the current numbers outside
 *       the reference's [min, max];
 *   <li>new categories: current values never seen in the reference;
 *   <li>constant columns: a current column with one distinct value where the reference had more;
 *   <li>duplicate rows: at most {@code duplicateTolerance} (default 0.05) of the rows.
 * </ul>
 */
public final class DataQuality {
  private final double missingTolerance;
  private final double outOfRangeTolerance;
  private final double duplicateTolerance;
  private final List<Check> checks;

  private DataQuality(double missingTolerance, double outOfRangeTolerance, double duplicateTolerance, List<Check> checks) {
    this.missingTolerance = missingTolerance;
    this.outOfRangeTolerance = outOfRangeTolerance;
    this.duplicateTolerance = duplicateTolerance;
    this.checks = List.copyOf(checks);
  }

  /** Default tolerances and the given declarative checks. */
  public static DataQuality with(List<Check> checks) {
    return new DataQuality(0.05, 0.01, 0.05, checks);
  }

  /** Other tolerances. */
  public DataQuality tolerances(double missing, double outOfRange, double duplicates) {
    return new DataQuality(missing, outOfRange, duplicates, checks);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", v * 100);
  }

  /** Runs every check on {@code current}. */
  public QualityReport check(Profile reference, Table current) {
    List<CheckResult> out = new ArrayList<>();
    Set<String> refNames = new HashSet<>();
    for (ColumnProfile ref : reference.columns()) {
      refNames.add(ref.name());
      Column cur = current.columns().get(ref.name());
      if (cur == null) {
        out.add(new CheckResult("column_present", ref.name(), false, "missing", "present"));
        continue;
      }
      boolean refNumeric = ref.isNumerical();
      boolean curNumeric = cur.type() == Column.Type.NUMERICAL;
      out.add(new CheckResult("type", ref.name(), refNumeric == curNumeric, cur.type().label(), refNumeric ? "numerical" : "categorical"));
      double refMissing = ref.count() == 0 ? 0 : (double) ref.missingTotal() / ref.count();
      double curMissing = cur.size() == 0 ? 0 : (double) cur.missing() / cur.size();
      out.add(new CheckResult("missing_share", ref.name(), curMissing <= refMissing + missingTolerance, pct(curMissing),
          "<= " + pct(refMissing) + " + " + pct(missingTolerance)));
      if (refNumeric && curNumeric) {
        double[] v = cur.presentNumbers();
        long outside = Arrays.stream(v).filter(x -> x < ref.min() || x > ref.max()).count();
        double share = v.length == 0 ? 0 : (double) outside / v.length;
        out.add(new CheckResult("out_of_range_share", ref.name(), share <= outOfRangeTolerance, pct(share) + " outside ["
            + String.format(Locale.ROOT, "%.6g, %.6g", ref.min(), ref.max()) + "]", "<= " + pct(outOfRangeTolerance)));
      } else if (!refNumeric) {
        Set<String> known = ref.frequentItems().keySet();
        TreeSet<String> unseen = new TreeSet<>();
        for (String s : cur.presentLabels()) {
          if (!known.contains(s)) {
            unseen.add(s);
          }
        }
        out.add(new CheckResult("new_categories", ref.name(), unseen.isEmpty(), unseen.isEmpty() ? "none" : unseen.toString(), "none"));
      }
      long distinct = cur.distinctPresent();
      boolean constant = distinct <= 1 && ref.distinctEstimate() > 1.5;
      out.add(new CheckResult("not_constant", ref.name(), !constant, distinct + " distinct values",
          "more than 1 (reference has about " + Math.round(ref.distinctEstimate()) + ")"));
    }
    for (String name : current.columns().keySet()) {
      if (!refNames.contains(name)) {
        out.add(new CheckResult("column_expected", name, false, "unexpected column", "only reference columns"));
      }
    }
    long dups = duplicateRows(current);
    double dupShare = current.rows() == 0 ? 0 : (double) dups / current.rows();
    out.add(new CheckResult("duplicate_rows", "", dupShare <= duplicateTolerance, dups + " (" + pct(dupShare) + ")",
        "<= " + pct(duplicateTolerance)));
    for (Check c : checks) {
      out.add(c.evaluate(current));
    }
    return new QualityReport(current.rows(), out);
  }

  /** Rows equal to an earlier row in every column. */
  public static long duplicateRows(Table t) {
    List<Column> cols = new ArrayList<>(t.columns().values());
    List<double[]> nums = new ArrayList<>();
    List<String[]> cats = new ArrayList<>();
    for (Column c : cols) {
      nums.add(c.numbers());
      cats.add(c.categories());
    }
    Set<List<Object>> seen = new HashSet<>();
    long dups = 0;
    for (int r = 0; r < t.rows(); r++) {
      List<Object> key = new ArrayList<>(cols.size());
      for (int c = 0; c < cols.size(); c++) {
        key.add(nums.get(c) != null ? (Object) nums.get(c)[r] : cats.get(c)[r]);
      }
      if (!seen.add(key)) {
        dups++;
      }
    }
    return dups;
  }
}
