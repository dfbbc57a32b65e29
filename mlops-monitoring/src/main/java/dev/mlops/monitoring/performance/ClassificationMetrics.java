package dev.mlops.monitoring.performance;

import dev.mlops.api.InvalidArgumentException;
import java.util.Arrays;

/**
 * Binary classification metrics, defined as scikit-learn defines them (and checked against it):
 * accuracy, precision, recall and F1 of the positive class at a score threshold, ROC AUC from the
 * scores (ties count one half), and log loss with probabilities clipped to [1e-15, 1 − 1e-15].
 *
 * @param count labelled predictions
 * @param accuracy share of correct predictions
 * @param precision TP / (TP + FP), 0 when nothing was predicted positive
 * @param recall TP / (TP + FN), 0 when there are no positives
 * @param f1 harmonic mean of precision and recall, 0 when both are 0
 * @param rocAuc area under the ROC curve, NaN when only one class is present
 * @param logLoss mean negative log-likelihood
 */
public record ClassificationMetrics(long count, double accuracy, double precision, double recall, double f1, double rocAuc,
    double logLoss) {

  /** Metrics of positive-class scores {@code scores} against 0/1 {@code labels}, predicting positive when score &gt;= threshold. */
  public static ClassificationMetrics binary(int[] labels, double[] scores, double threshold) {
    if (labels.length != scores.length || labels.length == 0) {
      throw InvalidArgumentException.of("labels and scores", labels.length + " and " + scores.length, "need the same, positive length");
    }
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long tn = 0;
    double ll = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw InvalidArgumentException.of("label", labels[i], "must be 0 or 1");
      }
      boolean pred = scores[i] >= threshold;
      if (pred && labels[i] == 1) {
        tp++;
      } else if (pred) {
        fp++;
      } else if (labels[i] == 1) {
        fn++;
      } else {
        tn++;
      }
      double p = Math.min(1 - 1e-15, Math.max(1e-15, scores[i]));
      ll -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
    }
    double n = labels.length;
    double precision = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
    double recall = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new ClassificationMetrics(labels.length, (tp + tn) / n, precision, recall, f1, rocAuc(labels, scores), ll / n);
  }

  /** ROC AUC by the rank-sum (Mann–Whitney) formula with average ranks for ties. */
  public static double rocAuc(int[] labels, double[] scores) {
    int n = labels.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(scores[a], scores[b]));
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[idx[j + 1]] == scores[idx[i]]) {
        j++;
      }
      double avg = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[idx[k]] == 1) {
          rankSumPos += avg;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
