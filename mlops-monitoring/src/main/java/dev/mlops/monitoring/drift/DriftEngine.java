package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.stats.TestResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one drift procedure, whatever the reference is: which columns are compared (the selection),
 * each column's test and threshold ({@link ColumnPlan}), the tests ({@link DriftTest#compute}), and
 * the verdict (corrections across columns, the effect-size floor, the drifted share, the report). A
 * comparison path ({@link ExactStatistics} for raw reference rows, {@link SketchStatistics} for a
 * reference profile) only says how it obtains each column's statistics. Stateless.
 */
final class DriftEngine {
  private DriftEngine() {}

  /** The two sides of a comparison as one path sees them. */
  interface Sides {
    /** Rows in the reference. */
    int referenceRows();

    /** Rows in the current data. */
    int currentRows();

    /** The reference's columns, in order. */
    List<String> referenceColumns();

    /** Why a reference column cannot be tested (absent from the current data, no values, another type there), or null. */
    @Nullable String untested(String column);

    /** The statistics of a column that can be tested. */
    ColumnStatistics column(String column, int bins);
  }

  /**
   * Compares the two sides under {@code options}, the columns' tests run by {@code runner}.
   *
   * @throws InvalidArgumentException for an option naming a column the reference lacks, a column's
   *     own test that does not fit it, or a forced test that fits none of the compared columns; before
   *     any test runs
   */
  static DriftReport compare(Sides sides, DriftOptions options, ColumnTasks runner) {
    List<String> all = sides.referenceColumns();
    requireColumns("columns", options.columns, all);
    requireColumns("exclude", options.exclude, all);
    requireColumns("column test", options.columnTests.keySet(), all);
    requireColumns("column threshold", options.columnThresholds.keySet(), all);
    List<ColumnStatistics> columns = new ArrayList<>();
    List<UntestedColumn> untested = new ArrayList<>();
    for (String name : all) {
      if ((options.columns.isEmpty() || options.columns.contains(name)) && !options.exclude.contains(name)) {
        String why = sides.untested(name);
        if (why != null) {
          untested.add(new UntestedColumn(name, why));
        } else {
          columns.add(sides.column(name, options.bins));
        }
      }
    }
    List<ColumnPlan> plans = new ArrayList<>();
    for (ColumnStatistics c : columns) {
      plans.add(ColumnPlan.of(c, options));
    }
    if (options.test != null && !columns.isEmpty() && plans.stream().noneMatch(p -> p.test() == options.test)) {
      String why = ColumnPlan.misfit(options.test, columns.get(0));
      throw InvalidArgumentException.of("test", options.test.id(), "fits none of the columns compared "
          + columns.stream().map(ColumnStatistics::name).toList() + (why == null ? "" : "; for '" + columns.get(0).name() + "' it " + why));
    }
    Tested[] tested = new Tested[columns.size()];
    runner.run(tested.length, i -> tested[i] = test(columns.get(i), plans.get(i)));
    return verdict(sides.referenceRows(), sides.currentRows(), List.of(tested), plans, untested, options);
  }

  private static void requireColumns(String option, Collection<String> named, List<String> known) {
    for (String c : named) {
      if (!known.contains(c)) {
        throw InvalidArgumentException.of(option, c, "does not exist in the reference; its columns are " + known);
      }
    }
  }

  /**
   * One column's test before the verdict (the p-value is the raw one, {@code drift} not decided yet),
   * with, for a statistic read from sketches with a known error, where the rows' own result may lie;
   * null otherwise.
   */
  private record Tested(ColumnDrift drift, @Nullable Ends ends) {}

  /**
   * The ends of a sketched result's error: for a p-value test the raw p-values at the two ends of the
   * statistic's error and the effect's two ends (the effect, a normed Wasserstein distance, read from
   * the same sketches); for a distance the statistic's two ends, the effect's unused.
   */
  private record Ends(double low, double high, double leastEffect, double mostEffect) {}

