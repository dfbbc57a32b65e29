package dev.mlops.retraining;

import java.util.Map;

/**
 * Why a retraining was asked for.
 *
 * @param kind what kind of signal
 * @param reason a sentence for people
 * @param key the idempotency key: the same signal delivered twice has the same key and is counted once
 * @param time when it arrived, epoch milliseconds
 * @param detail figures behind it (monitor, rule, window, metric values), for the record
 */
public record Trigger(Kind kind, String reason, String key, long time, Map<String, String> detail) {
  /** Trigger kinds. */
  public enum Kind {
    /** {@link RetrainingLoop#trigger(String)}. */
    MANUAL,
    /** A monitor's dataset- or column-drift alert. */
    DRIFT,
    /** A monitor's data-quality alert. */
    QUALITY,
    /** Performance below its threshold (delayed labels or an estimate). */
    PERFORMANCE,
    /** A slot of the schedule. */
    SCHEDULE,
    /** Enough new labelled rows. */
    NEW_DATA,
    /** Any other monitor alert: an application's own rule, windows dropped, a rule that failed. */
    ALERT
  }

  /** Copies {@code detail}. */
  public Trigger {
    detail = Map.copyOf(detail);
  }
}
