package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * McNemar's test of two classifiers on the same rows, as mlxtend's {@code mcnemar} computes it:
 * with {@code b} the rows only the first model got right and {@code c} those only the second got
 * right, the exact two-sided binomial test {@code min(1, 2 * P(X <= min(b, c)))} with
 * {@code X ~ Binomial(b + c, 1/2)} when {@code b + c < 25}, else the continuity-corrected
 * chi-square {@code (|b - c| - 1)^2 / (b + c)} with one degree of freedom.
 *
 * @param b rows only the first model got right
 * @param c rows only the second model got right
 * @param statistic the chi-square statistic, or {@code min(b, c)} for the exact test
 * @param pValue the two-sided p-value
 * @param exact whether the exact binomial test was used
 */
public record McNemar(long b, long c, double statistic, double pValue, boolean exact) {
  /** Below this many discordant rows the exact test is used (mlxtend's recommendation). */
  public static final int EXACT_BELOW = 25;

  /** The test on discordant counts. */
  public static McNemar of(long b, long c) {
    if (b < 0 || c < 0) {
      throw InvalidArgumentException.of("b, c", b + ", " + c, "discordant counts cannot be negative");
    }
    long n = b + c;
    if (n == 0) {
      return new McNemar(0, 0, 0, 1.0, true);
    }
    if (n < EXACT_BELOW) {
      double p = Math.min(1.0, 2 * new BinomialDistribution(null, (int) n, 0.5).cumulativeProbability((int) Math.min(b, c)));
      return new McNemar(b, c, Math.min(b, c), p, true);
    }
    double d = Math.abs(b - c) - 1.0;
    double stat = d * d / n;
    // the chi-square(1) survival function, computed directly so small p-values keep their precision
    double p = Gamma.regularizedGammaQ(0.5, stat / 2);
    return new McNemar(b, c, stat, p, false);
  }

  /** The test on per-row correctness of two models on the same rows. */
  public static McNemar of(boolean[] firstCorrect, boolean[] secondCorrect) {
    if (firstCorrect.length != secondCorrect.length) {
      throw InvalidArgumentException.of("secondCorrect", secondCorrect.length + " rows",
          "both models must be evaluated on the same rows (the first has " + firstCorrect.length + ")");
    }
    long b = 0;
    long c = 0;
    for (int i = 0; i < firstCorrect.length; i++) {
      if (firstCorrect[i] && !secondCorrect[i]) {
        b++;
      } else if (!firstCorrect[i] && secondCorrect[i]) {
        c++;
      }
    }
    return of(b, c);
  }
}
