package dev.mlops.monitoring.drift;

import dev.mlops.monitoring.internal.Search;
import java.util.Arrays;

/**
 * Current values bucketed between the items of a reference sketch, without sorting them: the
 * sketch's CDF is constant between two consecutive items, so the exact current CDF is needed only
 * at the items (counts per bucket), plus, for the Wasserstein integral, the sum of the values in
 * each bucket, and the values themselves (sorted) only in the few buckets where the two CDFs cross.
 * KS, Wasserstein and bin counts come out the same as from a fully sorted current sample (the
 * merged-grid computations in {@link SketchStatistics}, kept as the reference the tests compare with),
 * at a fraction of the cost: a bucket lookup per value instead of a sort.
 *
 * <p>Bucket {@code k} holds the values with exactly {@code k} items at or below them, i.e. in
 * {@code [items[k-1], items[k])}; {@code k = 0} is below the first item, {@code k = m} at or above
 * the last. Values equal to a bucket's left item are counted apart (the CDF steps there).
 */
final class SketchBuckets {
  private final double[] items;
  private final double[] ranks;
  private final double[] values;
  private final int n;
  private final int[] bucketOf;
  /** Values per bucket (including those equal to its left item). */
  private final int[] count;
  /** Values equal to the bucket's left item. */
  private final int[] atLeft;
  /** Sum over the values strictly inside the bucket of (value − left item); bucket 0: (first item − value). */
  private final double[] offsets;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  /**
   * @param items the sketch's sorted items, finite, at least one
   * @param ranks the sketch's CDF at each item
   * @param values current values, all finite, at least one (not modified)
   */
  SketchBuckets(double[] items, double[] ranks, double[] values) {
    this.items = items;
    this.ranks = ranks;
    this.values = values;
    this.n = values.length;
    int m = items.length;
    this.bucketOf = new int[n];
    this.count = new int[m + 1];
    this.atLeft = new int[m + 1];
    this.offsets = new double[m + 1];
    Lookup lookup = new Lookup(items);
    for (int i = 0; i < n; i++) {
      double v = values[i];
      min = Math.min(min, v);
      max = Math.max(max, v);
      int k = lookup.upperBound(v);
      bucketOf[i] = k;
      count[k]++;
      if (k == 0) {
        offsets[0] += items[0] - v;
      } else if (v == items[k - 1]) {
        atLeft[k]++;
      } else {
        offsets[k] += v - items[k - 1];
      }
    }
  }

  /** Whether the arguments suit this class: a finite, non-empty sketch and finite current values. */
  static boolean applies(double[] items, double[] values) {
    return items.length > 0 && values.length > 0 && Double.isFinite(items[0]) && Double.isFinite(items[items.length - 1]);
  }

  /** The sketch's CDF on bucket k. */
  private double ref(int k) {
    return k == 0 ? 0 : ranks[k - 1];
  }

  /** The two-sample KS statistic: the largest CDF gap at any point where either CDF steps. */
  double ks() {
    double d = 0;
    long below = 0;
    for (int k = 0; k <= items.length; k++) {
      double r = ref(k);
      if (k > 0 && (k == items.length || items[k] != items[k - 1])) {
        // at the bucket's left item (of repeated items, the last one: the sketch's CDF there includes them all)
        d = Math.max(d, Math.abs(r - (double) (below + atLeft[k]) / n));
      }
      below += count[k];
      if (count[k] > atLeft[k]) {
        // at the bucket's last current value
        d = Math.max(d, Math.abs(r - (double) below / n));
      }
    }
    return d;
  }

