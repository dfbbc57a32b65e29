package dev.mlops.monitoring.drift;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.internal.Search;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.TestResult;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A column's statistics from a reference profile and exact current values. Numbers: KS and
 * Wasserstein between the reference's quantile sketch and the exact current CDF, shares over quantile
 * bins of the sketch, counts per value from the sketch when the column has at most
 * {@value ColumnStatistics#FEW_VALUES} distinct values (the sketch then holds each of them), distinct
 * values from the profile's HyperLogLog sketch. Categories: the reference's frequent items (exact
 * while a column has fewer than about 750 distinct values) against exact current counts. The raw
 * reference values are not kept, so the tests that read them do not run here.
 *
 * <p>Error bounds, with ε the reference sketch's normalized rank error ({@link ColumnProfile#rankError()},
 * about 0.007 at the default k, 99% confidence): the KS statistic is within ε of the exact one; each
 * reference bin share, and each reference count as a share, is within 2ε of the exact share (the
 * difference of two sketched ranks); the Wasserstein distance is within ε·(max − min) of the exact one
 * before norming (the integral of a CDF error of at most ε over the reference's range, exact moments
 * giving the norm).
 */
final class SketchStatistics extends ColumnStatistics {
  private final ColumnProfile reference;
  private double @Nullable [] values;
  // the current values against the sketch's items: bucketed, or (when the sketch is empty or not finite) sorted
  private @Nullable SketchBuckets buckets;
  private double @Nullable [] sorted;

  private SketchStatistics(ColumnProfile reference, Column current, boolean numerical, int bins) {
    super(reference.name(), numerical, bins, current);
    this.reference = reference;
  }

  /** The profile and the table as the drift engine reads them. */
  static DriftEngine.Sides sides(Profile reference, Table current) {
    return new DriftEngine.Sides() {
      @Override
      public int referenceRows() {
        return (int) Math.min(Integer.MAX_VALUE, reference.rows());
      }

      @Override
      public int currentRows() {
        return current.rows();
      }

      @Override
      public List<String> referenceColumns() {
        return reference.columns().stream().map(ColumnProfile::name).toList();
      }

      @Override
      public @Nullable String untested(String column) {
        ColumnProfile ref = reference.column(column);
        Column cur = current.columns().get(column);
        return cur == null ? UntestedColumn.ABSENT : UntestedColumn.reason(ref.count() - ref.missingTotal(), cur.size() - cur.missing(),
            cur.size(), ref.isNumerical(), cur.type() == Column.Type.NUMERICAL, ref.variance());
      }

      @Override
      public ColumnStatistics column(String column, int bins) {
        ColumnProfile ref = reference.column(column);
        Column cur = current.column(column);
        return new SketchStatistics(ref, cur, ref.isNumerical() && cur.type() == Column.Type.NUMERICAL, bins);
      }
    };
  }

  private double[] values() {
    if (values == null) {
      values = currentNumbers();
    }
    return values;
  }

  /** Buckets the current values between the sketch's items, or sorts them where buckets do not apply; once. */
  private void prepare() {
    if (buckets != null || sorted != null) {
      return;
    }
    double[][] steps = reference.cdfSteps();
    double[] x = values();
    if (SketchBuckets.applies(steps[0], x)) {
      buckets = new SketchBuckets(steps[0], steps[1], x);
    } else {
      sorted = x.clone();
      Arrays.sort(sorted);
    }
  }

