package dev.mlops.api.tracking;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.Validation;

/**
 * One metric data point. NaN and both infinities are legal values and round-trip exactly on every
 * backend.
 *
 * @param key the metric's name
 * @param value the value
 * @param timestamp epoch milliseconds, not negative
 * @param step the training step (0 when not given)
 */
public record Metric(String key, double value, long timestamp, long step) {
  public Metric {
    Validation.key("metric key", key);
    if (timestamp < 0) {
      throw InvalidArgumentException.of("metric '" + key + "' timestamp", timestamp, "must be zero or positive epoch milliseconds");
    }
  }

  /** Whether this point comes after {@code other} in the order that decides a metric's latest value: step, then timestamp. */
  public boolean isAtOrAfter(Metric other) {
    return step != other.step ? step > other.step : timestamp >= other.timestamp;
  }
}
