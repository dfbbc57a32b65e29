package dev.mlops.monitoring.profile;

import dev.mlops.api.InvalidArgumentException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * A mergeable summary of one column: counts (values, missing, NaN, infinities, inferred types),
 * exact min, max, mean and variance (merged with Chan et al.'s parallel formulas), a KLL quantile
 * sketch of the finite numbers, frequent items of the non-numeric values, and an HLL distinct-count
 * estimate. Updates are thread-safe (one lock per column; batch updates take it once). One class of
 * some 500 lines because it is one summary: every field is updated, merged, written and read together
 * under the one lock, so the counts and the sketches cannot be split without splitting each of those.
 */
public final class ColumnProfile {
  /** KLL accuracy parameter: normalized rank error about 0.7% at 99% confidence. */
  public static final int KLL_K = 512;
  static final int FREQ_MAP_SIZE = 1024;
  static final int HLL_LG_K = 12;

  private final String name;
  private long missing;
  private long nan;
  private long posInf;
  private long negInf;
  private long integral;
  private long fractional;
  private long strings;
  private long booleans;
  private long n;
  private double mean;
  private double m2;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private final KllDoublesSketch kll;
  private final ItemsSketch<String> frequent;
  // 8-bit registers in memory: an update stores one byte (the 4-bit form's exception table made a
  // profile update cost 1.4 times a bare KLL update); stored in the 4-bit form, half the bytes
  private final HllSketch hll;

  ColumnProfile(String name) {
    this(name, KllDoublesSketch.newHeapInstance(KLL_K), new ItemsSketch<>(FREQ_MAP_SIZE), new HllSketch(HLL_LG_K, TgtHllType.HLL_8));
  }

  private ColumnProfile(String name, KllDoublesSketch kll, ItemsSketch<String> frequent, HllSketch hll) {
    this.name = name;
    this.kll = kll;
    this.frequent = frequent;
    this.hll = hll;
  }

  /** The column name. */
  public String name() {
    return name;
  }

  /** Adds one number (NaN and infinities are counted, not sketched). */
  public synchronized void update(double v) {
    add(v);
  }

  /** Adds many numbers under one lock. */
  public synchronized void update(double[] values, int from, int to) {
    // each run of finite values is taken at once: counts and moments in two tight passes and
    // merged in (Chan et al.), the quantile sketch through KLL's vector update, so a batch costs
    // little more than a bare sketch's update; NaN and infinities in between are only counted
    int run = from;
    for (int i = from; i < to; i++) {
      double v = values[i];
      if (!Double.isFinite(v)) {
        finiteRun(values, run, i);
        run = i + 1;
        add(v);
      }
    }
    finiteRun(values, run, to);
  }

  private void finiteRun(double[] values, int from, int to) {
    int k = to - from;
    if (k <= 0) {
      return;
    }
    double sum = 0;
    double lo = min;
    double hi = max;
    long ints = 0;
    for (int i = from; i < to; i++) {
      double v = values[i];
      sum += v;
      // Math.min and max, not < and >: -0.0 is below 0.0, so the extremes do not depend on the order of the rows
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      if (v == Math.rint(v)) {
        ints++;
      }
      hll.update(v);
    }
    // two-pass moments of the run: deviations from the run's own mean, corrected for its rounding
    double runMean = sum / k;
    double squares = 0;
    double residual = 0;
    for (int i = from; i < to; i++) {
      double d = values[i] - runMean;
      squares += d * d;
      residual += d;
    }
    double runM2 = Math.max(0, squares - residual * residual / k);
    if (!Double.isFinite(runMean) || !Double.isFinite(runM2)) {
      // sums beyond the double range: the one-by-one recurrence never forms them
      for (int i = from; i < to; i++) {
        moments(values[i]);
      }
    } else {
      mergeMoments(k, runMean, runM2);
    }
    integral += ints;
    fractional += k - ints;
    min = lo;
    max = hi;
    kll.update(values, from, k);
  }

  private void add(double v) {
    if (Double.isNaN(v)) {
      nan++;
      return;
    }
    if (Double.isInfinite(v)) {
      if (v > 0) {
        posInf++;
      } else {
        negInf++;
      }
      return;
    }
    count(v);
    kll.update(v);
  }

  /** Everything but the quantile sketch, for a finite value. */
  private void count(double v) {
    if (v == Math.rint(v)) {
      integral++;
    } else {
      fractional++;
    }
    moments(v);
    min = Math.min(min, v);
    max = Math.max(max, v);
    hll.update(v);
  }

  /** Adds the moments of {@code bn} other values to this profile's (Chan et al.'s parallel formulas). */
  private void mergeMoments(long bn, double bMean, double bM2) {
    long total = n + bn;
    double delta = bMean - mean;
    mean = mean + delta * bn / total;
    m2 = m2 + bM2 + delta * delta * ((double) n * bn / total);
    n = total;
  }

  /** Welford's recurrence for one finite value. */
  private void moments(double v) {
    n++;
    double delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }

  /** Adds one value of any kind: null is missing, numbers and booleans as such, anything else as a string. */
  public synchronized void update(Object value) {
    if (value == null) {
      missing++;
    } else if (value instanceof Number num) {
      add(num.doubleValue());
    } else if (value instanceof Boolean b) {
      booleans++;
      frequent.update(b.toString());
      hll.update(b.toString());
    } else {
      strings++;
      String s = value.toString();
      frequent.update(s);
      hll.update(s);
    }
  }

  /** Counts one missing value. */
  public synchronized void updateMissing() {
    missing++;
  }

  /** A new profile equal to the profile of both inputs' values. Neither input changes. */
  public ColumnProfile merge(ColumnProfile other) {
    ColumnProfile a;
    ColumnProfile b;
    synchronized (this) {
      a = copy();
    }
    synchronized (other) {
      b = other.copy();
    }
    if (!a.name.equals(b.name)) {
      throw InvalidArgumentException.of("column", b.name, "cannot merge into the profile of column '" + a.name + "'");
    }
    a.addCounts(b);
    a.kll.merge(b.kll);
    a.frequent.merge(b.frequent);
    Union u = new Union(HLL_LG_K);
    u.update(a.hll);
    u.update(b.hll);
    return new ColumnProfile(a.name, a.kll, a.frequent, u.getResult(TgtHllType.HLL_8)).copyCountsFrom(a);
  }

  /** Adds {@code b}'s counters and moments to this profile's (Chan et al.'s parallel formulas for the moments). */
  private void addCounts(ColumnProfile b) {
    missing += b.missing;
    nan += b.nan;
    posInf += b.posInf;
    negInf += b.negInf;
    integral += b.integral;
    fractional += b.fractional;
    strings += b.strings;
    booleans += b.booleans;
    if (b.n > 0) {
      mergeMoments(b.n, b.mean, b.m2);
      min = Math.min(min, b.min);
      max = Math.max(max, b.max);
    }
  }

  /**
   * The profile of every part's values, each part read once under its lock and merged into one
   * accumulator (where a chain of {@link #merge} calls copies the growing result at every step).
   *
   * @throws dev.mlops.api.InvalidArgumentException if a part profiles another column
   */
  static ColumnProfile mergeAll(String name, List<ColumnProfile> parts) {
    ColumnProfile a = new ColumnProfile(name);
    Union u = new Union(HLL_LG_K);
    for (ColumnProfile b : parts) {
      if (!b.name.equals(name)) {
        throw InvalidArgumentException.of("column", b.name, "cannot merge into the profile of column '" + name + "'");
      }
      synchronized (b) {
        a.addCounts(b);
        a.kll.merge(b.kll);
        a.frequent.merge(b.frequent);
        u.update(b.hll);
      }
    }
    return new ColumnProfile(name, a.kll, a.frequent, u.getResult(TgtHllType.HLL_8)).copyCountsFrom(a);
  }

  private ColumnProfile copyCountsFrom(ColumnProfile a) {
    missing = a.missing;
    nan = a.nan;
    posInf = a.posInf;
    negInf = a.negInf;
    integral = a.integral;
    fractional = a.fractional;
    strings = a.strings;
    booleans = a.booleans;
    n = a.n;
    mean = a.mean;
    m2 = a.m2;
    min = a.min;
    max = a.max;
    return this;
  }

  /** A copy taken under this column's lock: later updates of either do not reach the other. */
  synchronized ColumnProfile snapshot() {
    return copy();
  }

  private ColumnProfile copy() {
    ColumnProfile c = new ColumnProfile(name, KllDoublesSketch.heapify(Memory.wrap(kll.toByteArray())),
        ItemsSketch.getInstance(Memory.wrap(frequent.toByteArray(new ArrayOfStringsSerDe())), new ArrayOfStringsSerDe()),
        hll.copy());
    return c.copyCountsFrom(this);
  }

  /** Values seen, missing ones included. */
  public synchronized long count() {
    return missing + nan + posInf + negInf + n + strings + booleans;
  }

  /** Missing values: null, NaN or infinite. */
  public synchronized long missingTotal() {
    return missing + nan + posInf + negInf;
  }

  /** Values that were null or counted with {@link #updateMissing()}. */
  public synchronized long nullCount() {
    return missing;
  }

  /** Numeric values that were NaN. */
  public synchronized long nanCount() {
    return nan;
  }

  /** Numeric values that were positive or negative infinity. */
  public synchronized long infiniteCount() {
    return posInf + negInf;
  }

  /** Finite numbers seen. */
  public synchronized long numericCount() {
    return n;
  }

  /** Counts per inferred type: integral, fractional, string, boolean, null. */
  public synchronized Map<String, Long> typeCounts() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("integral", integral);
    m.put("fractional", fractional);
    m.put("string", strings);
    m.put("boolean", booleans);
    m.put("null", missing);
    return m;
  }

  /** Whether the column holds mostly numbers. */
  public synchronized boolean isNumerical() {
    return n > 0 && n >= strings + booleans;
  }

  /** The smallest finite numeric value seen; NaN when there is none. */
  public synchronized double min() {
    return n == 0 ? Double.NaN : min;
  }

  /** The largest finite numeric value seen; NaN when there is none. */
  public synchronized double max() {
    return n == 0 ? Double.NaN : max;
  }

  /** The mean of the finite numeric values seen; NaN when there is none. */
  public synchronized double mean() {
    return n == 0 ? Double.NaN : mean;
  }

  /** Population variance of the finite numbers. */
  public synchronized double variance() {
    return n == 0 ? Double.NaN : m2 / n;
  }

  /** The q-quantile of the finite numbers, from the sketch. */
  public synchronized double quantile(double q) {
    return n == 0 ? Double.NaN : kll.getQuantile(q, org.apache.datasketches.quantilescommon.QuantileSearchCriteria.INCLUSIVE);
  }

  /** The share of finite numbers at or below {@code v}, from the sketch. */
  public synchronized double rank(double v) {
    return n == 0 ? Double.NaN : kll.getRank(v, org.apache.datasketches.quantilescommon.QuantileSearchCriteria.INCLUSIVE);
  }

  /** The sketch's normalized rank error at 99% confidence. */
  public synchronized double rankError() {
    return kll.getNormalizedRankError(false);
  }

  /** The error of the sketch's rank answers now: 0 while it holds every number given (exact ranks), else {@link #rankError()}. */
  public synchronized double rankErrorNow() {
    return kll.isEstimationMode() ? kll.getNormalizedRankError(false) : 0;
  }

  /**
   * The sketched CDF as a step function: sorted retained items and, for each, the normalized rank
   * of values at or below it. Empty when no numbers were seen.
   */
  public synchronized double[][] cdfSteps() {
    if (n == 0) {
      return new double[][] {new double[0], new double[0]};
    }
    var view = kll.getSortedView();
    double[] items = view.getQuantiles();
    long[] cum = view.getCumulativeWeights();
    double total = cum[cum.length - 1];
    double[] ranks = new double[cum.length];
    for (int i = 0; i < cum.length; i++) {
      ranks[i] = cum[i] / total;
    }
    return new double[][] {items, ranks};
  }

  /** Estimated distinct values. */
  public synchronized double distinctEstimate() {
    return hll.getEstimate();
  }

  /**
   * Estimated distinct values of this column and {@code numbers} together: the union of the column's
   * HyperLogLog sketch with one of {@code numbers} (0.0 and -0.0 are one value; NaN and infinities are
   * left out, as the profile leaves them). For a few hundred distinct values or fewer the estimate is
   * the exact count in practice; beyond, its relative error is about 1.6 %.
   */
  public double distinctEstimateWith(double[] numbers) {
    HllSketch others = new HllSketch(HLL_LG_K, TgtHllType.HLL_8);
    for (double v : numbers) {
      if (Double.isFinite(v)) {
        others.update(v);
      }
    }
    Union u = new Union(HLL_LG_K);
    synchronized (this) {
      u.update(hll);
    }
    u.update(others);
    return u.getEstimate();
  }

  /**
   * The most by which a count of {@link #frequentItems()} may exceed the true count: 0 while the
   * counts are exact (fewer distinct non-numeric values than the sketch keeps, about 750).
   */
  public synchronized long frequentItemsError() {
    return frequent.getMaximumError();
  }

  /** Frequent non-numeric values with estimated counts, most frequent first (no false negatives). */
  public synchronized Map<String, Long> frequentItems() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (ItemsSketch.Row<String> r : frequent.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
      m.put(r.getItem(), r.getEstimate());
    }
    return m;
  }

  synchronized void write(DataOutputStream out) throws IOException {
    out.writeUTF(name);
    for (long v : new long[] {missing, nan, posInf, negInf, integral, fractional, strings, booleans, n}) {
      out.writeLong(v);
    }
    out.writeDouble(mean);
    out.writeDouble(m2);
    out.writeDouble(min);
    out.writeDouble(max);
    bytes(out, kll.toByteArray());
    bytes(out, frequent.toByteArray(new ArrayOfStringsSerDe()));
    // stored in the compact 4-bit form (half the bytes, the same registers)
    bytes(out, hll.copyAs(TgtHllType.HLL_4).toCompactByteArray());
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > (64 << 20)) {
      throw new IOException("corrupt profile: sketch of " + len + " bytes");
    }
    return in.readNBytes(len);
  }

  static ColumnProfile read(DataInputStream in, int version) throws IOException {
    String name = in.readUTF();
    long[] c = new long[9];
    for (int i = 0; i < c.length; i++) {
      c[i] = in.readLong();
    }
    double mean = in.readDouble();
    double m2 = in.readDouble();
    double min = in.readDouble();
    double max = in.readDouble();
    KllDoublesSketch kll = KllDoublesSketch.heapify(Memory.wrap(bytes(in)));
    ItemsSketch<String> freq = ItemsSketch.getInstance(Memory.wrap(bytes(in)), new ArrayOfStringsSerDe());
    return of(name, c, new double[] {mean, m2, min, max}, kll, freq, HllSketch.heapify(bytes(in)).copyAs(TgtHllType.HLL_8));
  }

  /** A profile of these fields: counts as {@link #write} orders them, moments {mean, m2, min, max}; the sketches are taken, not copied. */
  static ColumnProfile of(String name, long[] c, double[] moments, KllDoublesSketch kll, ItemsSketch<String> freq, HllSketch hll) {
    ColumnProfile p = new ColumnProfile(name, kll, freq, hll);
    p.missing = c[0];
    p.nan = c[1];
    p.posInf = c[2];
    p.negInf = c[3];
    p.integral = c[4];
    p.fractional = c[5];
    p.strings = c[6];
    p.booleans = c[7];
    p.n = c[8];
    p.mean = moments[0];
    p.m2 = moments[1];
    p.min = moments[2];
    p.max = moments[3];
    return p;
  }
}
