package dev.mlops.monitoring;

import org.jspecify.annotations.Nullable;

/**
 * A raised alert. Act on its {@link #kind()}, which the rule set, not on its rule's name: names are
 * for people and cooldowns.
 *
 * @param monitor the monitor's name
 * @param rule the rule's name
 * @param window the window index that raised it
 * @param time epoch ms
 * @param message what happened, with the observed values
 * @param kind what the alert is about; an alert stored before alerts carried a kind (0.1.0 and
 *     earlier) reads with the kind its rule's name then meant ({@code dataset_drift},
 *     {@code column_drift:<column>}, {@code quality_failed}, {@code metric_below:<metric>},
 *     {@code windows_dropped}; any other name {@link AlertKind#CUSTOM})
 * @param column the column a {@link AlertKind#COLUMN_DRIFT} alert is about (or any column its rule
 *     names), else null
 */
public record Alert(String monitor, String rule, long window, long time, String message, AlertKind kind, @Nullable String column) {
  /** Fills in the kind (and the drifted column) of an alert stored without one, from its rule's name then. */
  public Alert {
    if (kind == null) {
      kind = AlertKind.ofStoredRule(rule);
      if (kind == AlertKind.COLUMN_DRIFT && column == null) {
        column = rule.substring(AlertKind.COLUMN_DRIFT_PREFIX.length());
      }
    }
  }

  /** An alert of a rule of the application's own: {@link AlertKind#CUSTOM}, whatever its name, about no column. */
  public Alert(String monitor, String rule, long window, long time, String message) {
    this(monitor, rule, window, time, message, AlertKind.CUSTOM, null);
  }
}
