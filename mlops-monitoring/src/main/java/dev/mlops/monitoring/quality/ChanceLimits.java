package dev.mlops.monitoring.quality;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * How far a window of rows drawn like the reference may stray by chance alone: each limit is the
 * largest count whose probability under "the window is drawn like the reference" exceeds the check's
 * false-alarm rate {@code alpha}, so a check fails on unshifted data with probability at most
 * {@code alpha}. Stateless.
 */
final class ChanceLimits {
  private ChanceLimits() {}

  /**
   * The most of {@code n} new values that may fall outside the [min, max] of {@code m} reference
   * values. With the m + n values exchangeable and distinct, the reference's ranks among them are a
   * uniformly random m-subset, so K new values fall outside exactly when the reference's ranks span
   * N - K positions: P(K = j) = (j + 1) C(N - j - 2, m - 2) / C(N, m), N = m + n. Ties only make
   * fewer values fall outside, so the limit holds for discrete columns too.
   */
  static int outOfRange(long m, int n, double alpha) {
    if (n == 0) {
      return 0;
    }
    if (m < 2) {
      return n;
    }
    double big = (double) m + n;
    // P(K = 0) = m (m - 1) / (N (N - 1)); P(K = j + 1) / P(K = j) = (j + 2) / (j + 1) * (n - j) / (N - j - 2)
    double term = (double) m / big * ((m - 1) / (big - 1));
    double below = 0;
    for (int j = 0; j < n; j++) {
      below += term;
      if (1 - below <= alpha) {
        return j;
      }
      term *= (j + 2.0) / (j + 1.0) * (n - j) / (big - j - 2);
    }
    return n;
  }

  /**
   * The most missing values a window of {@code n} rows may hold when {@code refMissing} of
   * {@code refTotal} reference values were missing: Fisher's one-sided exact test, conditional on the
   * total number missing (so it needs no estimate of the true missing rate): c missing is too many
   * when P(X >= c) <= alpha for X hypergeometric (population refTotal + n, refMissing + c missing,
   * n drawn).
   */
  static int missing(long refMissing, long refTotal, int n, double alpha) {
    if (n == 0) {
      return 0;
    }
    int lo = (int) Math.min(n, Math.floor((double) n * refMissing / Math.max(1, refTotal)));
    if (fisherUpper(refMissing, refTotal, n, n) > alpha) {
      return n;
    }
    while (lo > 0 && fisherUpper(refMissing, refTotal, n, lo) <= alpha) {
      lo /= 2;
    }
    // the p-value falls as c grows: the smallest c with p <= alpha, by bisection over (lo, n]
    int hi = n;
    while (hi - lo > 1) {
      int mid = lo + (hi - lo) / 2;
      if (fisherUpper(refMissing, refTotal, n, mid) <= alpha) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi - 1;
  }

  /** P(X >= c), X hypergeometric: population refTotal + n, refMissing + c marked, n drawn. */
  static double fisherUpper(long refMissing, long refTotal, int n, int c) {
    double population = (double) refTotal + n;
    double marked = (double) refMissing + c;
    int top = (int) Math.min(n, marked);
    // log P(X = c) = log C(K, c) + log C(N - K, n - c) - log C(N, n); later terms by their ratio
    double log = logChoose(marked, c) + logChoose(population - marked, n - c) - logChoose(population, n);
    double term = Math.exp(log);
    double sum = 0;
    for (int x = c; x <= top; x++) {
      sum += term;
      if (term < sum * 1e-16) {
        break;
      }
      term *= (marked - x) * (n - x) / ((x + 1.0) * (population - marked - n + x + 1));
    }
    return Math.min(1, sum);
  }

  private static double logChoose(double a, double b) {
    return Gamma.logGamma(a + 1) - Gamma.logGamma(b + 1) - Gamma.logGamma(a - b + 1);
  }

  /** The most successes of {@code n} draws with probability {@code p} each that chance allows. */
  static int binomial(int n, double p, double alpha) {
    if (n == 0 || p <= 0) {
      return 0;
    }
    if (p >= 1) {
      return n;
    }
    return new BinomialDistribution(null, n, p).inverseCumulativeProbability(1 - alpha);
  }

  /** The most events of a Poisson count with mean {@code mean} that chance allows. */
  static long poisson(double mean, double alpha) {
    if (!(mean > 1e-12)) {
      return 0;
    }
    return new PoissonDistribution(null, mean, PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS)
        .inverseCumulativeProbability(1 - alpha);
  }
}
