package dev.mlops.api.tracking;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;

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
  /** The canonical constructor: invalid components are refused. */
  public Metric {
    Validation.key("metric key", key);
    if (timestamp < 0) {
      throw InvalidArgumentException.of("metric '" + key + "' timestamp", timestamp, "must be zero or positive epoch milliseconds");
    }
  }

  /**
   * Whether this point replaces {@code other} as a metric's latest value: the order is step, then
   * timestamp, then value, as MLflow's stores decide it (of two points with the same step and
   * timestamp, the larger value is the latest; a NaN never wins such a tie, nor loses one it holds).
   */
  public boolean isAtOrAfter(Metric other) {
    if (step != other.step) {
      return step > other.step;
    }
    if (timestamp != other.timestamp) {
      return timestamp > other.timestamp;
    }
    return value >= other.value;
  }
}
