package dev.mlops.monitoring.quality;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;

/**
 * Data-quality checks of a current table against a reference profile plus any declarative
 * {@link Check}s. The built-in checks, per reference column:
 *
 * <ul>
 *   <li>{@code column_present}: the column is in the current data;
 *   <li>{@code type}: numerical in both or categorical in both;
 *   <li>{@code missing_share}: no more missing values than chance allows given the reference's
 *       missing share and size (Fisher's one-sided exact test);
 *   <li>{@code out_of_range_share}: no more numbers outside the reference's [min, max] than chance
 *       allows for a reference of that many values (about 2/(m+1) of new values fall outside the
 *       range of m values by chance alone);
 *   <li>{@code new_categories}: no more values in categories the reference lacks than its rare
 *       categories make likely (Good–Turing: the reference's share of categories seen once);
 *   <li>{@code not_constant}: one value in the whole column fails only where the reference had more
 *       and its commonest value filling the column by chance is less likely than the check's rate;
 * </ul>
 *
 * and {@code duplicate_rows}: at most 5 % of the rows repeat an earlier row, or more where the
 * reference's columns are so discrete that identical rows are expected by chance; and
 * {@code column_expected}: no column the reference lacks.
 *
 * <p>The limits are derived from the reference and the window's size so that a window drawn like
 * the reference fails any of these checks with probability at most the false-alarm rate (default
 * {@value #DEFAULT_FALSE_ALARM_RATE} per window, split evenly over the window's checks).
 * {@link #tolerances} replaces them with fixed shares. Immutable and thread-safe.
 */
public final class DataQuality {
  /** The default chance that a window drawn like the reference fails any built-in check. */
  public static final double DEFAULT_FALSE_ALARM_RATE = 0.001;
  private static final double DUPLICATE_FLOOR = 0.05;
  private static final int SHOWN_CATEGORIES = 10;

  private final boolean fixed;
  private final double missingTolerance;
  private final double outOfRangeTolerance;
  private final double duplicateTolerance;
  private final double falseAlarmRate;
  private final List<Check> checks;

  private DataQuality(boolean fixed, double missingTolerance, double outOfRangeTolerance, double duplicateTolerance, double falseAlarmRate,
      List<Check> checks) {
    this.fixed = fixed;
    this.missingTolerance = missingTolerance;
    this.outOfRangeTolerance = outOfRangeTolerance;
    this.duplicateTolerance = duplicateTolerance;
    this.falseAlarmRate = falseAlarmRate;
    this.checks = List.copyOf(checks);
  }

  /** The built-in checks with limits derived from the reference, and the given declarative checks. */
  public static DataQuality with(List<Check> checks) {
    return new DataQuality(false, DUPLICATE_FLOOR, 0, DUPLICATE_FLOOR, DEFAULT_FALSE_ALARM_RATE, checks);
  }

  /**
   * Fixed tolerances instead of derived ones: the current missing share at most the reference's
   * plus {@code missing}, at most {@code outOfRange} of the numbers outside the reference's range,
   * at most {@code duplicates} of the rows duplicated; no unseen category and no constant column.
   */
  public DataQuality tolerances(double missing, double outOfRange, double duplicates) {
    return new DataQuality(true, share("missing tolerance", missing), share("out-of-range tolerance", outOfRange),
        share("duplicate tolerance", duplicates), falseAlarmRate, checks);
  }

  /**
   * The chance that a window drawn like the reference fails any derived check (default
   * {@value #DEFAULT_FALSE_ALARM_RATE}); lower is quieter and less sensitive.
   *
   * @throws InvalidArgumentException unless {@code 0 < rate < 0.5}
   */
  public DataQuality falseAlarmRate(double rate) {
    if (!(rate > 0 && rate < 0.5)) {
      throw InvalidArgumentException.of("false alarm rate", rate, "must be above 0 and below 0.5");
    }
    return new DataQuality(fixed, missingTolerance, outOfRangeTolerance, duplicateTolerance, rate, checks);
  }

