package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.internal.Search;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.TestResult;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Drift of current rows against a stored reference {@link Profile}, so a reference is profiled once
 * and reused. Numerical columns: {@code ks} (D within the reference sketch's rank error of the exact
 * value, asymptotic p-value), {@code wasserstein} (integrated between the sketched reference CDF and
 * the exact current one, normed by the reference's exact standard deviation), and the binned
 * distances on quantile bins of the reference sketch. Categorical columns: the reference's frequent
 * items (exact while a column has fewer than about 750 distinct values) against exact current counts.
 * Columns are analysed in parallel.
 *
 * <p>Error bounds, with ε the reference sketch's normalized rank error ({@link ColumnProfile#rankError()},
 * about 0.007 at the default k, 99% confidence): the KS statistic is within ε of the exact one; each
 * reference bin share is within 2ε of the exact share (the difference of two sketched ranks); the
 * Wasserstein distance is within ε·(max − min) of the exact one before norming (the integral of a
 * CDF error of at most ε over the reference's range, exact moments giving the norm).
 */
public final class ProfileDrift {
  private ProfileDrift() {}

  /**
   * Compares {@code current} with the reference profile under {@code options} (the same defaults as
   * {@link DriftAnalyzer}). A selected reference column that cannot be tested (absent from
   * {@code current}, without values on either side, numerical in the reference but categorical in
   * {@code current}) is listed in {@link DriftReport#untested()} with the reason while every other
   * column is analysed; the verdict covers the tested columns only.
   *
   * @throws InvalidArgumentException for a test that cannot run against a profile or does not fit its column
   */
  public static DriftReport compare(Profile reference, Table current, DriftOptions options) {
    List<String> names = new ArrayList<>();
    List<UntestedColumn> untested = new ArrayList<>();
    for (ColumnProfile c : reference.columns()) {
      String name = c.name();
      if ((options.columns.isEmpty() || options.columns.contains(name)) && !options.exclude.contains(name)) {
        Column cur = current.columns().get(name);
        String why = cur == null ? UntestedColumn.ABSENT : UntestedColumn.reason(c.count() - c.missingTotal(), cur.size() - cur.missing(),
            cur.size(), c.isNumerical(), cur.type() == Column.Type.NUMERICAL);
        if (why != null) {
          untested.add(new UntestedColumn(name, why));
        } else {
          names.add(name);
        }
      }
    }
    ColumnDrift[] out = new ColumnDrift[names.size()];
    IntStream.range(0, names.size()).parallel().forEach(i -> out[i] =
        column(reference.column(names.get(i)), current.column(names.get(i)), options));
    List<ColumnDrift> cols = new ArrayList<>(Arrays.asList(out));
    // corrections across columns, as for raw samples
    List<Integer> tested = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).rawPValue() != null) {
        tested.add(i);
      }
    }
    double[] p = tested.stream().mapToDouble(i -> cols.get(i).rawPValue()).toArray();
    double[] adj = options.correction.adjust(p);
    int drifted = 0;
    for (int k = 0; k < cols.size(); k++) {
      ColumnDrift c = cols.get(k);
      int t = tested.indexOf(k);
      if (t >= 0) {
        boolean drift = adj[t] < c.threshold() && c.effectSize() >= options.effectSizeFloor;
        c = new ColumnDrift(c.name(), c.type(), c.test(), c.statistic(), adj[t], c.rawPValue(), c.threshold(), drift, c.effectSize(),
            c.referenceCount(), c.currentCount(), c.bins());
        cols.set(k, c);
      }
      if (c.drift()) {
        drifted++;
      }
    }
    double share = cols.isEmpty() ? 0 : (double) drifted / cols.size();
    return new DriftReport((int) Math.min(Integer.MAX_VALUE, reference.rows()), current.rows(), !cols.isEmpty() && share >= options.driftShare,
        share, drifted, cols, options.correction.name().toLowerCase(java.util.Locale.ROOT), untested);
  }

  private static ColumnDrift column(ColumnProfile ref, Column cur, DriftOptions o) {
    String name = ref.name();
    boolean numerical = ref.isNumerical() && cur.type() == Column.Type.NUMERICAL;
    if (numerical) {
      double[] x = cur.presentNumbers();
      if (ref.numericCount() == 0 || x.length == 0) {
        throw InvalidArgumentException.of("column", name, "has no values in the " + (x.length == 0 ? "current data" : "reference"));
      }
      double[][] steps = ref.cdfSteps();
      SketchBuckets buckets = SketchBuckets.applies(steps[0], x) ? new SketchBuckets(steps[0], steps[1], x) : null;
      if (buckets == null) {
        Arrays.sort(x);
      }
      DriftTest test = o.columnTests.getOrDefault(name, o.test != null && !o.test.isBinned() && o.test != DriftTest.KS
          && o.test != DriftTest.WASSERSTEIN ? null : o.test);
      if (test == null) {
        test = ref.numericCount() <= 1000 ? DriftTest.KS : DriftTest.WASSERSTEIN;
      }
      if (test != DriftTest.KS && test != DriftTest.WASSERSTEIN && !test.isBinned()) {
        throw InvalidArgumentException.of("test " + test.id(), "column " + name,
            "is not available against a profile; use ks, wasserstein, psi, kl_div, jensenshannon or hellinger");
      }
      double threshold = o.columnThresholds.getOrDefault(name, o.threshold != null ? o.threshold : test.defaultThreshold());
      double sd = Math.sqrt(ref.variance());
      double w = (buckets != null ? buckets.wasserstein() : wasserstein(ref, x)) / (sd == 0 ? 0.001 : sd);
      Binned.Shares shares = buckets != null ? shares(ref, x.length, edge -> buckets.isItem(edge) ? buckets.countBelowItem(edge)
          : countBelow(x, edge), o.bins) : shares(ref, x, o.bins);
      TestResult r = switch (test) {
        case KS -> buckets != null ? ks(ref, buckets.ks(), x.length) : ks(ref, x);
        case WASSERSTEIN -> TestResult.distance(w);
        case PSI -> TestResult.distance(Binned.psi(shares));
        case KL_DIV -> TestResult.distance(Binned.klDivergence(shares));
        case JENSENSHANNON -> TestResult.distance(Binned.jensenShannon(shares));
        default -> TestResult.distance(Binned.hellinger(shares));
      };
      boolean drift = test.isPValue() ? r.pValue() < threshold && w >= o.effectSizeFloor : r.statistic() >= threshold;
      return new ColumnDrift(name, "numerical", test.id(), r.statistic(), test.isPValue() ? r.pValue() : null,
          test.isPValue() ? r.pValue() : null, threshold, drift, w, ref.numericCount(), x.length, bins(shares));
    }
    Map<String, Long> rc = new LinkedHashMap<>(ref.frequentItems());
    Map<String, Long> cc = cur.counts();
    if (rc.isEmpty() || cc.isEmpty()) {
      throw InvalidArgumentException.of("column", name, "has no categorical values in the " + (cc.isEmpty() ? "current data" : "reference"));
    }
    Binned.Shares s = Binned.categorical(rc, cc);
    DriftTest test = o.columnTests.getOrDefault(name, o.test != null && o.test.fitsCategorical() ? o.test : null);
    if (test == null) {
      test = ref.count() - ref.missingTotal() <= 1000 ? (s.labels().length > 2 ? DriftTest.CHISQUARE : DriftTest.Z) : DriftTest.JENSENSHANNON;
    }
    if (!test.fitsCategorical()) {
      throw InvalidArgumentException.of("test " + test.id(), "column " + name, "does not fit a categorical column");
    }
    double threshold = o.columnThresholds.getOrDefault(name, o.threshold != null ? o.threshold : test.defaultThreshold());
    long[] r = new long[s.labels().length];
    long[] c = new long[s.labels().length];
    for (int i = 0; i < r.length; i++) {
      r[i] = rc.getOrDefault(s.labels()[i], 0L);
      c[i] = cc.getOrDefault(s.labels()[i], 0L);
    }
    double js = Binned.jensenShannon(s);
    TestResult res = switch (test) {
      case CHISQUARE -> dev.mlops.monitoring.stats.TwoSample.chiSquare(r, c);
      case G_TEST -> dev.mlops.monitoring.stats.TwoSample.gTest(r, c);
      case Z -> r.length < 2 ? new TestResult(0, 1) : dev.mlops.monitoring.stats.TwoSample.zTest(r[0], r[0] + r[1], c[0], c[0] + c[1]);
      case FISHER_EXACT -> r.length < 2 ? new TestResult(0, 1) : dev.mlops.monitoring.stats.TwoSample.fisherExact(r[0], r[1], c[0], c[1]);
      case PSI -> TestResult.distance(Binned.psi(s));
      case KL_DIV -> TestResult.distance(Binned.klDivergence(s));
      case HELLINGER -> TestResult.distance(Binned.hellinger(s));
      default -> TestResult.distance(js);
    };
    boolean drift = test.isPValue() ? res.pValue() < threshold && js >= o.effectSizeFloor : res.statistic() >= threshold;
    return new ColumnDrift(name, "categorical", test.id(), res.statistic(), test.isPValue() ? res.pValue() : null,
        test.isPValue() ? res.pValue() : null, threshold, drift, js, rc.values().stream().mapToLong(Long::longValue).sum(),
        cc.values().stream().mapToLong(Long::longValue).sum(), bins(s));
  }

  private static List<ColumnDrift.Bin> bins(Binned.Shares s) {
    List<ColumnDrift.Bin> out = new ArrayList<>();
    for (int i = 0; i < s.labels().length; i++) {
      out.add(new ColumnDrift.Bin(s.labels()[i], s.reference()[i], s.current()[i]));
    }
    return out;
  }

  /** F_ref(x) = share of reference values at or below x, walked forward for increasing x. */
  private static final class Walk {
    private final double[] items;
    private final double[] ranks;
    private int i;

    Walk(ColumnProfile ref) {
      double[][] steps = ref.cdfSteps();
      this.items = steps[0];
      this.ranks = steps[1];
    }

    /** F(x) for x not smaller than the previous argument. */
    double at(double x) {
      while (i < items.length && items[i] <= x) {
        i++;
      }
      return i == 0 ? 0 : ranks[i - 1];
    }
  }

  /** Sketch-vs-exact KS: the largest CDF gap just below and at every value where either CDF steps. */
  static TestResult ks(ColumnProfile ref, double[] sortedCur) {
    double[] items = ref.cdfSteps()[0];
    double[] grid = merge(sortedCur, items);
    Walk f = new Walk(ref);
    int n = sortedCur.length;
    int j = 0;
    double d = 0;
    for (int g = 0; g < grid.length; g++) {
      double x = grid[g];
      if (g + 1 < grid.length && grid[g + 1] == x) {
        continue;
      }
      while (j < n && sortedCur[j] <= x) {
        j++;
      }
      d = Math.max(d, Math.abs(f.at(x) - (double) j / n));
    }
    return ks(ref, d, n);
  }

  /** The KS result of statistic {@code d} between the reference and {@code n} current values (asymptotic p-value). */
  static TestResult ks(ColumnProfile ref, double d, int n) {
    double m = Math.max(ref.numericCount(), n);
    double k = Math.min(ref.numericCount(), n);
    return new TestResult(d, TwoSample.kolmogorovSf(Math.round(Math.rint(m * k / (m + k))), d));
  }

  private static long countBelow(double[] values, double x) {
    long c = 0;
    for (double v : values) {
      if (v < x) {
        c++;
      }
    }
    return c;
  }

  private static double[] merge(double[] a, double[] b) {
    double[] out = new double[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length || j < b.length) {
      out[k++] = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    }
    return out;
  }

  /** ∫|F_ref − F_cur| over the merged grid of current values and sketch items. */
  static double wasserstein(ColumnProfile ref, double[] sortedCur) {
    double[] grid = merge(sortedCur, ref.cdfSteps()[0]);
    Walk f = new Walk(ref);
    double sum = 0;
    int j = 0;
    for (int i = 0; i < grid.length - 1; i++) {
      double delta = grid[i + 1] - grid[i];
      while (j < sortedCur.length && sortedCur[j] <= grid[i]) {
        j++;
      }
      double fr = f.at(grid[i]);
      if (delta != 0) {
        sum += Math.abs(fr - (double) j / sortedCur.length) * delta;
      }
    }
    return sum;
  }

  /** Quantile bins of the reference sketch; reference shares from the sketch, current shares exact. */
  static Binned.Shares shares(ColumnProfile ref, double[] sortedCur, int bins) {
    return shares(ref, sortedCur.length, edge -> Search.lowerBound(sortedCur, edge), bins);
  }

  /** Quantile bins of the reference sketch; current shares from {@code below}, the count of current values under an edge. */
  static Binned.Shares shares(ColumnProfile ref, int n, java.util.function.DoubleToLongFunction below, int bins) {
    java.util.TreeSet<Double> e = new java.util.TreeSet<>();
    for (int i = 1; i < bins; i++) {
      e.add(ref.quantile((double) i / bins));
    }
    double[] edges = e.stream().mapToDouble(Double::doubleValue).toArray();
    double[] r = new double[edges.length + 1];
    double[] c = new double[edges.length + 1];
    double prevRank = 0;
    long prevIdx = 0;
    for (int i = 0; i <= edges.length; i++) {
      double rankBelow = i == edges.length ? 1.0 : ref.rank(Math.nextDown(edges[i]));
      r[i] = Math.max(0, rankBelow - prevRank);
      prevRank = rankBelow;
      long idx = i == edges.length ? n : below.applyAsLong(edges[i]);
      c[i] = (double) (idx - prevIdx) / n;
      prevIdx = idx;
    }
    String[] labels = new String[edges.length + 1];
    for (int i = 0; i <= edges.length; i++) {
      labels[i] = (i == 0 ? "(-inf" : "[" + String.format(java.util.Locale.ROOT, "%.6g", edges[i - 1])) + ", "
          + (i == edges.length ? "inf)" : String.format(java.util.Locale.ROOT, "%.6g", edges[i]) + ")");
    }
    return new Binned.Shares(labels, r, c);
  }
}