  @Override
  long referenceCount() {
    return numerical() ? reference.numericCount() : referenceLabelCounts().values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  boolean gives(DriftTest.Reads what) {
    return gives(this, what);
  }

  /** What a path comparing with a profile's sketches gives of a column: all but raw values; counts of categories or of a few numbers. */
  static boolean gives(ColumnStatistics column, DriftTest.Reads what) {
    return switch (what) {
      case CDF, SHARES -> true;
      case COUNTS -> !column.numerical() || column.distinct() <= FEW_VALUES;
      case VALUES -> false;
    };
  }

  @Override
  String lacks(DriftTest.Reads what) {
    return lacks(what, name(), distinct());
  }

  /** Why a path comparing with a profile's sketches cannot give {@code what} of a column. */
  static String lacks(DriftTest.Reads what, String name, int distinct) {
    return what == DriftTest.Reads.VALUES ? "reads the raw reference values, which a profile does not keep; against a profile use "
        + Arrays.stream(DriftTest.values()).filter(DriftTest::worksOnProfile).map(DriftTest::id).toList()
        : "reads counts per value, which a profile's sketch holds for a numerical column of at most " + FEW_VALUES
            + " distinct values; '" + name + "' has " + distinct;
  }

  @Override
  Map<String, Long> countReferenceLabels() {
    return numerical() ? sketchedCounts(reference) : new LinkedHashMap<>(reference.frequentItems());
  }

  /** Counts per number from a profile's CDF steps: the rank gained at each distinct item, times the count of numbers. */
  static Map<String, Long> sketchedCounts(ColumnProfile profile) {
    double[][] steps = profile.cdfSteps();
    double[] items = steps[0];
    double[] ranks = steps[1];
    long n = profile.numericCount();
    Map<String, Long> out = new LinkedHashMap<>();
    double below = 0;
    for (int i = 0; i < items.length; i++) {
      if (i + 1 < items.length && items[i + 1] == items[i]) {
        continue; // of repeated items, the last one's rank includes them all
      }
      long count = Math.round((ranks[i] - below) * n);
      below = ranks[i];
      if (count > 0) {
        out.merge(Column.label(items[i]), count, Long::sum);
      }
    }
    return out;
  }

  @Override
  int distinctNumbers() {
    return (int) Math.round(reference.distinctEstimateWith(values()));
  }

  @Override
  boolean oneValueOnBothSides() {
    double v = reference.min();
    if (v != reference.max()) {
      return false;
    }
    for (double x : values()) {
      if (x != v) {
        return false;
      }
    }
    return true;
  }

  @Override
  TestResult ks() {
    prepare();
    return buckets != null ? ksAt(buckets.ks()) : ks(reference, sorted);
  }

  @Override
  double statisticError(DriftTest test) {
    double e = reference.rankErrorNow();
    return switch (test) {
      case KS -> e;
      case WASSERSTEIN -> e * (reference.max() - reference.min()) / normOf(reference);
      default -> Double.NaN;
    };
  }

  @Override
  TestResult ksAt(double d) {
    return ks(reference, d, values().length);
  }

  /** The reference's standard deviation, 0.001 when that is 0: what Wasserstein distances are divided by. */
  static double normOf(ColumnProfile reference) {
    double sd = Math.sqrt(reference.variance());
    return sd == 0 ? 0.001 : sd;
  }

  @Override
  double computeNormedWasserstein() {
    prepare();
    return (buckets != null ? buckets.wasserstein() : wasserstein(reference, sorted)) / normOf(reference);
  }

  @Override
  Binned.Shares numberBins(int bins) {
    prepare();
    SketchBuckets b = buckets;
    double[] x = values();
    return b != null ? shares(reference, x.length, edge -> b.isItem(edge) ? b.countBelowItem(edge) : countBelow(x, edge), bins)
        : shares(reference, sorted, bins);
  }

  /** F_ref(x) = share of reference values at or below x, walked forward for increasing x. */
  private static final class Walk {
    private final double[] items;
    private final double[] ranks;
    private int i;

    Walk(ColumnProfile ref) {
      double[][] steps = ref.cdfSteps();
      this.items = steps[0];
      this.ranks = steps[1];
    }

    /** F(x) for x not smaller than the previous argument. */
    double at(double x) {
      while (i < items.length && items[i] <= x) {
        i++;
      }
      return i == 0 ? 0 : ranks[i - 1];
    }
  }

  /** Sketch-vs-exact KS over a sorted current sample: the largest CDF gap just below and at every value where either CDF steps. */
  static TestResult ks(ColumnProfile ref, double[] sortedCur) {
    double[] items = ref.cdfSteps()[0];
    double[] grid = merge(sortedCur, items);
    Walk f = new Walk(ref);
    int n = sortedCur.length;
    int j = 0;
    double d = 0;
    for (int g = 0; g < grid.length; g++) {
      double x = grid[g];
      if (g + 1 < grid.length && grid[g + 1] == x) {
        continue;
      }
      while (j < n && sortedCur[j] <= x) {
        j++;
      }
      d = Math.max(d, Math.abs(f.at(x) - (double) j / n));
    }
    return ks(ref, d, n);
  }

  /** The KS result of statistic {@code d} between the reference and {@code n} current values (asymptotic p-value). */
  static TestResult ks(ColumnProfile ref, double d, int n) {
    double m = Math.max(ref.numericCount(), n);
    double k = Math.min(ref.numericCount(), n);
    return new TestResult(d, TwoSample.kolmogorovSf(Math.round(Math.rint(m * k / (m + k))), d));
  }

  private static long countBelow(double[] values, double x) {
    long c = 0;
    for (double v : values) {
      if (v < x) {
        c++;
      }
    }
    return c;
  }

  static double[] merge(double[] a, double[] b) {
    double[] out = new double[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length || j < b.length) {
      out[k++] = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    }
    return out;
  }

  /** ∫|F_ref − F_cur| over the merged grid of a sorted current sample and the sketch items. */
  static double wasserstein(ColumnProfile ref, double[] sortedCur) {
    double[] grid = merge(sortedCur, ref.cdfSteps()[0]);
    Walk f = new Walk(ref);
    double sum = 0;
    int j = 0;
    for (int i = 0; i < grid.length - 1; i++) {
      double delta = grid[i + 1] - grid[i];
      while (j < sortedCur.length && sortedCur[j] <= grid[i]) {
        j++;
      }
      double fr = f.at(grid[i]);
      if (delta != 0) {
        sum += Math.abs(fr - (double) j / sortedCur.length) * delta;
      }
    }
    return sum;
  }

  /** Quantile bins of the reference sketch; reference shares from the sketch, current shares exact from a sorted sample. */
  static Binned.Shares shares(ColumnProfile ref, double[] sortedCur, int bins) {
    return shares(ref, sortedCur.length, edge -> Search.lowerBound(sortedCur, edge), bins);
  }

  /** Quantile bins of the reference sketch; current shares from {@code below}, the count of current values under an edge. */
  static Binned.Shares shares(ColumnProfile ref, int n, DoubleToLongFunction below, int bins) {
    TreeSet<Double> e = new TreeSet<>();
    for (int i = 1; i < bins; i++) {
      e.add(ref.quantile((double) i / bins));
    }
    double[] edges = e.stream().mapToDouble(Double::doubleValue).toArray();
    double[] r = new double[edges.length + 1];
    double[] c = new double[edges.length + 1];
    double prevRank = 0;
    long prevIdx = 0;
    for (int i = 0; i <= edges.length; i++) {
      double rankBelow = i == edges.length ? 1.0 : ref.rank(Math.nextDown(edges[i]));
      r[i] = Math.max(0, rankBelow - prevRank);
      prevRank = rankBelow;
      long idx = i == edges.length ? n : below.applyAsLong(edges[i]);
      c[i] = (double) (idx - prevIdx) / n;
      prevIdx = idx;
    }
    String[] labels = new String[edges.length + 1];
    for (int i = 0; i <= edges.length; i++) {
      labels[i] = (i == 0 ? "(-inf" : "[" + String.format(Locale.ROOT, "%.6g", edges[i - 1])) + ", "
          + (i == edges.length ? "inf)" : String.format(Locale.ROOT, "%.6g", edges[i]) + ")");
    }
    return new Binned.Shares(labels, r, c);
  }
}
