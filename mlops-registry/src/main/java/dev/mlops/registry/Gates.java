package dev.mlops.registry;

import dev.mlops.api.internal.Validation;
import java.util.List;
import java.util.Locale;

/** The built-in gates. */
public final class Gates {
  private Gates() {}

  /** The source run's metric must be at least {@code threshold} (absent or NaN fails). */
  public static Gate metricAtLeast(String metric, double threshold) {
    Validation.key("gate metric", metric);
    return new Gate() {
      @Override
      public String describe() {
        return "metric " + metric + " >= " + threshold;
      }

      @Override
      public Outcome evaluate(Context c) {
        Double v = c.candidateMetrics().get(metric);
        return v == null ? new Outcome(false, metric + " was not logged by the source run")
            : new Outcome(v >= threshold, metric + " = " + v);
      }
    };
  }

  /** The source run's metric must be at most {@code threshold}. */
  public static Gate metricAtMost(String metric, double threshold) {
    Validation.key("gate metric", metric);
    return new Gate() {
      @Override
      public String describe() {
        return "metric " + metric + " <= " + threshold;
      }

      @Override
      public Outcome evaluate(Context c) {
        Double v = c.candidateMetrics().get(metric);
        return v == null ? new Outcome(false, metric + " was not logged by the source run")
            : new Outcome(v <= threshold, metric + " = " + v);
      }
    };
  }

  /**
   * The candidate's metric must be no worse than the current holder's minus {@code tolerance}
   * (plus, when lower is better). Passes when the alias has no holder, and when the holder's source
   * run has no such metric (it was promoted under other gates, or registered without a run): the
   * detail says so. Fails when the candidate lacks the metric.
   */
  public static Gate noWorseThanHolder(String metric, double tolerance, boolean higherIsBetter) {
    Validation.key("gate metric", metric);
    return new Gate() {
      @Override
      public String describe() {
        return "metric " + metric + " no worse than the current holder " + (higherIsBetter ? "- " : "+ ") + tolerance;
      }

      @Override
      public Outcome evaluate(Context c) {
        if (c.holder().isEmpty()) {
          return new Outcome(true, "no current holder");
        }
        Double v = c.candidateMetrics().get(metric);
        Double h = c.holderMetrics().get(metric);
        if (v == null) {
          return new Outcome(false, metric + " missing on the candidate");
        }
        if (h == null) {
          // a holder promoted under other gates (or registered without a run) has no figure to be worse
          // than; failing here would refuse every candidate until the alias is forced
          return new Outcome(true, String.format(Locale.ROOT, "holder v%d has no %s: nothing to compare with (%s = %s)",
              c.holder().get().version(), metric, metric, v));
        }
        boolean ok = higherIsBetter ? v >= h - tolerance : v <= h + tolerance;
        return new Outcome(ok, String.format(Locale.ROOT, "%s = %s vs holder v%d %s", metric, v, c.holder().get().version(), h));
      }
    };
  }

  /** The candidate's model card must fill these fields ({@code intendedUse}, {@code limitations}, ...). */
  public static Gate requiredCardFields(String... fields) {
    List<String> list = List.of(fields);
    list.forEach(f -> dev.mlops.api.registry.ModelCard.EMPTY.has(f));
    return new Gate() {
      @Override
      public String describe() {
        return "model card fields " + list;
      }

      @Override
      public Outcome evaluate(Context c) {
        List<String> missing = list.stream().filter(f -> !c.candidate().card().has(f)).toList();
        return new Outcome(missing.isEmpty(), missing.isEmpty() ? "all present" : "missing " + missing);
      }
    };
  }

  /** The candidate version must carry the tag {@code key} with {@code value} (for example a passed fairness review). */
  public static Gate requiredTag(String key, String value) {
    Validation.key("gate tag", key);
    return new Gate() {
      @Override
      public String describe() {
        return "tag " + key + " = " + value;
      }

      @Override
      public Outcome evaluate(Context c) {
        String v = c.candidate().tags().get(key);
        return new Outcome(value.equals(v), v == null ? "tag " + key + " not set" : "tag " + key + " = " + v);
      }
    };
  }
}
