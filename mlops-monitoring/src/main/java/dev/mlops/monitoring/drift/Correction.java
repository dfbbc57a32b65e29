package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/** Multiple-testing corrections applied to the p-values of all tested columns. */
public enum Correction {
  /** No correction. */
  NONE,
  /** Bonferroni: p × m, capped at 1 (family-wise error rate). */
  BONFERRONI,
  /** Benjamini–Hochberg step-up adjusted p-values (false discovery rate). */
  BH;

  /** Parses {@code none}, {@code bonferroni} or {@code bh}. */
  public static Correction parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "none" -> NONE;
      case "bonferroni" -> BONFERRONI;
      case "bh", "benjamini-hochberg" -> BH;
      default -> throw InvalidArgumentException.of("correction", s, "must be none, bonferroni or bh");
    };
  }

  /** Adjusted p-values, in the order given. */
  public double[] adjust(double[] p) {
    int m = p.length;
    double[] out = new double[m];
    switch (this) {
      case NONE -> System.arraycopy(p, 0, out, 0, m);
      case BONFERRONI -> {
        for (int i = 0; i < m; i++) {
          out[i] = Math.min(1, p[i] * m);
        }
      }
      case BH -> {
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
          order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double running = 1;
        for (int rank = m; rank >= 1; rank--) {
          int i = order[rank - 1];
          running = Math.min(running, p[i] * m / rank);
          out[i] = Math.min(1, running);
        }
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }
}
