package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The rule that decides whether a challenger may replace the champion: metric thresholds (at least
 * one; a loop without a rule does not build), what to do when there is no champion yet, an optional
 * paired significance test, and a budget of decisions per holdout.
 *
 * <pre>{@code
 * Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.005).atLeast(0.7))
 *     .requireSignificantImprovement(0.05);
 * }</pre>
 */
public final class Blessing {
  /** What happens when there is no champion to compare with. */
  public enum FirstModelPolicy {
    /** Bless if the value bounds hold; change conditions are skipped, and the record says so. */
    BLESS_ON_VALUE_BOUNDS,
    /** Never bless without a champion: the first model is rolled out by hand. */
    REFUSE
  }

  private final List<MetricThreshold> thresholds;
  private final FirstModelPolicy firstModel;
  private final @Nullable Double alpha;
  private final int holdoutBudget;

  private Blessing(List<MetricThreshold> thresholds, FirstModelPolicy firstModel, @Nullable Double alpha, int holdoutBudget) {
    this.thresholds = List.copyOf(thresholds);
    this.firstModel = firstModel;
    this.alpha = alpha;
    this.holdoutBudget = holdoutBudget;
  }

  /**
   * A rule of these thresholds, with the first-model policy {@link FirstModelPolicy#BLESS_ON_VALUE_BOUNDS}.
   *
   * @throws InvalidArgumentException without thresholds, or with two on one metric
   */
  public static Blessing of(MetricThreshold... thresholds) {
    List<MetricThreshold> list = new ArrayList<>();
    for (MetricThreshold t : thresholds) {
      list.add(Validation.notNull("threshold", t));
    }
    if (list.isEmpty()) {
      throw InvalidArgumentException.of("thresholds", "(none)",
          "a blessing rule needs at least one metric threshold: a rule that checks nothing would bless every challenger");
    }
    if (list.stream().map(MetricThreshold::metric).distinct().count() != list.size()) {
      throw InvalidArgumentException.of("thresholds", list, "one threshold per metric: combine the conditions on one metric in one threshold");
    }
    return new Blessing(list, FirstModelPolicy.BLESS_ON_VALUE_BOUNDS, null, 0);
  }

  /** What to do without a champion. */
  public Blessing firstModel(FirstModelPolicy policy) {
    return new Blessing(thresholds, Validation.notNull("policy", policy), alpha, holdoutBudget);
  }

  /**
   * Also demands that the challenger be significantly better than the champion on the same holdout
   * rows: for classifiers (per-row correctness) by McNemar's test ({@code p < alpha} with more rows
   * only the challenger got right); otherwise by a paired bootstrap of the per-row losses (the
   * {@code 1 - alpha} percentile interval of the mean loss reduction lies above 0; 9,999 resamples
   * seeded by the holdout size, recorded).
   */
  public Blessing requireSignificantImprovement(double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw InvalidArgumentException.of("alpha", alpha, "must be in (0, 1)");
    }
    return new Blessing(thresholds, firstModel, alpha, holdoutBudget);
  }

  /**
   * Refuses to bless once this many decisions were made on the same holdout rows (adaptive reuse of
   * a holdout overfits it); 0, the default, counts without a limit.
   */
  public Blessing holdoutBudget(int decisions) {
    if (decisions < 0) {
      throw InvalidArgumentException.of("holdoutBudget", decisions, "must be >= 0 (0 = no limit)");
    }
    return new Blessing(thresholds, firstModel, alpha, decisions);
  }

  /** The thresholds. */
  public List<MetricThreshold> thresholds() {
    return thresholds;
  }

  /**
   * Decides on a challenger's evaluation, with the champion's on the same rows or null without a champion.
   *
   * @param holdoutDecisions decisions on these holdout rows so far, this one included
   */
  public BlessingDecision decide(Evaluation challenger, @Nullable Evaluation champion, int holdoutDecisions) {
    boolean first = champion == null;
    List<BlessingDecision.MetricCheck> checks = new ArrayList<>();
    for (MetricThreshold t : thresholds) {
      Double c = challenger.metrics().get(t.metric());
      Double b = champion == null ? null : champion.metrics().getOrDefault(t.metric(), Double.NaN);
      checks.add(t.check(c, b));
    }
    List<String> failures = checks.stream().filter(c -> !c.passed()).map(BlessingDecision.MetricCheck::detail)
        .collect(Collectors.toCollection(ArrayList::new));
    McNemar test = null;
    PairedBootstrap boot = null;
    if (alpha != null && champion != null) {
      boolean[] a = champion.correct();
      boolean[] b = challenger.correct();
      double[] la = champion.losses();
      double[] lb = challenger.losses();
      if ((a == null || b == null) && la != null && lb != null) {
        boot = PairedBootstrap.of(la, lb, 1 - alpha, PairedBootstrap.DEFAULT_RESAMPLES, la.length);
        if (!boot.challengerBetter()) {
          failures.add(String.format(Locale.ROOT, "not significantly better: the %.0f%% interval of the mean loss reduction is [%.4g, %.4g]",
              (1 - alpha) * 100, boot.low(), boot.high()));
        }
      } else if (a == null || b == null) {
        failures.add("a significance test needs per-row correctness or losses, which this evaluation does not give");
      } else {
        test = McNemar.of(a, b);
        if (!(test.c() > test.b() && test.pValue() < alpha)) {
          failures.add(String.format(Locale.ROOT, "not significantly better: McNemar b=%d c=%d p=%.4g (needs c > b and p < %.4g)", test.b(),
              test.c(), test.pValue(), alpha));
        }
      }
    }
    if (holdoutBudget > 0 && holdoutDecisions > holdoutBudget) {
      failures.add("the holdout was used for " + holdoutDecisions + " decisions, over the budget of " + holdoutBudget
          + ": supply fresh held-out rows");
    }
    if (first && firstModel == FirstModelPolicy.REFUSE) {
      failures.add("no champion to compare with, and the first-model policy is REFUSE");
    }
    if (first && firstModel == FirstModelPolicy.BLESS_ON_VALUE_BOUNDS && thresholds.stream().noneMatch(MetricThreshold::hasValueCondition)) {
      failures.add("no champion to compare with, and no threshold has a value bound to bless a first model on");
    }
    boolean blessed = failures.isEmpty();
    String reason;
    if (blessed) {
      reason = first ? "first model (no champion): blessed on value bounds only, change conditions skipped; "
          + checks.stream().map(BlessingDecision.MetricCheck::detail).collect(Collectors.joining("; "))
          : "blessed: " + checks.stream().map(BlessingDecision.MetricCheck::detail).collect(Collectors.joining("; "))
              + (test == null ? "" : String.format(Locale.ROOT, "; McNemar p=%.4g", test.pValue()))
              + (boot == null ? "" : String.format(Locale.ROOT, "; loss reduction %.4g, interval [%.4g, %.4g]", boot.meanDifference(),
                  boot.low(), boot.high()));
    } else {
      reason = "not blessed: " + String.join("; ", failures);
    }
    return new BlessingDecision(blessed, reason, first, checks, test, boot, holdoutDecisions);
  }

  /** The rule's figures, for the record. */
  public Map<String, Object> describe() {
    return Map.of("thresholds", thresholds.stream().map(MetricThreshold::toString).toList(), "firstModel", firstModel.name(),
        "alpha", alpha == null ? "none" : alpha, "holdoutBudget", holdoutBudget);
  }

  @Override
  public String toString() {
    return "Blessing" + describe();
  }
}
