package dev.mlops.monitoring.drift;

import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.TestResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A column's statistics when both sides are profiles: the reference's sketches against the current
 * side's, for current data profiled where it lives (a Spark job, another service) and never brought
 * together. Numbers: KS and Wasserstein between the two quantile sketches' CDFs (both step functions,
 * compared at every item of either), shares over quantile bins of the reference sketch with the current
 * shares from the current sketch's ranks, counts per value from both sketches for a column of at most
 * {@value ColumnStatistics#FEW_VALUES} distinct values, distinct values from the union of the two
 * HyperLogLog sketches. Categories: both sides' frequent items (exact while a column has fewer than
 * about 750 distinct values). As with {@link SketchStatistics}, the tests that read raw values do not run.
 *
 * <p>Error bounds, with ε_r and ε_c the two sketches' normalized rank errors ({@link ColumnProfile#rankError()}):
 * the KS statistic is within ε_r + ε_c of the exact one, each bin share within 2ε of its exact share on
 * each side, the Wasserstein distance within (ε_r + ε_c)·(range of both) of the exact one before norming.
 */
final class ProfileStatistics extends ColumnStatistics {
  private final ColumnProfile reference;
  private final ColumnProfile current;

  private ProfileStatistics(ColumnProfile reference, ColumnProfile current, boolean numerical, int bins) {
    super(reference.name(), numerical, bins, null);
    this.reference = reference;
    this.current = current;
  }

  /** Two profiles as the drift engine reads them. */
  static DriftEngine.Sides sides(Profile reference, Profile current) {
    return new DriftEngine.Sides() {
      @Override
      public int referenceRows() {
        return (int) Math.min(Integer.MAX_VALUE, reference.rows());
      }

      @Override
      public int currentRows() {
        return (int) Math.min(Integer.MAX_VALUE, current.rows());
      }

      @Override
      public List<String> referenceColumns() {
        return reference.columns().stream().map(ColumnProfile::name).toList();
      }

      @Override
      public @Nullable String untested(String column) {
        ColumnProfile ref = reference.column(column);
        ColumnProfile cur = find(current, column);
        return cur == null ? UntestedColumn.ABSENT : UntestedColumn.reason(ref.count() - ref.missingTotal(), cur.count() - cur.missingTotal(),
            currentRows(), ref.isNumerical(), cur.isNumerical(), ref.variance());
      }

      @Override
      public ColumnStatistics column(String column, int bins) {
        ColumnProfile ref = reference.column(column);
        ColumnProfile cur = find(current, column);
        return new ProfileStatistics(ref, cur, ref.isNumerical() && cur.isNumerical(), bins);
      }
    };
  }

  private static @Nullable ColumnProfile find(Profile p, String name) {
    return p.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  @Override
  long referenceCount() {
    return numerical() ? reference.numericCount() : referenceLabelCounts().values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  long currentCount() {
    return current.count() - current.missingTotal();
  }

  @Override
  boolean gives(DriftTest.Reads what) {
    return SketchStatistics.gives(this, what);
  }

  @Override
  String lacks(DriftTest.Reads what) {
    return SketchStatistics.lacks(what, name(), distinct());
  }

  @Override
  Map<String, Long> countReferenceLabels() {
    return labels(reference);
  }

  @Override
  Map<String, Long> countCurrentLabels() {
    return labels(current);
  }

  private static Map<String, Long> labels(ColumnProfile p) {
    return p.isNumerical() ? SketchStatistics.sketchedCounts(p) : new LinkedHashMap<>(p.frequentItems());
  }

  @Override
  int distinctNumbers() {
    return (int) Math.round(reference.merge(current).distinctEstimate());
  }

  @Override
  boolean oneValueOnBothSides() {
    double v = reference.min();
    return v == reference.max() && v == current.min() && v == current.max();
  }

  /** Both CDFs at every item of either sketch, in order: {grid, F_ref, F_cur}. */
  private double[][] cdfs() {
    double[][] r = reference.cdfSteps();
    double[][] c = current.cdfSteps();
    double[] grid = SketchStatistics.merge(r[0], c[0]);
    double[] fr = new double[grid.length];
    double[] fc = new double[grid.length];
    int i = 0;
    int j = 0;
    for (int g = 0; g < grid.length; g++) {
      while (i < r[0].length && r[0][i] <= grid[g]) {
        i++;
      }
      while (j < c[0].length && c[0][j] <= grid[g]) {
        j++;
      }
      fr[g] = i == 0 ? 0 : r[1][i - 1];
      fc[g] = j == 0 ? 0 : c[1][j - 1];
    }
    return new double[][] {grid, fr, fc};
  }

  @Override
  TestResult ks() {
    double[][] f = cdfs();
    double d = 0;
    for (int g = 0; g < f[0].length; g++) {
      d = Math.max(d, Math.abs(f[1][g] - f[2][g]));
    }
    return ksAt(d);
  }

  @Override
  double computeNormedWasserstein() {
    double[][] f = cdfs();
    double sum = 0;
    for (int g = 0; g + 1 < f[0].length; g++) {
      double delta = f[0][g + 1] - f[0][g];
      if (delta != 0) {
        sum += Math.abs(f[1][g] - f[2][g]) * delta;
      }
    }
    return sum / SketchStatistics.normOf(reference);
  }

  @Override
  double statisticError(DriftTest test) {
    double e = reference.rankErrorNow() + current.rankErrorNow();
    return switch (test) {
      case KS -> e;
      case WASSERSTEIN -> e * (Math.max(reference.max(), current.max()) - Math.min(reference.min(), current.min())) / SketchStatistics.normOf(reference);
      default -> Double.NaN;
    };
  }

  @Override
  TestResult ksAt(double d) {
    return SketchStatistics.ks(reference, d, (int) Math.min(Integer.MAX_VALUE, current.numericCount()));
  }

  @Override
  Binned.Shares numberBins(int bins) {
    int n = (int) Math.min(Integer.MAX_VALUE, current.numericCount());
    return SketchStatistics.shares(reference, n, edge -> Math.round(current.rank(Math.nextDown(edge)) * n), bins);
  }
}
