package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A paired bootstrap of the mean per-row loss difference {@code champion - challenger} on the same
 * rows (positive: the challenger loses less), with a percentile confidence interval: the rows'
 * differences are resampled with replacement {@code resamples} times from a seeded generator, as
 * {@code scipy.stats.bootstrap((d,), np.mean, method='percentile')} does with its own generator.
 *
 * @param meanDifference the observed mean of {@code champion - challenger}
 * @param low the interval's lower end
 * @param high the interval's upper end
 * @param confidence the interval's confidence level
 * @param resamples the number of resamples
 * @param seed the generator's seed
 */
public record PairedBootstrap(double meanDifference, double low, double high, double confidence, int resamples, long seed) {
  /** Resamples by default (SciPy's default). */
  public static final int DEFAULT_RESAMPLES = 9_999;

  /** Whether the interval lies wholly above 0: the challenger's loss is lower with this confidence. */
  public boolean challengerBetter() {
    return low > 0;
  }

  /**
   * Bootstraps the mean of {@code championLoss[i] - challengerLoss[i]}.
   *
   * @throws InvalidArgumentException if the arrays differ in length or are empty, or the level is not in (0, 1)
   */
  public static PairedBootstrap of(double[] championLoss, double[] challengerLoss, double confidence, int resamples, long seed) {
    if (championLoss.length != challengerLoss.length || championLoss.length == 0) {
      throw InvalidArgumentException.of("challengerLoss", challengerLoss.length + " rows",
          "both models must be scored on the same, non-empty rows (the champion has " + championLoss.length + ")");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw InvalidArgumentException.of("confidence", confidence, "must be in (0, 1)");
    }
    if (resamples < 100) {
      throw InvalidArgumentException.of("resamples", resamples, "must be at least 100");
    }
    int n = championLoss.length;
    double[] d = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      d[i] = championLoss[i] - challengerLoss[i];
      sum += d[i];
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += d[random.nextInt(n)];
      }
      means[b] = s / n;
    }
    Arrays.sort(means);
    double alpha = (1 - confidence) / 2;
    return new PairedBootstrap(sum / n, quantile(means, alpha), quantile(means, 1 - alpha), confidence, resamples, seed);
  }

  /** NumPy's default ("linear") percentile of sorted values, the one SciPy's percentile interval takes. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
