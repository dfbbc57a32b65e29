package dev.mlops.monitoring.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.util.CombinatoricsUtils;

/**
 * Null distributions of the two-sample Cramér–von Mises statistic: exact by counting (Xiao, Gordon
 * &amp; Yakovlev 2006, as SciPy computes it) and the limiting distribution (Csörgő &amp; Faraway 1996).
 */
final class CramerVonMises {
  private CramerVonMises() {}

  /** P(U &gt;= u) for sample sizes m and n, where U is the rank statistic of {@link TwoSample#cramerVonMises}. */
  static double exactPValue(double s, int m, int n) {
    long lcm = lcm(m, n);
    long a = lcm / m;
    long b = lcm / n;
    double mn = (double) m * n;
    double zeta = Math.floor((double) lcm * lcm * (m + n) * (6 * s - mn * (4 * mn - 1)) / (6 * mn * mn));
    List<Map<Long, Long>> gs = new ArrayList<>();
    Map<Long, Long> first = new HashMap<>();
    first.put(0L, 1L);
    gs.add(first);
    for (int v = 0; v < m; v++) {
      gs.add(new HashMap<>());
    }
    for (int u = 0; u <= n; u++) {
      List<Map<Long, Long>> next = new ArrayList<>(m + 1);
      Map<Long, Long> tmp = new HashMap<>();
      for (int v = 0; v <= m; v++) {
        Map<Long, Long> merged = new HashMap<>(tmp);
        gs.get(v).forEach((k, f) -> merged.merge(k, f, Long::sum));
        long shift = (a * v - b * u) * (a * v - b * u);
        Map<Long, Long> shifted = new HashMap<>(merged.size() * 2);
        merged.forEach((k, f) -> shifted.put(k + shift, f));
        next.add(shifted);
        tmp = shifted;
      }
      gs = next;
    }
    double hits = 0;
    for (Map.Entry<Long, Long> e : gs.get(m).entrySet()) {
      if (e.getKey() >= zeta) {
        hits += e.getValue();
      }
    }
    return hits / CombinatoricsUtils.binomialCoefficientDouble(m + n, m);
  }

  private static long lcm(long a, long b) {
    long x = a;
    long y = b;
    while (y != 0) {
      long t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }

  /** The limiting CDF of the Cramér–von Mises statistic (series of Csörgő &amp; Faraway, eq. 1.2). */
  static double cdfInfinite(double x) {
    double total = 0;
    for (int k = 0;; k++) {
      double u = Math.exp(Gamma.logGamma(k + 0.5) - Gamma.logGamma(k + 1)) / (Math.pow(Math.PI, 1.5) * Math.sqrt(x));
      double y = 4 * k + 1;
      double q = y * y / (16 * x);
      double term = u * Math.sqrt(y) * expTimesBesselK(0.25, q);
      total += term;
      if (Math.abs(term) < 1e-7 || k > 10_000) {
        return total;
      }
    }
  }

  /**
   * e^(-z) K_nu(z) for z &gt; 0, from K_nu(z) = ∫_0^∞ exp(-z cosh t) cosh(nu t) dt by the trapezoid
   * rule, which converges geometrically for this analytic, doubly-exponentially decaying integrand.
   */
  static double expTimesBesselK(double nu, double z) {
    double h = 0.02;
    double sum = 0.5 * Math.exp(-2 * z);
    for (int i = 1;; i++) {
      double t = i * h;
      double f = Math.exp(-z * (1 + Math.cosh(t))) * Math.cosh(nu * t);
      sum += f;
      if (f < 1e-300 || (f < sum * 1e-18 && z * Math.cosh(t) > 50)) {
        break;
      }
    }
    return sum * h;
  }
}
