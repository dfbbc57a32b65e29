package dev.mlops.monitoring;

/**
 * What an alert is about, set by the rule that raised it ({@link AlertRule#kind()}) or by the
 * monitor itself. Other modules act on the kind, never on a rule's name: a rule named
 * {@code no_drift_seen} is {@link #CUSTOM} and rolls no canary back.
 */
public enum AlertKind {
  /** The dataset drifted ({@link AlertRule#datasetDrift()}). */
  DATASET_DRIFT,
  /** One column drifted, named by {@link Alert#column()} ({@link AlertRule#columnDrift(String)}). */
  COLUMN_DRIFT,
  /** A data-quality check failed ({@link AlertRule#qualityFailed()}). */
  QUALITY,
  /** A metric of the window fell below its bound ({@link AlertRule#metricBelow}). */
  METRIC,
  /** Windows were dropped unanalysed before this one ({@link Monitor#WINDOWS_DROPPED}); raised by the monitor. */
  WINDOWS_DROPPED,
  /** A rule threw while evaluating the window; raised by the monitor under the rule's name. */
  RULE_FAILED,
  /** A rule of the application's own that declares no other kind. */
  CUSTOM;

  /** The start of the name of {@link AlertRule#columnDrift(String)}'s rule, before the column. */
  static final String COLUMN_DRIFT_PREFIX = "column_drift:";

  /** Whether the alert says the inputs drifted: {@link #DATASET_DRIFT} or {@link #COLUMN_DRIFT}. */
  public boolean isDrift() {
    return this == DATASET_DRIFT || this == COLUMN_DRIFT;
  }

  /**
   * The kind an alert stored before alerts carried one had, from the names the built-in rules gave
   * their alerts ({@code dataset_drift}, {@code column_drift:<column>}, {@code quality_failed},
   * {@code metric_below:<metric>}, {@code windows_dropped}); any other name was a custom rule's. Only
   * for reading such stored alerts: a new alert's kind comes from its rule.
   */
  static AlertKind ofStoredRule(String rule) {
    if (rule.equals("dataset_drift")) {
      return DATASET_DRIFT;
    }
    if (rule.startsWith(COLUMN_DRIFT_PREFIX)) {
      return COLUMN_DRIFT;
    }
    if (rule.equals("quality_failed")) {
      return QUALITY;
    }
    if (rule.startsWith("metric_below:")) {
      return METRIC;
    }
    return rule.equals(Monitor.WINDOWS_DROPPED) ? WINDOWS_DROPPED : CUSTOM;
  }
}
