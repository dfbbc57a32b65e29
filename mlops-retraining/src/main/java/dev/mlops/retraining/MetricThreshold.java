package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Numbers;
import dev.mlops.api.internal.Validation;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A condition on one metric of the challenger, alone and against the champion on the same holdout.
 * With {@code c} the challenger's value, {@code b} the champion's and {@code diff = c - b}:
 *
 * <ul>
 *   <li>value bounds, inclusive: {@code atLeast <= c <= atMost};
 *   <li>{@code absoluteChange(a)}: higher-is-better passes if {@code diff >= a}, lower-is-better if
 *       {@code diff <= a}. So {@code -0.01} on accuracy allows a regression of at most 0.01, and
 *       {@code +0.01} demands an improvement of at least 0.01;
 *   <li>{@code relativeChange(r)}: the same comparison on {@code diff / |b|} (a fraction: -0.02 is
 *       "at most 2 % worse"); when {@code |b| < 1e-12} the relative change is undefined and the
 *       condition fails, saying so.
 * </ul>
 *
 * All set conditions must hold. A metric the evaluation does not produce fails. Change conditions
 * need a champion; without one, the loop's first-model policy decides.
 */
public final class MetricThreshold {
  private final String metric;
  private final boolean higherIsBetter;
  private final @Nullable Double atLeast;
  private final @Nullable Double atMost;
  private final @Nullable Double absolute;
  private final @Nullable Double relative;

  private MetricThreshold(String metric, boolean higherIsBetter, @Nullable Double atLeast, @Nullable Double atMost,
      @Nullable Double absolute, @Nullable Double relative) {
    this.metric = metric;
    this.higherIsBetter = higherIsBetter;
    this.atLeast = atLeast;
    this.atMost = atMost;
    this.absolute = absolute;
    this.relative = relative;
  }

  /** A threshold on a metric where higher is better (accuracy, F1, R²). */
  public static MetricThreshold higherIsBetter(String metric) {
    return new MetricThreshold(Validation.key("metric", metric), true, null, null, null, null);
  }

  /** A threshold on a metric where lower is better (RMSE, MAE, error rates). */
  public static MetricThreshold lowerIsBetter(String metric) {
    return new MetricThreshold(Validation.key("metric", metric), false, null, null, null, null);
  }

  private static double finite(String field, double v) {
    if (!Double.isFinite(v)) {
      throw InvalidArgumentException.of(field, v, "must be a finite number");
    }
    return v;
  }

  /** The challenger's value must be at least {@code floor}. */
  public MetricThreshold atLeast(double floor) {
    return new MetricThreshold(metric, higherIsBetter, finite("atLeast", floor), atMost, absolute, relative);
  }

  /** The challenger's value must be at most {@code ceiling}. */
  public MetricThreshold atMost(double ceiling) {
    return new MetricThreshold(metric, higherIsBetter, atLeast, finite("atMost", ceiling), absolute, relative);
  }

  /** The change {@code c - b} against the champion must be at least (higher is better) or at most (lower is better) {@code change}. */
  public MetricThreshold absoluteChange(double change) {
    return new MetricThreshold(metric, higherIsBetter, atLeast, atMost, finite("absoluteChange", change), relative);
  }

  /** The relative change {@code (c - b) / |b|} must be at least (higher is better) or at most (lower is better) {@code change}. */
  public MetricThreshold relativeChange(double change) {
    return new MetricThreshold(metric, higherIsBetter, atLeast, atMost, absolute, finite("relativeChange", change));
  }

  /** The metric's name. */
  public String metric() {
    return metric;
  }

  /** Whether higher values are better. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** Whether this threshold compares against the champion. */
  public boolean hasChangeCondition() {
    return absolute != null || relative != null;
  }

  /** Whether this threshold has value bounds. */
  public boolean hasValueCondition() {
    return atLeast != null || atMost != null;
  }

  /**
   * Checks the challenger's value {@code c} and, if {@code b} is not null, the change against it.
   *
   * @return the per-metric outcome with every figure
   */
  public BlessingDecision.MetricCheck check(@Nullable Double c, @Nullable Double b) {
    StringBuilder failures = new StringBuilder();
    if (c == null || c.isNaN()) {
      return new BlessingDecision.MetricCheck(metric, higherIsBetter, c, b, null, null, false,
          "metric '" + metric + "' not found in the challenger's evaluation");
    }
    if (atLeast != null && c < atLeast) {
      failures.append(metric + " = " + Numbers.compact(c) + " is below the floor " + Numbers.compact(atLeast) + "; ");
    }
    if (atMost != null && c > atMost) {
      failures.append(metric + " = " + Numbers.compact(c) + " is above the ceiling " + Numbers.compact(atMost) + "; ");
    }
    Double diff = null;
    Double rel = null;
    if (hasChangeCondition() && b != null) {
      if (b.isNaN()) {
        failures.append("metric '").append(metric).append("' not found in the champion's evaluation; ");
      } else {
        diff = c - b;
        if (absolute != null && (higherIsBetter ? diff < absolute : diff > absolute)) {
          failures.append(metric + " change " + signed(diff) + " (challenger " + Numbers.compact(c) + ", champion " + Numbers.compact(b) + ") is "
              + (higherIsBetter ? "below" : "above") + " the allowed " + signed(absolute) + "; ");
        }
        if (relative != null) {
          if (Math.abs(b) < 1e-12) {
            failures.append(String.format(Locale.ROOT, "%s relative change is undefined: the champion's value is %.3g; ", metric, b));
          } else {
            rel = diff / Math.abs(b);
            if (higherIsBetter ? rel < relative : rel > relative) {
              failures.append(String.format(Locale.ROOT, "%s relative change %+.4f%% is %s the allowed %+.4f%%; ", metric, rel * 100,
                  higherIsBetter ? "below" : "above", relative * 100));
            }
          }
        }
      }
    }
    boolean passed = failures.length() == 0;
    String detail = passed ? metric + " = " + Numbers.compact(c) + (b == null ? "" : " (champion " + Numbers.compact(b) + ")")
        + " passes" : failures.substring(0, failures.length() - 2);
    return new BlessingDecision.MetricCheck(metric, higherIsBetter, c, b, diff, rel, passed, detail);
  }

  private static String signed(double v) {
    return (v >= 0 ? "+" : "") + Numbers.compact(v);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(metric).append(higherIsBetter ? " (higher is better)" : " (lower is better)");
    if (atLeast != null) {
      s.append(" >= ").append(atLeast);
    }
    if (atMost != null) {
      s.append(" <= ").append(atMost);
    }
    if (absolute != null) {
      s.append(", change ").append(higherIsBetter ? ">= " : "<= ").append(absolute);
    }
    if (relative != null) {
      s.append(", relative change ").append(higherIsBetter ? ">= " : "<= ").append(relative);
    }
    return s.toString();
  }
}
