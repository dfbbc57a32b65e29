package dev.mlops.monitoring.stats;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.internal.Search;
import java.util.Arrays;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * Two-sample tests and distances on raw numeric samples, each defined as the SciPy function it is
 * named after (SciPy 1.10), and checked against SciPy's own values in the tests. Inputs must hold
 * no NaN (drop missing values first); they are not modified.
 */
public final class TwoSample {
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  private TwoSample() {}

  private static double[] sorted(double[] x, String name, int min) {
    if (x.length < min) {
      throw InvalidArgumentException.of(name, x.length + " values", "needs at least " + min);
    }
    double[] s = x.clone();
    Arrays.sort(s);
    if (Double.isNaN(s[s.length - 1])) {
      throw InvalidArgumentException.of(name, "NaN", "must not contain NaN; drop missing values before testing");
    }
    return s;
  }

  /** Samples at least this large are sorted at the same time, one on a pool thread. */
  private static final int CONCURRENT_SORT = 200_000;

  /**
   * Sorted copies of {@code a} (the reference) and {@code b} (the current sample), in that order,
   * for the {@code ...OfSorted} methods, which then share one sort. Large samples are sorted at the
   * same time, the second on the common pool: sorting is most of an exact test's time, and
   * {@code Arrays.parallelSort} does not help on two cores, where the common pool has one thread.
   * The inputs are not modified.
   *
   * @throws InvalidArgumentException if either sample is empty or holds NaN
   */
  public static double[][] sortedCopies(double[] a, double[] b) {
    if (Math.min(a.length, b.length) < CONCURRENT_SORT) {
      return new double[][] {sorted(a, "reference", 1), sorted(b, "current", 1)};
    }
    java.util.concurrent.CompletableFuture<double[]> second =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> sorted(b, "current", 1));
    double[] first;
    try {
      first = sorted(a, "reference", 1);
    } catch (RuntimeException e) {
      try {
        second.join();
      } catch (RuntimeException ignored) {
        // the reference's problem is the one reported
      }
      throw e;
    }
    try {
      return new double[][] {first, second.join()};
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /**
   * The survival function of the two-sided one-sample Kolmogorov-Smirnov statistic: P(D_n &gt; x)
   * for a sample of {@code n}, as {@code scipy.stats.kstwo.sf(x, n)} computes it (exact for small
   * n, asymptotic beyond). The p-value of a KS test on sketched or binned data.
   */
  public static double kolmogorovSf(long n, double x) {
    return Kolmogorov.sf(n, x);
  }

  /** {@code scipy.stats.ks_2samp(a, b)}: two-sided, method 'auto' (exact when both sizes are at most 10,000). */
  public static TestResult ks(double[] a, double[] b) {
    double[][] both = sortedCopies(a, b);
    return ksSorted(both[0], both[1]);
  }

  /**
   * {@link #ks} of samples already sorted ascending, such as {@link #sortedCopies} gives: the same
   * result without sorting again.
   *
   * @throws InvalidArgumentException if either sample is empty, holds NaN or is not sorted ascending
   */
  public static TestResult ksOfSorted(double[] x, double[] y) {
    checkSorted(x, "reference");
    checkSorted(y, "current");
    return ksSorted(x, y);
  }

  /** Checks what {@link #sortedCopies} guarantees: values, ascending, no NaN. O(n), no copy. */
  public static void checkSorted(double[] x, String name) {
    if (x.length == 0) {
      throw InvalidArgumentException.of(name, "0 values", "needs at least 1");
    }
    for (int i = 1; i < x.length; i++) {
      if (!(x[i - 1] <= x[i])) {
        throw InvalidArgumentException.of(name, "value " + x[i] + " at index " + i, "must be sorted ascending and hold no NaN");
      }
    }
    if (Double.isNaN(x[0])) {
      throw InvalidArgumentException.of(name, "NaN", "must not contain NaN; drop missing values before testing");
    }
  }

  private static TestResult ksSorted(double[] x, double[] y) {
    int n1 = x.length;
    int n2 = y.length;
    // walk the merged order; the ECDF difference only changes at data points. It is kept exactly,
    // as i/n1 - j/n2 = (i*n2 - j*n1) / (n1*n2), in whole numbers: no division per step
    long maxS = Long.MIN_VALUE;
    long minS = Long.MAX_VALUE;
    int i = 0;
    int j = 0;
    while (i < n1 || j < n2) {
      double v = i < n1 && (j >= n2 || x[i] <= y[j]) ? x[i] : y[j];
      while (i < n1 && x[i] <= v) {
        i++;
      }
      while (j < n2 && y[j] <= v) {
        j++;
      }
      long diff = (long) i * n2 - (long) j * n1;
      maxS = Math.max(maxS, diff);
      minS = Math.min(minS, diff);
    }
    double scale = (double) n1 * n2;
    double minAbs = Math.min(1, Math.max(0, -minS / scale));
    double maxD = maxS / scale;
    double d = minAbs > maxD ? minAbs : maxD;
    long g = gcd(n1, n2);
    if (Math.max(n1, n2) <= 10_000) {
      long lcm = (n1 / g) * (long) n2;
      long h = Math.round(d * lcm);
      double dExact = (double) h / lcm;
      if (h == 0) {
        return new TestResult(dExact, 1.0);
      }
      double p = n1 == n2 ? Kolmogorov.probOutsideSquare(n1, h) : Kolmogorov.outerProbInside(n1, n2, g, h);
      if (Double.isFinite(p) && p >= 0 && p <= 1) {
        return new TestResult(dExact, p);
      }
    }
    double m = Math.max(n1, n2);
    double n = Math.min(n1, n2);
    double en = m * n / (m + n);
    double p = Kolmogorov.sf(Math.round(Math.rint(en)), d);
    return new TestResult(d, Math.min(1, Math.max(0, p)));
  }

  /** {@code scipy.stats.wasserstein_distance(a, b)}: the area between the two empirical CDFs. */
  public static double wasserstein(double[] a, double[] b) {
    return cdfDistance(sorted(a, "reference", 1), sorted(b, "current", 1), 1);
  }

  /** {@code scipy.stats.energy_distance(a, b)}. */
  public static double energy(double[] a, double[] b) {
    return Math.sqrt(2) * cdfDistance(sorted(a, "reference", 1), sorted(b, "current", 1), 2);
  }

  /**
   * SciPy's {@code _cdf_distance}: (∫|F-G|^p)^(1/p) over the merged support, of sorted samples. The
   * support is the merge of the two (in {@link Double#compare} order, the order a sort of their
   * concatenation gives), walked as it is merged: no third sort and no merged copy.
   */
  private static double cdfDistance(double[] u, double[] v, int p) {
    int n = u.length + v.length;
    int mu = 0;
    int mv = 0;
    double current = mv >= v.length || mu < u.length && Double.compare(u[mu], v[mv]) <= 0 ? u[mu++] : v[mv++];
    double sum = 0;
    int iu = 0;
    int iv = 0;
    for (int k = 0; k < n - 1; k++) {
      double next = mv >= v.length || mu < u.length && Double.compare(u[mu], v[mv]) <= 0 ? u[mu++] : v[mv++];
      double delta = next - current;
      while (iu < u.length && u[iu] <= current) {
        iu++;
      }
      while (iv < v.length && v[iv] <= current) {
        iv++;
      }
      current = next;
      if (delta == 0) {
        continue;
      }
      double diff = Math.abs((double) iu / u.length - (double) iv / v.length);
      sum += p == 1 ? diff * delta : diff * diff * delta;
    }
    return p == 1 ? sum : Math.sqrt(sum);
  }

  /** Population standard deviation ({@code numpy.std} with ddof 0). */
  public static double populationStd(double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    return Math.sqrt(ss / x.length);
  }

  /** Wasserstein distance divided by the reference's population standard deviation (0.001 when that is 0). */
  public static double normedWasserstein(double[] reference, double[] current) {
    return wasserstein(reference, current) / stdOrFloor(reference);
  }

  /**
   * {@link #normedWasserstein} of {@code reference} and a current sample, given both sorted as
   * {@link #sortedCopies} gives them: the same value without sorting again. The standard deviation
   * is summed over {@code reference} in its own order, as {@link #normedWasserstein} sums it.
   *
   * @throws InvalidArgumentException if a sorted sample is empty, holds NaN or is not sorted ascending
   */
  public static double normedWassersteinOfSorted(double[] reference, double[] sortedReference, double[] sortedCurrent) {
    checkSorted(sortedReference, "reference");
    checkSorted(sortedCurrent, "current");
    return cdfDistance(sortedReference, sortedCurrent, 1) / stdOrFloor(reference);
  }

  private static double stdOrFloor(double[] reference) {
    double sd = populationStd(reference);
    return sd == 0 ? 0.001 : sd;
  }

  /** Average ranks of the concatenation of {@code x} and {@code y} ({@code scipy.stats.rankdata}, method 'average'). */
  static double[] ranks(double[] x, double[] y) {
    int n = x.length + y.length;
    double[] all = new double[n];
    System.arraycopy(x, 0, all, 0, x.length);
    System.arraycopy(y, 0, all, x.length, y.length);
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (p, q) -> Double.compare(all[p], all[q]));
    double[] r = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && all[idx[j + 1]] == all[idx[i]]) {
        j++;
      }
      double avg = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[idx[k]] = avg;
      }
      i = j + 1;
    }
    return r;
  }

  /** {@code scipy.stats.mannwhitneyu(a, b, method="asymptotic")}: statistic U1 (of {@code a}), two-sided, continuity-corrected. */
  public static TestResult mannWhitney(double[] a, double[] b) {
    sorted(a, "reference", 1);
    sorted(b, "current", 1);
    int n1 = a.length;
    int n2 = b.length;
    double[] r = ranks(a, b);
    double r1 = 0;
    for (int i = 0; i < n1; i++) {
      r1 += r[i];
    }
    double u1 = r1 - n1 * (n1 + 1) / 2.0;
    double u2 = (double) n1 * n2 - u1;
    double u = Math.max(u1, u2);
    double[] sr = r.clone();
    Arrays.sort(sr);
    double tie = 0;
    for (int i = 0; i < sr.length;) {
      int j = i;
      while (j < sr.length && sr[j] == sr[i]) {
        j++;
      }
      double t = j - i;
      tie += t * t * t - t;
      i = j;
    }
    double n = n1 + n2;
    double s = Math.sqrt(n1 * (double) n2 / 12 * ((n + 1) - tie / (n * (n - 1))));
    double z = (u - n1 * (double) n2 / 2 - 0.5) / s;
    double p = 2 * (Double.isNaN(z) ? Double.NaN : NORMAL.cumulativeProbability(-z));
    return new TestResult(u1, Math.min(1, Math.max(0, p)));
  }

  /** {@code scipy.stats.ttest_ind(a, b, equal_var=False)}: Welch's t-test, two-sided. */
  public static TestResult welchT(double[] a, double[] b) {
    sorted(a, "reference", 2);
    sorted(b, "current", 2);
    double m1 = mean(a);
    double m2 = mean(b);
    double v1 = variance(a, m1) / a.length;
    double v2 = variance(b, m2) / b.length;
    double se = Math.sqrt(v1 + v2);
    double t = (m1 - m2) / se;
    double df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (a.length - 1) + v2 * v2 / (b.length - 1));
    if (Double.isNaN(t) || Double.isNaN(df)) {
      return new TestResult(Double.NaN, Double.NaN);
    }
    double p = 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
    return new TestResult(t, p);
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double variance(double[] x, double mean) {
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    return ss / (x.length - 1);
  }

  /**
   * {@code scipy.stats.anderson_ksamp([a, b])} with midranks: the standardized statistic and the
   * significance level interpolated from Scholz and Stephens' table, capped to [0.001, 0.25] as
   * SciPy caps it.
   */
  public static TestResult andersonDarling(double[] a, double[] b) {
    double[][] samples = {sorted(a, "reference", 1), sorted(b, "current", 1)};
    int k = 2;
    double[] z = new double[a.length + b.length];
    System.arraycopy(samples[0], 0, z, 0, a.length);
    System.arraycopy(samples[1], 0, z, a.length, b.length);
    Arrays.sort(z);
    int bigN = z.length;
    double[] zstar = Arrays.stream(z).distinct().toArray();
    if (zstar.length < 2) {
      throw InvalidArgumentException.of("samples", "one distinct value", "anderson needs more than one distinct observation");
    }
    double[] lj = new double[zstar.length];
    double[] bj = new double[zstar.length];
    for (int j = 0; j < zstar.length; j++) {
      int left = Search.lowerBound(z, zstar[j]);
      int right = Search.upperBound(z, zstar[j]);
      lj[j] = bigN == zstar.length ? 1.0 : right - left;
      bj[j] = left + lj[j] / 2.0;
    }
    double a2akn = 0;
    for (int i = 0; i < k; i++) {
      double[] s = samples[i];
      double inner = 0;
      for (int j = 0; j < zstar.length; j++) {
        int right = Search.upperBound(s, zstar[j]);
        int left = Search.lowerBound(s, zstar[j]);
        double mij = right - (right - left) / 2.0;
        double num = bigN * mij - bj[j] * s.length;
        inner += lj[j] / bigN * num * num / (bj[j] * (bigN - bj[j]) - bigN * lj[j] / 4.0);
      }
      a2akn += inner / s.length;
    }
    a2akn *= (bigN - 1.0) / bigN;
    double hSmall = 1.0 / a.length + 1.0 / b.length;
    double hsCsLast = 0;
    double g = 0;
    // hs_cs = cumsum(1 / arange(N-1, 1, -1)); g = sum(hs_cs / arange(2, N))
    double cum = 0;
    for (int idx = 0, v = bigN - 1; v > 1; idx++, v--) {
      cum += 1.0 / v;
      g += cum / (idx + 2);
      hsCsLast = cum;
    }
    double h = hsCsLast + 1;
    double hh = hSmall;
    double nn = bigN;
    double aa = (4 * g - 6) * (k - 1) + (10 - 6 * g) * hh;
    double bb = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * hh - 8 * h + 4 * g - 6;
    double cc = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * hh + 4 * h;
    double dd = (2 * h + 6) * k * k - 4 * h * k;
    double sigmasq = (aa * nn * nn * nn + bb * nn * nn + cc * nn + dd) / ((nn - 1.) * (nn - 2.) * (nn - 3.));
    int m = k - 1;
    double stat = (a2akn - m) / Math.sqrt(sigmasq);
    double[] b0 = {0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085};
    double[] b1 = {-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615};
    double[] b2 = {-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154};
    double[] sig = {0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001};
    double[] critical = new double[7];
    for (int i = 0; i < 7; i++) {
      critical[i] = b0[i] + b1[i] / Math.sqrt(m) + b2[i] / m;
    }
    double p;
    if (stat < Arrays.stream(critical).min().orElseThrow()) {
      p = 0.25;
    } else if (stat > Arrays.stream(critical).max().orElseThrow()) {
      p = 0.001;
    } else {
      double[] logSig = new double[7];
      for (int i = 0; i < 7; i++) {
        logSig[i] = Math.log(sig[i]);
      }
      double[] c = Polyfit.quadratic(critical, logSig);
      p = Math.exp(c[0] * stat * stat + c[1] * stat + c[2]);
    }
    return new TestResult(stat, p);
  }

  /**
   * {@code scipy.stats.cramervonmises_2samp(a, b)}: exact p-value when both samples have at most 20
   * values, otherwise the asymptotic distribution (Csörgő &amp; Faraway 1996).
   */
  public static TestResult cramerVonMises(double[] a, double[] b) {
    double[] x = sorted(a, "reference", 2);
    double[] y = sorted(b, "current", 2);
    int nx = x.length;
    int ny = y.length;
    double[] r = ranks(x, y);
    double u = 0;
    double s1 = 0;
    for (int i = 0; i < nx; i++) {
      s1 += (r[i] - (i + 1)) * (r[i] - (i + 1));
    }
    double s2 = 0;
    for (int i = 0; i < ny; i++) {
      s2 += (r[nx + i] - (i + 1)) * (r[nx + i] - (i + 1));
    }
    u = nx * s1 + ny * s2;
    double k = (double) nx * ny;
    double bigN = nx + ny;
    double t = u / (k * bigN) - (4 * k - 1) / (6 * bigN);
    double p;
    if (Math.max(nx, ny) <= 20) {
      p = CramerVonMises.exactPValue(u, nx, ny);
    } else {
      double et = (1 + 1 / bigN) / 6;
      double vt = (bigN + 1) * (4 * k * bigN - 3 * ((double) nx * nx + (double) ny * ny) - 2 * k);
      vt = vt / (45 * bigN * bigN * 4 * k);
      double tn = 1.0 / 6 + (t - et) / Math.sqrt(45 * vt);
      p = tn < 0.003 ? 1.0 : Math.max(0, 1. - CramerVonMises.cdfInfinite(tn));
    }
    return new TestResult(t, p);
  }

  /** Pearson chi-square on the 2×k table (reference row, current row): {@code chi2_contingency(table, correction=False)}. */
  public static TestResult chiSquare(long[] reference, long[] current) {
    return contingency(reference, current, false);
  }

  /** The G-test on the same table: {@code chi2_contingency(table, correction=False, lambda_="log-likelihood")}. */
  public static TestResult gTest(long[] reference, long[] current) {
    return contingency(reference, current, true);
  }

  private static TestResult contingency(long[] ref, long[] cur, boolean logLikelihood) {
    if (ref.length != cur.length || ref.length == 0) {
      throw InvalidArgumentException.of("category counts", ref.length + " and " + cur.length, "need the same, positive number of categories");
    }
    int k = ref.length;
    double nr = 0;
    double nc = 0;
    for (int i = 0; i < k; i++) {
      nr += ref[i];
      nc += cur[i];
    }
    double total = nr + nc;
    if (nr == 0 || nc == 0) {
      throw InvalidArgumentException.of("category counts", "an empty sample", "both samples need at least one value");
    }
    double stat = 0;
    for (int i = 0; i < k; i++) {
      double col = ref[i] + cur[i];
      if (col == 0) {
        throw InvalidArgumentException.of("category counts", "a category with no values", "every category must occur in one of the samples");
      }
      double[] obs = {ref[i], cur[i]};
      double[] exp = {nr * col / total, nc * col / total};
      for (int r = 0; r < 2; r++) {
        if (logLikelihood) {
          stat += obs[r] == 0 ? 0 : 2 * obs[r] * Math.log(obs[r] / exp[r]);
        } else {
          stat += (obs[r] - exp[r]) * (obs[r] - exp[r]) / exp[r];
        }
      }
    }
    int dof = k - 1;
    if (dof == 0) {
      return new TestResult(0.0, 1.0);
    }
    double p = Gamma.regularizedGammaQ(dof / 2.0, stat / 2.0);
    return new TestResult(stat, p);
  }

  /**
   * Two-proportion z-test with pooled variance, two-sided, on the share of one category
   * ({@code hits}) among {@code n} values in each sample. p = 1 when both samples hold a single,
   * identical value.
   */
  public static TestResult zTest(long refHits, long refN, long curHits, long curN) {
    double p1 = (double) refHits / refN;
    double p2 = (double) curHits / curN;
    double pooled = (double) (refHits + curHits) / (refN + curN);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / refN + 1.0 / curN));
    if (se == 0) {
      return new TestResult(0.0, 1.0);
    }
    double z = (p1 - p2) / se;
    return new TestResult(z, 2 * NORMAL.cumulativeProbability(-Math.abs(z)));
  }

  /**
   * {@code scipy.stats.fisher_exact([[a, b], [c, d]])}, two-sided: the sample odds ratio and the sum
   * of the probabilities of all tables with the same margins no more likely than the observed one.
   */
  public static TestResult fisherExact(long a, long b, long c, long d) {
    if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0) {
      return new TestResult(Double.NaN, 1.0);
    }
    double odds = c > 0 && b > 0 ? (double) a * d / ((double) c * b) : Double.POSITIVE_INFINITY;
    int n1 = Math.toIntExact(a + b);
    int n2 = Math.toIntExact(c + d);
    int n = Math.toIntExact(a + c);
    HypergeometricDistribution h = new HypergeometricDistribution(null, n1 + n2, n1, n);
    int mode = (int) ((n + 1) * (double) (n1 + 1) / (n1 + n2 + 2));
    double pexact = h.probability((int) a);
    double pmode = h.probability(mode);
    double gamma = 1 + 1e-14;
    if (Math.abs(pexact - pmode) / Math.max(pexact, pmode) <= 1e-14) {
      return new TestResult(odds, 1.0);
    }
    double p = 0;
    for (int x = h.getSupportLowerBound(); x <= h.getSupportUpperBound(); x++) {
      double px = h.probability(x);
      if (px <= pexact * gamma) {
        p += px;
      }
    }
    return new TestResult(odds, Math.min(1.0, p));
  }
}
