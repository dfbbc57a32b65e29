package dev.mlops.monitoring;

import dev.mlops.api.internal.Validation;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * A condition on a window report that raises an alert; built-ins for drift, quality and metrics.
 * Each says what its alerts are about ({@link #kind()}), and other modules act on that kind, never on
 * the rule's name: an application's own rule is {@link AlertKind#CUSTOM} unless it says otherwise.
 */
public interface AlertRule {
  /** The rule's name, unique within a monitor (cooldowns are per rule); for people, not for deciding what an alert means. */
  String name();

  /** A message when the rule fires on this window, else empty. */
  Optional<String> evaluate(WindowReport report);

  /**
   * What this rule's alerts are about (default {@link AlertKind#CUSTOM}). A rule of the application's
   * own may declare a drift kind to be acted on as drift (a canary rolled back, a retraining started).
   */
  default AlertKind kind() {
    return AlertKind.CUSTOM;
  }

  /** The column this rule's alerts are about, if one ({@link #columnDrift(String)}'s column). */
  default Optional<String> column() {
    return Optional.empty();
  }

  /**
   * A rule of the application's own: fires with {@code condition}'s message, its alerts of
   * {@code kind} ({@link AlertKind#CUSTOM}, or a drift kind to be acted on as drift).
   *
   * @throws dev.mlops.api.InvalidArgumentException if an argument is null or the name is blank
   */
  static AlertRule of(String name, AlertKind kind, Function<WindowReport, Optional<String>> condition) {
    Validation.name("rule name", name, 250);
    Validation.notNull("kind", kind);
    Validation.notNull("condition", condition);
    return new AlertRule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<String> evaluate(WindowReport report) {
        return condition.apply(report);
      }

      @Override
      public AlertKind kind() {
        return kind;
      }
    };
  }

  /** Fires when the named column drifts. */
  static AlertRule columnDrift(String column) {
    Validation.notNull("column", column);
    return new AlertRule() {
      @Override
      public String name() {
        return AlertKind.COLUMN_DRIFT_PREFIX + column;
      }

      @Override
      public AlertKind kind() {
        return AlertKind.COLUMN_DRIFT;
      }

      @Override
      public Optional<String> column() {
        return Optional.of(column);
      }

      @Override
      public Optional<String> evaluate(WindowReport r) {
        return r.drift().columns().stream().filter(c -> c.name().equals(column) && c.drift()).findFirst()
            .map(c -> "column " + column + " drifted: " + c.figures());
      }
    };
  }

  /**
   * Fires when the dataset drifts (over the tested columns), with the drift verdict as message:
   * {@code dataset drift in 2 of 4 tested columns (amount, channel)}, and which were not tested.
   */
  static AlertRule datasetDrift() {
    return new AlertRule() {
      @Override
      public String name() {
        return "dataset_drift";
      }

      @Override
      public AlertKind kind() {
        return AlertKind.DATASET_DRIFT;
      }

      @Override
      public Optional<String> evaluate(WindowReport r) {
        if (!r.drift().datasetDrift()) {
          return Optional.empty();
        }
        return Optional.of(r.drift().verdict());
      }
    };
  }

  /** Fires when any data-quality check fails. */
  static AlertRule qualityFailed() {
    return new AlertRule() {
      @Override
      public String name() {
        return "quality_failed";
      }

      @Override
      public AlertKind kind() {
        return AlertKind.QUALITY;
      }

      @Override
      public Optional<String> evaluate(WindowReport r) {
        if (r.quality().passed()) {
          return Optional.empty();
        }
        return Optional.of("data quality failed: " + r.quality().failures().stream()
            .map(c -> c.check() + (c.column().isEmpty() ? "" : "(" + c.column() + ")") + " observed " + c.observed() + ", expected " + c.expected())
            .collect(Collectors.joining("; ")));
      }
    };
  }

  /** Fires when a metric of the window (for example a performance estimate) falls below {@code bound}. */
  static AlertRule metricBelow(String metric, double bound, ToDoubleFunction<WindowReport> value) {
    Validation.key("metric", metric);
    return new AlertRule() {
      @Override
      public String name() {
        return "metric_below:" + metric;
      }

      @Override
      public AlertKind kind() {
        return AlertKind.METRIC;
      }

      @Override
      public Optional<String> evaluate(WindowReport r) {
        double v = value.applyAsDouble(r);
        return !Double.isNaN(v) && v < bound ? Optional.of(String.format(Locale.ROOT, "%s = %.4g below %.4g", metric, v, bound))
            : Optional.empty();
      }
    };
  }
}
