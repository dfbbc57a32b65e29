package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.TestResult;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The drift tests: each with the columns it fits, what it reads of a column, its default threshold
 * and its computation. Both comparisons ({@link DriftAnalyzer} on raw reference rows,
 * {@link ProfileDrift} on a reference profile) run a test through the same constant; a test that
 * reads the raw reference values ({@link #worksOnProfile()} false) runs only in the first.
 *
 * <p>To add a test: one constant here (its name, scale, fit, default threshold, what it reads and
 * the function that computes it, usually a new one in {@link TwoSample} or {@link Binned}), and its
 * SciPy values in the golden file the tests hold every constant to.
 */
public enum DriftTest {
  /** Two-sample Kolmogorov–Smirnov ({@code scipy.stats.ks_2samp}); numbers; a p-value. */
  KS("ks", Scale.P_VALUE, Fit.NUMBERS, 0.05, Reads.CDF, ColumnStatistics::ks),
  /** Pearson's chi-square on the category counts ({@code scipy.stats.chisquare}); a p-value. */
  CHISQUARE("chisquare", Scale.P_VALUE, Fit.ANY, 0.05, Reads.COUNTS, s -> TwoSample.chiSquare(s.referenceCounts(), s.currentCounts())),
  /** G-test, the log-likelihood ratio ({@code scipy.stats.power_divergence(lambda_="log-likelihood")}); a p-value. */
  G_TEST("g_test", Scale.P_VALUE, Fit.ANY, 0.1, Reads.COUNTS, s -> TwoSample.gTest(s.referenceCounts(), s.currentCounts())),
  /** Two-proportion z-test for a column with two values; a p-value. */
  Z("z", Scale.P_VALUE, Fit.TWO_VALUES, 0.05, Reads.COUNTS, s -> twoValues(s, (r, c) -> TwoSample.zTest(r[0], r[0] + r[1], c[0], c[0] + c[1]))),
  /** Fisher's exact test for a column with two values ({@code scipy.stats.fisher_exact}); a p-value. */
  FISHER_EXACT("fisher_exact", Scale.P_VALUE, Fit.TWO_VALUES, 0.1, Reads.COUNTS, s -> twoValues(s, (r, c) -> TwoSample.fisherExact(r[0], r[1], c[0], c[1]))),
  /** Population stability index over the bins; a distance. */
  PSI("psi", Scale.DISTANCE, Fit.ANY, 0.1, Reads.SHARES, s -> TestResult.distance(Binned.psi(s.shares()))),
  /** Kullback–Leibler divergence of the current shares from the reference ({@code scipy.stats.entropy}); a distance. */
  KL_DIV("kl_div", Scale.DISTANCE, Fit.ANY, 0.1, Reads.SHARES, s -> TestResult.distance(Binned.klDivergence(s.shares()))),
  /** Jensen–Shannon distance ({@code scipy.spatial.distance.jensenshannon}); a distance. */
  JENSENSHANNON("jensenshannon", Scale.DISTANCE, Fit.ANY, 0.1, Reads.SHARES, s -> TestResult.distance(Binned.jensenShannon(s.shares()))),
  /** Hellinger distance between the bin shares; a distance. */
  HELLINGER("hellinger", Scale.DISTANCE, Fit.ANY, 0.1, Reads.SHARES, s -> TestResult.distance(Binned.hellinger(s.shares()))),
  /** Wasserstein distance divided by the reference's standard deviation ({@code scipy.stats.wasserstein_distance}); numbers; a distance. */
  WASSERSTEIN("wasserstein", Scale.DISTANCE, Fit.NUMBERS, 0.1, Reads.CDF, s -> TestResult.distance(s.normedWasserstein())),
  /** k-sample Anderson–Darling ({@code scipy.stats.anderson_ksamp}); numbers; a p-value. */
  ANDERSON("anderson", Scale.P_VALUE, Fit.NUMBERS, 0.1, Reads.VALUES, s -> TwoSample.andersonDarling(s.referenceValues(), s.currentValues())),
  /** Two-sample Cramér–von Mises ({@code scipy.stats.cramervonmises_2samp}); numbers; a p-value. */
  CRAMER_VON_MISES("cramer_von_mises", Scale.P_VALUE, Fit.NUMBERS, 0.1, Reads.VALUES,
      s -> TwoSample.cramerVonMises(s.referenceValues(), s.currentValues())),
  /** Mann–Whitney U ({@code scipy.stats.mannwhitneyu}); numbers; a p-value. */
  MANNW("mannw", Scale.P_VALUE, Fit.NUMBERS, 0.05, Reads.VALUES, s -> TwoSample.mannWhitney(s.referenceValues(), s.currentValues())),
  /** Welch's t-test ({@code scipy.stats.ttest_ind(equal_var=False)}); numbers; a p-value. */
  T_TEST("t_test", Scale.P_VALUE, Fit.NUMBERS, 0.05, Reads.VALUES, s -> TwoSample.welchT(s.referenceValues(), s.currentValues())),
  /** Energy distance ({@code scipy.stats.energy_distance}); numbers; a distance. */
  ENERGY("energy", Scale.DISTANCE, Fit.NUMBERS, 0.1, Reads.VALUES, s -> TestResult.distance(TwoSample.energy(s.referenceValues(), s.currentValues())));

  /** Whether the result is a p-value (drift when below the threshold) or a distance (drift when at or above it). */
  enum Scale { P_VALUE, DISTANCE }

  /** The columns a test fits. */
  enum Fit {
    /** Numerical columns only. */
    NUMBERS,
    /** Numerical and categorical columns. */
    ANY,
    /** Columns of at most two distinct values, of either type. */
    TWO_VALUES
  }

  /**
   * What a test reads of a column; a comparison path says which of these it can give
   * ({@link ColumnStatistics#gives}).
   */
  enum Reads {
    /** The two CDFs: KS and Wasserstein, exact from raw values or against the reference's quantile sketch. */
    CDF,
    /** The bin shares: quantile bins of the reference for numbers, one bin per category otherwise. */
    SHARES,
    /** The counts per value (numbers by their label) on both sides. */
    COUNTS,
    /** The raw values on both sides. */
    VALUES
  }

  private final String id;
  private final Scale scale;
  private final Fit fit;
  private final double defaultThreshold;
  private final Reads reads;
  private final Function<ColumnStatistics, TestResult> computation;

  DriftTest(String id, Scale scale, Fit fit, double defaultThreshold, Reads reads, Function<ColumnStatistics, TestResult> computation) {
    this.id = id;
    this.scale = scale;
    this.fit = fit;
    this.defaultThreshold = defaultThreshold;
    this.reads = reads;
    this.computation = computation;
  }

  /** A test of a 2×2 table; a column with one value on both sides has nothing to compare (p = 1). */
  private static TestResult twoValues(ColumnStatistics s, BiFunction<long[], long[], TestResult> test) {
    long[] r = s.referenceCounts();
    return r.length < 2 ? new TestResult(0.0, 1.0) : test.apply(r, s.currentCounts());
  }

  /** The name used in options and reports, for example {@code ks}. */
  public String id() {
    return id;
  }

  /** Whether the test gives a p-value (drift when p &lt; threshold) rather than a distance (drift when distance &gt;= threshold). */
  public boolean isPValue() {
    return scale == Scale.P_VALUE;
  }

  /** Whether it applies to numerical columns (every test does; the two-value tests only to columns of at most two values). */
  public boolean fitsNumerical() {
    return true;
  }

  /** Whether it applies to categorical columns. */
  public boolean fitsCategorical() {
    return fit != Fit.NUMBERS;
  }

  /** Whether it applies only to columns with at most two distinct values ({@code z}, {@code fisher_exact}). */
  public boolean needsTwoValues() {
    return fit == Fit.TWO_VALUES;
  }

  /** Whether it compares binned shares. */
  public boolean isBinned() {
    return reads == Reads.SHARES;
  }

  /**
   * Whether {@link ProfileDrift} can run it against a reference profile: every test but those that
   * read the raw reference values ({@code anderson}, {@code cramer_von_mises}, {@code mannw},
   * {@code t_test}, {@code energy}). Against a profile, the count tests fit a numerical column only
   * when it has at most 5 distinct values, whose counts the profile's quantile sketch holds.
   */
  public boolean worksOnProfile() {
    return reads != Reads.VALUES;
  }

  /** The threshold used when none is configured. */
  public double defaultThreshold() {
    return defaultThreshold;
  }

  /** What the test reads of a column. */
  Reads reads() {
    return reads;
  }

  /** Runs the test on one column's statistics (the caller checked that the column fits it). */
  TestResult compute(ColumnStatistics column) {
    return computation.apply(column);
  }

  /** Looks a test up by name. @throws InvalidArgumentException listing the known names */
  public static DriftTest byId(String id) {
    for (DriftTest t : values()) {
      if (t.id.equals(id.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw InvalidArgumentException.of("test", id, "unknown; known tests: " + Arrays.stream(values()).map(DriftTest::id).toList());
  }
}
