package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import java.util.Arrays;
import java.util.Locale;

/** The drift tests, with the column types they fit and their default thresholds. */
public enum DriftTest {
  KS("ks", true, true, false, false, 0.05),
  CHISQUARE("chisquare", true, true, true, false, 0.05),
  G_TEST("g_test", true, true, true, false, 0.1),
  Z("z", true, true, true, false, 0.05),
  FISHER_EXACT("fisher_exact", true, true, true, false, 0.1),
  PSI("psi", false, true, true, true, 0.1),
  KL_DIV("kl_div", false, true, true, true, 0.1),
  JENSENSHANNON("jensenshannon", false, true, true, true, 0.1),
  HELLINGER("hellinger", false, true, true, true, 0.1),
  WASSERSTEIN("wasserstein", false, true, false, false, 0.1),
  ANDERSON("anderson", true, true, false, false, 0.1),
  CRAMER_VON_MISES("cramer_von_mises", true, true, false, false, 0.1),
  MANNW("mannw", true, true, false, false, 0.05),
  T_TEST("t_test", true, true, false, false, 0.05),
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
