package dev.mlops.monitoring.profile;

import dev.mlops.monitoring.stats.TwoSample;
import dev.mlops.monitoring.stats.TestResult;
import java.util.Arrays;

/**
 * Drift statistics computed from profiles instead of raw samples.
 *
 * <p>{@link #ks}: the KS statistic is the largest difference of the two sketched CDFs over every
 * retained sketch item. Each CDF is off by at most the sketch's normalized rank error ε (about
 * 0.007 at the default k = 512, 99% confidence), so |D_sketch − D_exact| ≤ ε_ref + ε_cur. The
 * p-value uses the asymptotic Kolmogorov distribution with the exact counts.
 */
public final class SketchDrift {
  private SketchDrift() {}

  /** The sketched two-sample KS test of the finite numbers of two column profiles. */
  public static TestResult ks(ColumnProfile reference, ColumnProfile current) {
    double[] a = reference.sketchPoints();
    double[] b = current.sketchPoints();
    double[] points = new double[a.length + b.length];
    System.arraycopy(a, 0, points, 0, a.length);
    System.arraycopy(b, 0, points, a.length, b.length);
    Arrays.sort(points);
    double d = 0;
    for (double x : points) {
      d = Math.max(d, Math.abs(reference.rank(x) - current.rank(x)));
    }
    double m = Math.max(reference.numericCount(), current.numericCount());
    double n = Math.min(reference.numericCount(), current.numericCount());
    double en = m * n / (m + n);
    return new TestResult(d, TwoSample.kolmogorovSf(Math.round(Math.rint(en)), d));
  }

  /** The error bound of {@link #ks}: ε_ref + ε_cur. */
  public static double ksErrorBound(ColumnProfile reference, ColumnProfile current) {
    return reference.rankError() + current.rankError();
  }
}