  private static double share(String field, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw InvalidArgumentException.of(field, v, "must be between 0 and 1");
    }
    return v;
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", v * 100);
  }

  private static String ofRows(long count, long total) {
    return count + " of " + total + " (" + pct(total == 0 ? 0 : (double) count / total) + ")";
  }

  /** Runs every check on {@code current}. */
  public QualityReport check(Profile reference, Table current) {
    return check(reference, current, current);
  }

  /**
   * Runs the built-in checks on {@code current} against the reference and the declarative checks on
   * {@code logged}, the same rows with every column they carry (a monitor leaves the columns it does
   * not watch out of {@code current}, yet a declared check may name one).
   */
  public QualityReport check(Profile reference, Table current, Table logged) {
    List<CheckResult> out = new ArrayList<>(builtIn(reference, QualityCounts.of(reference, current)));
    for (Check c : checks) {
      out.add(c.evaluate(logged));
    }
    return new QualityReport(current.rows(), out);
  }

  /**
   * Runs the built-in checks on current rows known by their counts against the reference ({@link QualityCounts},
   * counted in one JVM or per partition of a distributed job and added up): the same results as
   * {@link #check(Profile, Table)} on those rows, without the declarative checks, which read the rows
   * themselves.
   *
   * @throws InvalidArgumentException if this carries declarative checks, which need the rows
   */
  public QualityReport check(Profile reference, QualityCounts current) {
    if (!checks.isEmpty()) {
      throw InvalidArgumentException.of("checks", checks.size() + " declarative checks", "read the rows themselves, which counts do not"
          + " hold; check counts with the built-in checks only (DataQuality.with(List.of()))");
    }
    return new QualityReport(current.rows(), builtIn(reference, current));
  }

  private List<CheckResult> builtIn(Profile reference, QualityCounts current) {
    List<CheckResult> out = new ArrayList<>();
    Set<String> refNames = new HashSet<>();
    int present = 0;
    for (ColumnProfile ref : reference.columns()) {
      if (current.columns().containsKey(ref.name())) {
        present++;
      }
    }
    // each present column has three chance checks (missing, range or categories, constant), the table one
    double alpha = falseAlarmRate / (3.0 * present + 1);
    double collision = 1;
    for (ColumnProfile ref : reference.columns()) {
      refNames.add(ref.name());
      QualityCounts.ColumnCounts cur = current.columns().get(ref.name());
      if (cur == null) {
        out.add(new CheckResult("column_present", ref.name(), false, "absent", "present"));
        continue;
      }
      boolean refNumeric = ref.isNumerical();
      boolean curNumeric = cur.numerical();
      out.add(new CheckResult("type", ref.name(), refNumeric == curNumeric, (curNumeric ? Column.Type.NUMERICAL : Column.Type.CATEGORICAL).label(),
          refNumeric ? "numerical" : "categorical"));
      out.add(missing(ref, cur, alpha));
      Shares shares = Shares.of(ref);
      collision *= shares.collision;
      if (refNumeric && curNumeric) {
        out.add(outOfRange(ref, cur, alpha));
      } else if (!refNumeric) {
        out.add(newCategories(ref, cur, alpha));
      }
      out.add(notConstant(ref, cur, shares.largest, alpha));
    }
    for (String name : current.columns().keySet()) {
      if (!refNames.contains(name)) {
        out.add(new CheckResult("column_expected", name, false, "unexpected column", "only reference columns"));
      }
    }
    out.add(duplicates(current, collision, alpha));
    return out;
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private CheckResult missing(ColumnProfile ref, QualityCounts.ColumnCounts cur, double alpha) {
    double refMissing = ref.count() == 0 ? 0 : (double) ref.missingTotal() / ref.count();
    long missing = cur.missing();
    long rows = cur.size();
    if (fixed) {
      double share = rows == 0 ? 0 : (double) missing / rows;
      return new CheckResult("missing_share", ref.name(), share <= refMissing + missingTolerance, pct(share),
          "<= " + pct(refMissing) + " + " + pct(missingTolerance));
    }
    int limit = ChanceLimits.missing(ref.missingTotal(), ref.count(), clamp(rows), alpha);
    return new CheckResult("missing_share", ref.name(), missing <= limit, ofRows(missing, rows), "<= " + ofRows(limit, rows)
        + ", what chance allows against the reference's " + pct(refMissing) + " of " + ref.count() + " values");
  }

  private CheckResult outOfRange(ColumnProfile ref, QualityCounts.ColumnCounts cur, double alpha) {
    long outside = cur.outOfRange();
    long n = cur.presentNumbers();
    String observed = ofRows(outside, n) + " outside [" + dev.mlops.api.internal.Numbers.compact(ref.min()) + ", " + dev.mlops.api.internal.Numbers.compact(ref.max()) + "]";
    if (fixed) {
      double share = n == 0 ? 0 : (double) outside / n;
      return new CheckResult("out_of_range_share", ref.name(), share <= outOfRangeTolerance, observed, "<= " + pct(outOfRangeTolerance));
    }
    int limit = ChanceLimits.outOfRange(ref.numericCount(), clamp(n), alpha);
    return new CheckResult("out_of_range_share", ref.name(), outside <= limit, observed, "<= " + ofRows(limit, n)
        + ", what chance allows beyond the range of " + ref.numericCount() + " reference values");
  }

  private CheckResult newCategories(ColumnProfile ref, QualityCounts.ColumnCounts cur, double alpha) {
    SortedMap<String, Long> unseen = cur.unseen();
    long count = cur.unseenValues();
    long labels = cur.presentLabels();
    String observed = unseen.isEmpty() ? "none" : shown(unseen) + " (" + ofRows(count, labels) + " values)";
    if (fixed) {
      return new CheckResult("new_categories", ref.name(), unseen.isEmpty(), observed, "none");
    }
    double mass = unseenMass(ref);
    int limit = ChanceLimits.binomial(clamp(labels), mass, alpha);
    return new CheckResult("new_categories", ref.name(), count <= limit, observed, "<= " + ofRows(limit, labels)
        + " values in categories the reference lacks, what chance allows when " + pct(mass) + " of new values are in unseen ones");
  }

  private static String shown(SortedMap<String, Long> unseen) {
    if (unseen.size() <= SHOWN_CATEGORIES) {
      return unseen.keySet().toString();
    }
    return new ArrayList<>(unseen.keySet()).subList(0, SHOWN_CATEGORIES).toString().replaceAll("]$", ", ...]") + " " + unseen.size()
        + " categories";
  }

  /**
   * The share of new values expected in categories the reference does not hold: the Good–Turing
   * estimate (categories seen once, plus one, over the values plus one) while the sketch's counts
   * are exact; beyond, at least the share not certainly covered by the categories it kept.
   */
  static double unseenMass(ColumnProfile ref) {
    Map<String, Long> items = ref.frequentItems();
    long error = ref.frequentItemsError();
    long seen = 0;
    long once = 0;
    long certain = 0;
    for (long c : items.values()) {
      seen += c;
      certain += Math.max(0, c - error);
      if (c == 1) {
        once++;
      }
    }
    if (error == 0) {
      return Math.min(1, (once + 1.0) / (seen + 1.0));
    }
    long values = Math.max(1, ref.count() - ref.missingTotal() - ref.numericCount());
    return Math.min(1, Math.max(1.0 / (values + 1), 1 - (double) certain / values));
  }

  private CheckResult notConstant(ColumnProfile ref, QualityCounts.ColumnCounts cur, double largestShare, double alpha) {
    long distinct = cur.distinctPresent();
    boolean varied = ref.distinctEstimate() > 1.5;
    String expected = "more than 1 (reference has about " + Math.round(ref.distinctEstimate()) + ")";
    if (fixed) {
      return new CheckResult("not_constant", ref.name(), !(distinct <= 1 && varied), distinct + " distinct values", expected);
    }
    long values = cur.size() - cur.missing();
    // the chance that every value of the window equals one value is at most largest^(values - 1)
    double chance = values < 2 || !(largestShare > 0) ? 1 : Math.pow(largestShare, values - 1);
    boolean constant = distinct == 1 && varied && chance <= alpha;
    return new CheckResult("not_constant", ref.name(), !constant, distinct + " distinct values in " + values,
        expected + ", unless one value filling " + values + " values is as likely as " + String.format(Locale.ROOT, "%.3g", alpha));
  }

  private CheckResult duplicates(QualityCounts current, double collision, double alpha) {
    long dups = current.duplicateRows();
    long rows = current.rows();
    if (fixed) {
      double share = rows == 0 ? 0 : (double) dups / rows;
      return new CheckResult("duplicate_rows", "", share <= duplicateTolerance, dups + " (" + pct(share) + ")", "<= " + pct(duplicateTolerance));
    }
    // identical rows by chance: the pairs of rows times the chance that two rows agree in every column
    // (columns taken as independent; the floor covers what their correlation adds)
    double pairs = rows * (rows - 1.0) / 2;
    long limit = Math.max((long) Math.floor(DUPLICATE_FLOOR * rows), ChanceLimits.poisson(pairs * collision, alpha));
    return new CheckResult("duplicate_rows", "", dups <= limit, ofRows(dups, rows), "<= " + ofRows(Math.min(limit, rows), rows)
        + ", 5 % or what chance allows for columns this discrete");
  }

  /** The reference's largest value share and the chance that two of its values are equal (missing counted as a value). */
  private record Shares(double largest, double collision) {
    static Shares of(ColumnProfile ref) {
      double count = ref.count();
      if (count == 0) {
        return new Shares(1, 1);
      }
      double missing = ref.missingTotal() / count;
      double largest = 0;
      double squares = 0;
      if (ref.isNumerical()) {
        double[][] steps = ref.cdfSteps();
        double before = 0;
        for (int i = 0; i < steps[0].length; i++) {
          if (i + 1 < steps[0].length && steps[0][i + 1] == steps[0][i]) {
            continue;
          }
          double share = steps[1][i] - before;
          before = steps[1][i];
          largest = Math.max(largest, share);
          squares += share * share;
        }
        double present = 1 - missing;
        return new Shares(largest, missing * missing + present * present * squares);
      }
      for (long c : ref.frequentItems().values()) {
        double share = c / count;
        largest = Math.max(largest, share);
        squares += share * share;
      }
      double present = count - ref.missingTotal();
      return new Shares(present == 0 ? 1 : largest * count / present, Math.min(1, missing * missing + squares));
    }
  }

  /**
   * Rows equal to an earlier row in every column (numbers equal as {@link Double#equals} has it:
   * the same bits, so NaN equals NaN and 0.0 differs from -0.0; categories by {@link String#equals},
   * missing ones equal). One hash of each row over its values' bits and an open-addressing table of
   * row numbers: nothing is boxed per row.
   */
  public static long duplicateRows(Table t) {
    List<Column> cols = new ArrayList<>(t.columns().values());
    int n = t.rows();
    double[][] nums = new double[cols.size()][];
    String[][] cats = new String[cols.size()][];
    for (int c = 0; c < cols.size(); c++) {
      nums[c] = cols.get(c).numbers();
      cats[c] = nums[c] == null ? cols.get(c).categories() : null;
    }
    int[] table = new int[Integer.highestOneBit(Math.max(1, n) * 2 - 1) * 2];
    Arrays.fill(table, -1);
    int mask = table.length - 1;
    long dups = 0;
    for (int r = 0; r < n; r++) {
      int slot = rowHash(nums, cats, r) & mask;
      while (true) {
        int other = table[slot];
        if (other < 0) {
          table[slot] = r;
          break;
        }
        if (sameRow(nums, cats, r, other)) {
          dups++;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return dups;
  }

  private static int rowHash(double[][] nums, String[][] cats, int r) {
    long h = 0x9E3779B97F4A7C15L;
    for (int c = 0; c < nums.length; c++) {
      long v = nums[c] != null ? Double.doubleToLongBits(nums[c][r]) : Objects.hashCode(cats[c][r]);
      h = (h ^ v) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (int) (h ^ (h >>> 32));
  }

  private static boolean sameRow(double[][] nums, String[][] cats, int a, int b) {
    for (int c = 0; c < nums.length; c++) {
      if (nums[c] != null ? Double.doubleToLongBits(nums[c][a]) != Double.doubleToLongBits(nums[c][b]) : !Objects.equals(cats[c][a], cats[c][b])) {
        return false;
      }
    }
    return true;
  }
}