  /** ∫|F_ref − F_cur| from the smallest to the largest of all items and values. */
  double wasserstein() {
    int m = items.length;
    double sum = 0;
    long below = 0;
    int[] crossing = null;
    int crossings = 0;
    for (int k = 0; k <= m; k++) {
      double r = ref(k);
      double a = k == 0 ? Math.min(min, items[0]) : items[k - 1];
      double b = k == m ? Math.max(max, a) : items[k];
      int inside = count[k] - atLeft[k];
      double fa = (double) (below + atLeft[k]) / n;
      below += count[k];
      double fb = (double) below / n;
      double len = b - a;
      if (len == 0) {
        continue;
      }
      // ∫_a^b F_cur = F_cur(a)·len + Σ over values inside of (b − v)/n
      double tail = k == 0 ? offsets[0] : inside * len - offsets[k];
      double integralCur = fa * len + tail / n;
      if (r >= fb) {
        sum += r * len - integralCur;
      } else if (r <= fa) {
        sum += integralCur - r * len;
      } else {
        if (crossing == null) {
          crossing = new int[16];
        } else if (crossings == crossing.length) {
          crossing = Arrays.copyOf(crossing, crossings * 2);
        }
        crossing[crossings++] = k;
      }
    }
    return crossings == 0 ? sum : sum + crossingParts(Arrays.copyOf(crossing, crossings));
  }

  /** The exact integral over buckets where the CDFs cross: their values gathered and sorted, bucket by bucket. */
  private double crossingParts(int[] buckets) {
    int m = items.length;
    int[] slot = new int[m + 1];
    Arrays.fill(slot, -1);
    int[] start = new int[buckets.length + 1];
    for (int i = 0; i < buckets.length; i++) {
      slot[buckets[i]] = i;
      start[i + 1] = start[i] + count[buckets[i]] - atLeft[buckets[i]];
    }
    double[] gathered = new double[start[buckets.length]];
    int[] fill = Arrays.copyOf(start, buckets.length);
    for (int i = 0; i < n; i++) {
      int s = slot[bucketOf[i]];
      if (s >= 0 && (bucketOf[i] == 0 || values[i] != items[bucketOf[i] - 1])) {
        gathered[fill[s]++] = values[i];
      }
    }
    long[] belowBucket = new long[m + 2];
    for (int k = 0; k <= m; k++) {
      belowBucket[k + 1] = belowBucket[k] + count[k];
    }
    double sum = 0;
    for (int i = 0; i < buckets.length; i++) {
      int k = buckets[i];
      Arrays.sort(gathered, start[i], start[i + 1]);
      double r = ref(k);
      double a = k == 0 ? Math.min(min, items[0]) : items[k - 1];
      double b = k == m ? Math.max(max, a) : items[k];
      long cum = belowBucket[k] + atLeft[k];
      double x = a;
      for (int j = start[i]; j < start[i + 1]; j++) {
        double v = gathered[j];
        sum += Math.abs(r - (double) cum / n) * (v - x);
        x = v;
        cum++;
      }
      sum += Math.abs(r - (double) cum / n) * (b - x);
    }
    return sum;
  }

  /** Current values below {@code x}, exact; {@code x} must be one of the items. */
  long countBelowItem(double x) {
    int j = Search.lowerBound(items, x);
    long c = 0;
    for (int k = 0; k <= j; k++) {
      c += count[k];
    }
    return c;
  }

  /** Whether {@code x} is (numerically) one of the items. */
  boolean isItem(double x) {
    int j = Search.lowerBound(items, x);
    return j < items.length && items[j] == x;
  }

  /** upperBound over sorted items through an equal-width table of starting points, corrected by short scans. */
  private static final class Lookup {
    private final double[] items;
    private final double lo;
    private final double hi;
    private final double scale;
    private final int[] start;

    Lookup(double[] items) {
      this.items = items;
      this.lo = items[0];
      this.hi = items[items.length - 1];
      int slots = Math.max(1, 2 * items.length);
      double s = hi > lo ? slots / (hi - lo) : 0;
      this.scale = Double.isFinite(s) ? s : 0;
      this.start = new int[slots + 1];
      int idx = 0;
      for (int i = 0; i <= slots; i++) {
        double x = scale == 0 ? lo : lo + i / scale;
        while (idx < items.length && items[idx] <= x) {
          idx++;
        }
        start[i] = idx;
      }
    }

    int upperBound(double v) {
      if (v < lo) {
        return 0;
      }
      if (v >= hi) {
        return items.length;
      }
      int idx = start[Math.min(start.length - 1, (int) ((v - lo) * scale))];
      while (idx > 0 && items[idx - 1] > v) {
        idx--;
      }
      while (idx < items.length && items[idx] <= v) {
        idx++;
      }
      return idx;
    }
  }
}
