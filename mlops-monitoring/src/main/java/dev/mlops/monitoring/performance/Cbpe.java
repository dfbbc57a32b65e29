package dev.mlops.monitoring.performance;

import dev.mlops.api.InvalidArgumentException;
import java.util.Arrays;

/**
 * Confidence-based performance estimation (NannyML's CBPE) for binary classifiers: before labels
 * arrive, each prediction's calibrated probability p counts as p of a positive and 1 − p of a
 * negative, giving an expected confusion matrix and from it expected accuracy and F1. The scores
 * are first calibrated on a labelled reference window by isotonic regression (pool adjacent
 * violators), as NannyML does when a model's scores are not calibrated.
 */
public final class Cbpe {
  private final double[] knots;
  private final double[] values;
  private final double threshold;

  private Cbpe(double[] knots, double[] values, double threshold) {
    this.knots = knots;
    this.values = values;
    this.threshold = threshold;
  }

  /**
   * Fits the calibration on a labelled reference window: isotonic regression of the labels on the
   * scores as scikit-learn's {@code IsotonicRegression(out_of_bounds="clip")} fits it (equal scores
   * pooled first, then pool-adjacent-violators with weights), predicting by linear interpolation.
   *
   * @param threshold the score at or above which the model predicts positive
   */
  public static Cbpe fit(int[] referenceLabels, double[] referenceScores, double threshold) {
    int n = referenceLabels.length;
    if (n == 0 || n != referenceScores.length) {
      throw InvalidArgumentException.of("reference", n + " labels", "needs labels and scores of the same, positive length");
    }
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(referenceScores[a], referenceScores[b]));
    double[] x = new double[n];
    double[] y = new double[n];
    double[] w = new double[n];
    int m = 0;
    for (int k = 0; k < n; k++) {
      double sx = referenceScores[idx[k]];
      if (m > 0 && x[m - 1] == sx) {
        y[m - 1] += referenceLabels[idx[k]];
        w[m - 1] += 1;
      } else {
        x[m] = sx;
        y[m] = referenceLabels[idx[k]];
        w[m] = 1;
        m++;
      }
    }
    // blocks of pooled points: mean value, weight, first and last point index
    double[] bv = new double[m];
    double[] bw = new double[m];
    int[] bEnd = new int[m];
    int blocks = 0;
    for (int i = 0; i < m; i++) {
      bv[blocks] = y[i] / w[i];
      bw[blocks] = w[i];
      bEnd[blocks] = i;
      blocks++;
      while (blocks > 1 && bv[blocks - 2] >= bv[blocks - 1]) {
        double tw = bw[blocks - 2] + bw[blocks - 1];
        bv[blocks - 2] = (bv[blocks - 2] * bw[blocks - 2] + bv[blocks - 1] * bw[blocks - 1]) / tw;
        bw[blocks - 2] = tw;
        bEnd[blocks - 2] = bEnd[blocks - 1];
        blocks--;
      }
    }
    double[] fitted = new double[m];
    int start = 0;
    for (int b = 0; b < blocks; b++) {
      for (int i = start; i <= bEnd[b]; i++) {
        fitted[i] = bv[b];
      }
      start = bEnd[b] + 1;
    }
    return new Cbpe(Arrays.copyOf(x, m), fitted, threshold);
  }

  /** The calibrated probability of a score: linear interpolation of the fit, clipped outside the reference's scores. */
  public double calibrate(double score) {
    if (score <= knots[0]) {
      return values[0];
    }
    if (score >= knots[knots.length - 1]) {
      return values[values.length - 1];
    }
    int lo = 0;
    int hi = knots.length - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (knots[mid] <= score) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double t = (score - knots[lo]) / (knots[hi] - knots[lo]);
    return values[lo] + t * (values[hi] - values[lo]);
  }

  /**
   * Expected metrics of unlabelled predictions.
   *
   * @param accuracy expected accuracy
   * @param f1 expected F1 of the positive class
   * @param count predictions used
   */
  public record Estimate(double accuracy, double f1, long count) {}

  /** Estimates accuracy and F1 of a window of scores without labels. */
  public Estimate estimate(double[] scores) {
    double tp = 0;
    double fp = 0;
    double fn = 0;
    double tn = 0;
    for (double s : scores) {
      double p = calibrate(s);
      if (s >= threshold) {
        tp += p;
        fp += 1 - p;
      } else {
        fn += p;
        tn += 1 - p;
      }
    }
    double n = scores.length;
    double f1 = 2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
    return new Estimate((tp + tn) / n, f1, scores.length);
  }
}
