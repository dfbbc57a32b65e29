package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import java.util.Arrays;
import java.util.Locale;

/** The drift tests, with the column types they fit and their default thresholds. */
public enum DriftTest {
  /** Two-sample Kolmogorov–Smirnov ({@code scipy.stats.ks_2samp}); numbers; a p-value. */
  KS("ks", true, true, false, false, 0.05),
  /** Pearson's chi-square on the category counts ({@code scipy.stats.chisquare}); a p-value. */
  CHISQUARE("chisquare", true, true, true, false, 0.05),
  /** G-test, the log-likelihood ratio ({@code scipy.stats.power_divergence(lambda_="log-likelihood")}); a p-value. */
  G_TEST("g_test", true, true, true, false, 0.1),
  /** Two-proportion z-test for a column with two values; a p-value. */
  Z("z", true, true, true, false, 0.05),
  /** Fisher's exact test for a column with two values ({@code scipy.stats.fisher_exact}); a p-value. */
  FISHER_EXACT("fisher_exact", true, true, true, false, 0.1),
  /** Population stability index over the bins; a distance. */
  PSI("psi", false, true, true, true, 0.1),
  /** Kullback–Leibler divergence of the current shares from the reference ({@code scipy.stats.entropy}); a distance. */
  KL_DIV("kl_div", false, true, true, true, 0.1),
  /** Jensen–Shannon distance ({@code scipy.spatial.distance.jensenshannon}); a distance. */
  JENSENSHANNON("jensenshannon", false, true, true, true, 0.1),
  /** Hellinger distance between the bin shares; a distance. */
  HELLINGER("hellinger", false, true, true, true, 0.1),
  /** Wasserstein distance divided by the reference's standard deviation ({@code scipy.stats.wasserstein_distance}); numbers; a distance. */
  WASSERSTEIN("wasserstein", false, true, false, false, 0.1),
  /** k-sample Anderson–Darling ({@code scipy.stats.anderson_ksamp}); numbers; a p-value. */
  ANDERSON("anderson", true, true, false, false, 0.1),
  /** Two-sample Cramér–von Mises ({@code scipy.stats.cramervonmises_2samp}); numbers; a p-value. */
  CRAMER_VON_MISES("cramer_von_mises", true, true, false, false, 0.1),
  /** Mann–Whitney U ({@code scipy.stats.mannwhitneyu}); numbers; a p-value. */
  MANNW("mannw", true, true, false, false, 0.05),
  /** Welch's t-test ({@code scipy.stats.ttest_ind(equal_var=False)}); numbers; a p-value. */
  T_TEST("t_test", true, true, false, false, 0.05),
  /** Energy distance ({@code scipy.stats.energy_distance}); numbers; a distance. */
  ENERGY("energy", false, true, false, false, 0.1);

  private final String id;
  private final boolean pValue;
  private final boolean numerical;
  private final boolean categorical;
  private final boolean binned;
  private final double defaultThreshold;

  DriftTest(String id, boolean pValue, boolean numerical, boolean categorical, boolean binned, double defaultThreshold) {
    this.id = id;
    this.pValue = pValue;
    this.numerical = numerical;
    this.categorical = categorical;
    this.binned = binned;
    this.defaultThreshold = defaultThreshold;
  }

  /** The name used in options and reports, for example {@code ks}. */
  public String id() {
    return id;
  }

  /** Whether the test gives a p-value (drift when p &lt; threshold) rather than a distance (drift when distance &gt;= threshold). */
  public boolean isPValue() {
    return pValue;
  }

  /** Whether it applies to numerical columns. */
  public boolean fitsNumerical() {
    return numerical;
  }

  /** Whether it applies to categorical columns. */
  public boolean fitsCategorical() {
    return categorical;
  }

  /** Whether it compares binned shares. */
  public boolean isBinned() {
    return binned;
  }

  /** The threshold used when none is configured. */
  public double defaultThreshold() {
    return defaultThreshold;
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
