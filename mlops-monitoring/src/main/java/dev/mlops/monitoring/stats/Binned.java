package dev.mlops.monitoring.stats;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.internal.Search;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Distances between binned distributions, and the bins they use.
 *
 * <p>Numerical columns: quantile bins of the reference. The interior edges are the reference's
 * quantiles at 1/b, 2/b, ..., (b-1)/b ({@code numpy.quantile}, linear interpolation), duplicates
 * removed; a value v falls in bin i when edge[i-1] &lt;= v &lt; edge[i] ({@code searchsorted(edges,
 * v, side='right')}), the outer bins being open-ended. Categorical columns: one bin per category
 * in the union of both samples, in sorted order.
 */
public final class Binned {
  /** The share that replaces an empty bin in PSI and KL divergence. */
  public static final double ZERO_SHARE = 0.0001;

  private Binned() {}

  /**
   * Reference and current shares over the same bins.
   *
   * @param labels a label per bin (the edges for numerical bins, the category for categorical ones)
   * @param reference reference shares, summing to 1
   * @param current current shares, summing to 1
   */
  public record Shares(String[] labels, double[] reference, double[] current) {}

  /** numpy.quantile with linear interpolation of a sorted array. */
  public static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
  }

  /** The unique interior edges of {@code bins} quantile bins of the reference. */
  public static double[] quantileEdges(double[] reference, int bins) {
    checkBins(bins);
    double[] s = reference.clone();
    Arrays.sort(s);
    return edgesOfSorted(s, bins);
  }

  private static void checkBins(int bins) {
    if (bins < 2) {
      throw InvalidArgumentException.of("bins", bins, "must be at least 2");
    }
  }

  private static double[] edgesOfSorted(double[] s, int bins) {
    TreeSet<Double> edges = new TreeSet<>();
    for (int i = 1; i < bins; i++) {
      edges.add(quantile(s, (double) i / bins));
    }
    return edges.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Numerical shares over quantile bins of the reference. */
  public static Shares numerical(double[] reference, double[] current, int bins) {
    if (reference.length == 0 || current.length == 0) {
      throw InvalidArgumentException.of("samples", "empty", "both samples need values");
    }
    double[] edges = quantileEdges(reference, bins);
    return shares(edges, shares(reference, edges), shares(current, edges));
  }

  /**
   * {@link #numerical} of samples already sorted ascending (as {@link TwoSample#sortedCopies} gives):
   * the same shares, counted with one binary search per edge instead of one per value.
   *
   * @throws InvalidArgumentException if either sample is empty, holds NaN or is not sorted ascending
   */
  public static Shares numericalOfSorted(double[] reference, double[] current, int bins) {
    TwoSample.checkSorted(reference, "reference");
    TwoSample.checkSorted(current, "current");
    checkBins(bins);
    double[] edges = edgesOfSorted(reference, bins);
    return shares(edges, sortedShares(reference, edges), sortedShares(current, edges));
  }

  /** Shares of sorted values: bin i holds edge[i-1] &lt;= v &lt; edge[i], as {@link #shares(double[], double[])} counts. */
  private static double[] sortedShares(double[] sorted, double[] edges) {
    double[] counts = new double[edges.length + 1];
    int below = 0;
    for (int i = 0; i < edges.length; i++) {
      int upTo = Search.lowerBound(sorted, edges[i]);
      counts[i] = upTo - below;
      below = upTo;
    }
    counts[edges.length] = sorted.length - below;
    for (int i = 0; i < counts.length; i++) {
      counts[i] /= sorted.length;
    }
    return counts;
  }

  private static Shares shares(double[] edges, double[] r, double[] c) {
    String[] labels = new String[edges.length + 1];
    for (int i = 0; i <= edges.length; i++) {
      labels[i] = (i == 0 ? "(-inf" : "[" + fmt(edges[i - 1])) + ", " + (i == edges.length ? "inf)" : fmt(edges[i]) + ")");
    }
    return new Shares(labels, r, c);
  }

  private static String fmt(double v) {
    return dev.mlops.api.internal.Numbers.compact(v);
  }

  private static double[] shares(double[] values, double[] edges) {
    double[] counts = new double[edges.length + 1];
    for (double v : values) {
      counts[Search.upperBound(edges, v)]++;
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] /= values.length;
    }
    return counts;
  }

  /** Categorical shares from counts per category (either map may lack a category). */
  public static Shares categorical(Map<String, Long> reference, Map<String, Long> current) {
    TreeMap<String, long[]> all = new TreeMap<>();
    reference.forEach((k, v) -> all.computeIfAbsent(k, x -> new long[2])[0] += v);
    current.forEach((k, v) -> all.computeIfAbsent(k, x -> new long[2])[1] += v);
    double nr = reference.values().stream().mapToLong(Long::longValue).sum();
    double nc = current.values().stream().mapToLong(Long::longValue).sum();
    if (nr == 0 || nc == 0) {
      throw InvalidArgumentException.of("samples", "empty", "both samples need values");
    }
    String[] labels = all.keySet().toArray(new String[0]);
    double[] r = new double[labels.length];
    double[] c = new double[labels.length];
    int i = 0;
    for (long[] counts : all.values()) {
      r[i] = counts[0] / nr;
      c[i] = counts[1] / nc;
      i++;
    }
    return new Shares(labels, r, c);
  }

  private static double floor(double share) {
    return share == 0 ? ZERO_SHARE : share;
  }

  /** Population stability index: Σ (c − r)·ln(c / r), empty shares replaced by {@link #ZERO_SHARE}. */
  public static double psi(Shares s) {
    double sum = 0;
    for (int i = 0; i < s.reference().length; i++) {
      double r = floor(s.reference()[i]);
      double c = floor(s.current()[i]);
      sum += (c - r) * Math.log(c / r);
    }
    return sum;
  }

  /** Kullback–Leibler divergence Σ r·ln(r / c), empty shares replaced by {@link #ZERO_SHARE}. */
  public static double klDivergence(Shares s) {
    double sum = 0;
    for (int i = 0; i < s.reference().length; i++) {
      double r = floor(s.reference()[i]);
      double c = floor(s.current()[i]);
      sum += r * Math.log(r / c);
    }
    return sum;
  }

  /** Jensen–Shannon distance with natural log, as {@code scipy.spatial.distance.jensenshannon(r, c)}. */
  public static double jensenShannon(Shares s) {
    double[] p = normalized(s.reference());
    double[] q = normalized(s.current());
    double js = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      js += rel(p[i], m) + rel(q[i], m);
    }
    return Math.sqrt(Math.max(0, js / 2));
  }

  private static double rel(double x, double y) {
    if (x == 0) {
      return 0;
    }
    return x * Math.log(x / y);
  }

  private static double[] normalized(double[] p) {
    double sum = Arrays.stream(p).sum();
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i] / sum;
    }
    return out;
  }

  /** Hellinger distance sqrt(1 − Σ sqrt(r·c)) (clamped at 0 against rounding). */
  public static double hellinger(Shares s) {
    double bc = 0;
    for (int i = 0; i < s.reference().length; i++) {
      bc += Math.sqrt(s.reference()[i] * s.current()[i]);
    }
    return Math.sqrt(Math.max(0, 1 - bc));
  }
}
