package dev.mlops.retraining;

/**
 * One reading of a performance signal.
 *
 * @param key identifies the reading (for example the window), the idempotency key of the trigger it may raise
 * @param source where the value comes from, in words (delayed labels or an estimate, which window)
 * @param metric the metric
 * @param value its value
 * @param threshold the bound it is compared with
 * @param degraded whether the value is below the bound
 */
public record PerformanceCheck(String key, String source, String metric, double value, double threshold, boolean degraded) {}
