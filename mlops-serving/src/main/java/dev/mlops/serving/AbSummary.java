package dev.mlops.serving;

import dev.mlops.monitoring.stats.TestResult;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An A/B comparison of one variant with the champion: each variant's outcome rate (labelled
 * accuracy from {@link Endpoint#feedback(String, org.tribuo.Output)}, else the mean of
 * {@link Endpoint#feedback(String, double)} rewards) and a two-sided two-proportion z-test of the
 * difference (the monitoring module's {@link TwoSample#zTest}).
 *
 * @param variant the variant compared
 * @param requests requests it answered
 * @param outcomes requests with an outcome
 * @param rate its outcome rate, NaN without outcomes
 * @param championOutcomes the champion's requests with an outcome
 * @param championRate the champion's outcome rate
 * @param z the z statistic (variant minus champion), NaN when either has no outcomes
 * @param pValue the two-sided p-value, NaN when either has no outcomes
 */
public record AbSummary(String variant, long requests, long outcomes, double rate, long championOutcomes, double championRate, double z,
    double pValue) {

  /** Whether the difference is significant at {@code alpha}. */
  public boolean significant(double alpha) {
    return !Double.isNaN(pValue) && pValue < alpha;
  }

  static List<AbSummary> of(List<? extends Variant<?>> routed) {
    Variant<?> champion = routed.get(0);
    long[] h = outcomes(champion.totals());
    List<AbSummary> out = new ArrayList<>();
    for (Variant<?> v : routed.subList(1, routed.size())) {
      WindowStats.Totals t = v.totals();
      long[] c = outcomes(t);
      double rate = c[1] == 0 ? Double.NaN : (double) c[0] / c[1];
      double hr = h[1] == 0 ? Double.NaN : (double) h[0] / h[1];
      double z = Double.NaN;
      double p = Double.NaN;
      if (c[1] > 0 && h[1] > 0) {
        // zTest(ref, cur) is ref minus cur: the champion is the reference, so negate for variant minus champion
        TestResult test = TwoSample.zTest(h[0], h[1], c[0], c[1]);
        z = -test.statistic();
        p = test.pValue();
      }
      out.add(new AbSummary(v.name, t.requests(), c[1], rate, h[1], hr, z, p));
    }
    return out;
  }

  /** Successes and trials: labelled outcomes when there are any, else rewards rounded to whole successes. */
  private static long[] outcomes(WindowStats.Totals t) {
    if (t.labelled > 0) {
      return new long[] {t.correct, t.labelled};
    }
    return new long[] {Math.round(t.rewardSum), t.rewards};
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d requests, rate %.3f on %d outcomes vs champion %.3f on %d%s", variant, requests, rate, outcomes,
        championRate, championOutcomes, Double.isNaN(pValue) ? "" : String.format(Locale.ROOT, " (z %.2f, p %.4f)", z, pValue));
  }
}
