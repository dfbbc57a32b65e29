package dev.mlops.monitoring.performance;

import dev.mlops.api.InvalidArgumentException;

/**
 * Regression metrics as scikit-learn defines them.
 *
 * @param count labelled predictions
 * @param mae mean absolute error
 * @param rmse root mean squared error
 * @param r2 coefficient of determination (1 − SS_res / SS_tot; NaN when the labels are constant)
 */
public record RegressionMetrics(long count, double mae, double rmse, double r2) {
  /** Metrics of {@code predictions} against {@code actual}. */
  public static RegressionMetrics of(double[] actual, double[] predictions) {
    if (actual.length != predictions.length || actual.length == 0) {
      throw InvalidArgumentException.of("actual and predictions", actual.length + " and " + predictions.length,
          "need the same, positive length");
    }
    double n = actual.length;
    double mean = 0;
    for (double a : actual) {
      mean += a;
    }
    mean /= n;
    double abs = 0;
    double sq = 0;
    double tot = 0;
    for (int i = 0; i < actual.length; i++) {
      double e = actual[i] - predictions[i];
      abs += Math.abs(e);
      sq += e * e;
      tot += (actual[i] - mean) * (actual[i] - mean);
    }
    return new RegressionMetrics(actual.length, abs / n, Math.sqrt(sq / n), tot == 0 ? Double.NaN : 1 - sq / tot);
  }
}
