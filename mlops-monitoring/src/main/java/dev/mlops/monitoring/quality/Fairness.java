package dev.mlops.monitoring.quality;

import dev.mlops.api.InvalidArgumentException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Group fairness of binary predictions across the values of a sensitive attribute.
 *
 * @param positiveRate per group, the share predicted positive
 * @param truePositiveRate per group, the share of actual positives predicted positive (NaN without positives)
 * @param demographicParityDifference the largest minus the smallest positive rate
 * @param equalOpportunityDifference the largest minus the smallest true-positive rate
 * @param disparateImpactRatio the smallest positive rate divided by the largest (1 when all are 0)
 */
public record Fairness(Map<String, Double> positiveRate, Map<String, Double> truePositiveRate, double demographicParityDifference,
    double equalOpportunityDifference, double disparateImpactRatio) {

  /** Computes the measures from 0/1 labels, 0/1 predictions and each row's group. */
  public static Fairness of(int[] labels, int[] predictions, String[] groups) {
    if (labels.length != predictions.length || labels.length != groups.length) {
      throw InvalidArgumentException.of("fairness inputs", labels.length + "/" + predictions.length + "/" + groups.length,
          "labels, predictions and groups need the same length");
    }
    Map<String, long[]> counts = new TreeMap<>();
    for (int i = 0; i < labels.length; i++) {
      long[] c = counts.computeIfAbsent(String.valueOf(groups[i]), k -> new long[4]);
      c[0]++;
      c[1] += predictions[i];
      c[2] += labels[i];
      c[3] += labels[i] == 1 && predictions[i] == 1 ? 1 : 0;
    }
    Map<String, Double> pr = new TreeMap<>();
    Map<String, Double> tpr = new TreeMap<>();
    double minPr = Double.POSITIVE_INFINITY;
    double maxPr = Double.NEGATIVE_INFINITY;
    double minTpr = Double.POSITIVE_INFINITY;
    double maxTpr = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      long[] c = e.getValue();
      double p = (double) c[1] / c[0];
      double t = c[2] == 0 ? Double.NaN : (double) c[3] / c[2];
      pr.put(e.getKey(), p);
      tpr.put(e.getKey(), t);
      minPr = Math.min(minPr, p);
      maxPr = Math.max(maxPr, p);
      if (!Double.isNaN(t)) {
        minTpr = Math.min(minTpr, t);
        maxTpr = Math.max(maxTpr, t);
      }
    }
    double eod = minTpr == Double.POSITIVE_INFINITY ? Double.NaN : maxTpr - minTpr;
    return new Fairness(pr, tpr, maxPr - minPr, eod, maxPr == 0 ? 1.0 : minPr / maxPr);
  }
}