  private static Tested test(ColumnStatistics column, ColumnPlan plan) {
    DriftTest test = plan.test();
    TestResult result;
    double effect;
    double error = Double.NaN;
    if (column.numerical() && column.oneValueOnBothSides()) {
      // one value on both sides: nothing moved. Tests on means and variances would divide rounding
      // noise by rounding noise (SciPy's Welch t gives t = -17 for 300 vs 200 copies of 0.1).
      result = test.isPValue() ? new TestResult(0, 1) : TestResult.distance(0);
      effect = 0;
    } else {
      result = test.compute(column);
      effect = column.effect();
      error = column.statisticError(test);
    }
    Double p = test.isPValue() && !Double.isNaN(result.pValue()) ? result.pValue() : null;
    Ends ends = null;
    if (!Double.isNaN(error)) {
      double s = result.statistic();
      // only KS among the p-value tests has an error bound: its p-value falls as D grows
      if (test.isPValue()) {
        double effectError = column.statisticError(DriftTest.WASSERSTEIN);
        effectError = Double.isNaN(effectError) ? 0 : effectError;
        ends = new Ends(column.ksAt(Math.min(1, s + error)).pValue(), column.ksAt(Math.max(0, s - error)).pValue(),
            Math.max(0, effect - effectError), effect + effectError);
      } else {
        ends = new Ends(s - error, s + error, effect, effect);
      }
    }
    ColumnDrift drift = new ColumnDrift(column.name(), column.numerical() ? "numerical" : "categorical", test.id(), result.statistic(), p, p,
        plan.threshold(), false, effect, column.referenceCount(), column.currentCount(), column.bins(), Double.isNaN(error) ? null : error, false);
    return new Tested(drift, ends);
  }

  /**
   * The verdict over the tested columns: p-values corrected across the columns that have one; a
   * p-value test drifts when its corrected p-value is below its threshold and the effect reaches the
   * floor, a distance when it reaches its threshold; the dataset drifts when the drifted share of the
   * tested columns reaches the drift share.
   */
  private static DriftReport verdict(int referenceRows, int currentRows, List<Tested> tests, List<ColumnPlan> plans,
      List<UntestedColumn> untested, DriftOptions options) {
    List<ColumnDrift> tested = tests.stream().map(Tested::drift).toList();
    List<Integer> withP = new ArrayList<>();
    for (int i = 0; i < tested.size(); i++) {
      if (tested.get(i).rawPValue() != null) {
        withP.add(i);
      }
    }
    double[] p = withP.stream().mapToDouble(i -> tested.get(i).rawPValue()).toArray();
    double[] adjusted = options.correction.adjust(p);
    List<ColumnDrift> out = new ArrayList<>();
    int drifted = 0;
    for (int i = 0; i < tested.size(); i++) {
      ColumnDrift c = tested.get(i);
      int k = withP.indexOf(i);
      Double corrected = k >= 0 ? adjusted[k] : null;
      boolean pTest = plans.get(i).test().isPValue();
      boolean drift = pTest ? drifts(corrected, c.effectSize(), c, options) : c.statistic() >= c.threshold();
      if (drift) {
        drifted++;
      }
      boolean unsettled = false;
      Ends ends = tests.get(i).ends();
      if (ends != null) {
        if (pTest) {
          // the correction's factor for this column, held as it is at the two ends
          double factor = corrected == null || c.rawPValue() == null || c.rawPValue() == 0 ? 1 : corrected / c.rawPValue();
          // drift is likeliest at the smallest p-value and the largest effect, least likely at the other ends
          unsettled = drifts(Math.min(1, ends.low() * factor), ends.mostEffect(), c, options)
              != drifts(Math.min(1, ends.high() * factor), ends.leastEffect(), c, options);
        } else {
          unsettled = (ends.low() >= c.threshold()) != (ends.high() >= c.threshold());
        }
      }
      out.add(new ColumnDrift(c.name(), c.type(), c.test(), c.statistic(), corrected, c.rawPValue(), c.threshold(), drift, c.effectSize(),
          c.referenceCount(), c.currentCount(), c.bins(), c.statisticError(), unsettled));
    }
    double share = out.isEmpty() ? 0 : (double) drifted / out.size();
    return new DriftReport(referenceRows, currentRows, !out.isEmpty() && share >= options.driftShare, share, drifted, out,
        options.correction.name().toLowerCase(Locale.ROOT), untested);
  }

  /** A p-value test's verdict: the corrected p-value below the threshold and the effect at the floor. */
  private static boolean drifts(@Nullable Double corrected, double effect, ColumnDrift c, DriftOptions options) {
    return corrected != null && corrected < c.threshold() && effect >= options.effectSizeFloor;
  }
}
