package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.TestResult;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Compares a current table with a reference, column by column. Stateless and thread-safe. */
public final class DriftAnalyzer {
  private DriftAnalyzer() {}

  private record Raw(String name, Column.Type type, DriftTest test, TestResult result, double threshold, double effect, long nRef,
      long nCur, List<ColumnDrift.Bin> bins) {}

  /**
   * Compares {@code current} with {@code reference}. A selected reference column that cannot be
   * tested (absent from {@code current}, without values on either side) is listed in
   * {@link DriftReport#untested()} with the reason while every other column is analysed; the
   * verdict covers the tested columns only.
   *
   * @throws InvalidArgumentException for an option naming a column the reference lacks, or a test
   *     that does not fit its column (before anything is computed)
   */
  public static DriftReport compare(Table reference, Table current, DriftOptions options) {
    List<String> names = new ArrayList<>();
    List<UntestedColumn> untested = new ArrayList<>();
    for (String c : options.columns) {
      reference.column(c);
    }
    for (String c : options.exclude) {
      reference.column(c);
    }
    for (Map.Entry<String, Column> e : reference.columns().entrySet()) {
      String name = e.getKey();
      if ((options.columns.isEmpty() || options.columns.contains(name)) && !options.exclude.contains(name)) {
        Column ref = e.getValue();
        Column cur = current.columns().get(name);
        // a numerical reference against categorical current values is compared as categories, as before
        String why = cur == null ? UntestedColumn.ABSENT : UntestedColumn.reason(ref.size() - ref.missing(), cur.size() - cur.missing(),
            cur.size(), false, false);
        if (why != null) {
          untested.add(new UntestedColumn(name, why));
        } else {
          names.add(name);
        }
      }
    }
    for (String c : options.columnTests.keySet()) {
      reference.column(c);
    }
    List<Raw> raws = new ArrayList<>();
    for (String name : names) {
      raws.add(analyze(reference.column(name), current.column(name), reference.rows(), options));
    }
    if (options.test != null && !names.isEmpty() && raws.stream().noneMatch(r -> r.test() == options.test)) {
      throw InvalidArgumentException.of("test", options.test.id(), "fits none of the columns compared " + names
          + (options.test.fitsCategorical() ? " (it needs at most 2 distinct values)" : " (it needs numerical columns)"));
    }
    List<Integer> tested = new ArrayList<>();
    for (int i = 0; i < raws.size(); i++) {
      if (raws.get(i).test().isPValue() && !Double.isNaN(raws.get(i).result().pValue())) {
        tested.add(i);
      }
    }
    double[] p = new double[tested.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = raws.get(tested.get(i)).result().pValue();
    }
    double[] adjusted = options.correction.adjust(p);
    List<ColumnDrift> out = new ArrayList<>();
    int drifted = 0;
    for (int i = 0; i < raws.size(); i++) {
      Raw r = raws.get(i);
      Double raw = null;
      Double adj = null;
      boolean drift;
      if (r.test().isPValue()) {
        int k = tested.indexOf(i);
        raw = r.result().pValue();
        adj = k >= 0 ? adjusted[k] : raw;
        drift = adj < r.threshold() && r.effect() >= options.effectSizeFloor;
      } else {
        drift = r.result().statistic() >= r.threshold();
      }
      if (drift) {
        drifted++;
      }
      out.add(new ColumnDrift(r.name(), r.type().label(), r.test().id(), r.result().statistic(), nanToNull(adj), nanToNull(raw),
          r.threshold(), drift, r.effect(), r.nRef(), r.nCur(), r.bins()));
    }
    double share = out.isEmpty() ? 0 : (double) drifted / out.size();
    return new DriftReport(reference.rows(), current.rows(), !out.isEmpty() && share >= options.driftShare, share, drifted, out,
        options.correction.name().toLowerCase(java.util.Locale.ROOT), untested);
  }

  private static Double nanToNull(Double d) {
    return d == null || Double.isNaN(d) ? null : d;
  }

  private static Raw analyze(Column ref, Column cur, int referenceRows, DriftOptions o) {
    String name = ref.name();
    Column.Type type = ref.type() == Column.Type.NUMERICAL && cur.type() == Column.Type.NUMERICAL ? Column.Type.NUMERICAL
        : Column.Type.CATEGORICAL;
    // numbers are compared as numbers: no value is formatted as text unless a categorical test needs its label
    double[] rn = type == Column.Type.NUMERICAL ? ref.presentNumbers() : null;
    double[] cn = type == Column.Type.NUMERICAL ? cur.presentNumbers() : null;
    List<String> refLabels = rn == null ? ref.presentLabels() : null;
    List<String> curLabels = cn == null ? cur.presentLabels() : null;
    int refCount = rn != null ? rn.length : refLabels.size();
    int curCount = cn != null ? cn.length : curLabels.size();
    if (refCount == 0) {
      throw InvalidArgumentException.of("column", name, "has no values in the reference");
    }
    if (curCount == 0) {
      throw InvalidArgumentException.of("column", name, "has no values in the current data");
    }
    int distinct;
    if (rn != null) {
      distinct = distinctNumbers(rn, cn);
    } else {
      HashSet<String> labels = new HashSet<>(refLabels);
      labels.addAll(curLabels);
      distinct = labels.size();
    }
    DriftTest test = o.columnTests.get(name);
    if (test == null && o.test != null && fits(o.test, type, distinct)) {
      test = o.test;
    }
    if (test == null) {
      test = defaultTest(type, refCount, distinct);
    }
    if (!fits(test, type, distinct)) {
      throw InvalidArgumentException.of("test " + test.id(), "column " + name, type == Column.Type.CATEGORICAL && !test.fitsCategorical()
          ? "does not fit a categorical column" : "needs a column with at most 2 distinct values; '" + name + "' has " + distinct);
    }
    double threshold = o.columnThresholds.getOrDefault(name, o.threshold != null ? o.threshold : test.defaultThreshold());
    boolean countsNeeded = type == Column.Type.CATEGORICAL || test == DriftTest.CHISQUARE || test == DriftTest.G_TEST || test == DriftTest.Z
        || test == DriftTest.FISHER_EXACT;
    Map<String, Long> rc = countsNeeded ? ref.counts() : Map.of();
    Map<String, Long> cc = countsNeeded ? cur.counts() : Map.of();
    Binned.Shares categorical = countsNeeded ? Binned.categorical(rc, cc) : null;
    Binned.Shares shares = type == Column.Type.NUMERICAL ? Binned.numerical(rn, cn, o.bins) : categorical;
    double effect = type == Column.Type.NUMERICAL ? TwoSample.normedWasserstein(rn, cn) : Binned.jensenShannon(categorical);
    TestResult result;
    if (type == Column.Type.NUMERICAL && sameConstant(rn, cn)) {
      // one value on both sides: nothing moved. Tests on means and variances would divide rounding
      // noise by rounding noise (SciPy's Welch t gives t = -17 for 300 vs 200 copies of 0.1).
      effect = 0;
      result = test.isPValue() ? new TestResult(0, 1) : TestResult.distance(0);
    } else {
      result = testResult(test, rn, cn, shares, categorical, rc, cc);
    }
    List<ColumnDrift.Bin> bins = new ArrayList<>();
    for (int i = 0; i < shares.labels().length; i++) {
      bins.add(new ColumnDrift.Bin(shares.labels()[i], shares.reference()[i], shares.current()[i]));
    }
    return new Raw(name, type, test, result, threshold, effect, refCount, curCount, bins);
  }

  /** Distinct values of two samples together, compared as numbers (0.0 and -0.0 are one value, as their labels are). */
  private static int distinctNumbers(double[] a, double[] b) {
    double[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    java.util.Arrays.sort(all);
    int distinct = all.length == 0 ? 0 : 1;
    for (int i = 1; i < all.length; i++) {
      if (all[i] != all[i - 1]) {
        distinct++;
      }
    }
    return distinct;
  }

  private static boolean sameConstant(double[] a, double[] b) {
    double v = a[0];
    for (double x : a) {
      if (x != v) {
        return false;
      }
    }
    for (double x : b) {
      if (x != v) {
        return false;
      }
    }
    return true;
  }

  private static TestResult testResult(DriftTest test, double[] rn, double[] cn, Binned.Shares shares, Binned.Shares categorical,
      Map<String, Long> rc, Map<String, Long> cc) {
    return switch (test) {
      case KS -> TwoSample.ks(rn, cn);
      case WASSERSTEIN -> TestResult.distance(TwoSample.normedWasserstein(rn, cn));
      case ENERGY -> TestResult.distance(TwoSample.energy(rn, cn));
      case ANDERSON -> TwoSample.andersonDarling(rn, cn);
      case CRAMER_VON_MISES -> TwoSample.cramerVonMises(rn, cn);
      case MANNW -> TwoSample.mannWhitney(rn, cn);
      case T_TEST -> TwoSample.welchT(rn, cn);
      case PSI -> TestResult.distance(Binned.psi(shares));
      case KL_DIV -> TestResult.distance(Binned.klDivergence(shares));
      case JENSENSHANNON -> TestResult.distance(Binned.jensenShannon(shares));
      case HELLINGER -> TestResult.distance(Binned.hellinger(shares));
      case CHISQUARE, G_TEST, Z, FISHER_EXACT -> categoricalTest(test, categorical, rc, cc);
    };
  }

  private static TestResult categoricalTest(DriftTest test, Binned.Shares s, Map<String, Long> rc, Map<String, Long> cc) {
    String[] labels = s.labels();
    if (labels.length < 2 && (test == DriftTest.Z || test == DriftTest.FISHER_EXACT)) {
      return new TestResult(0.0, 1.0);
    }
    long[] r = new long[labels.length];
    long[] c = new long[labels.length];
    for (int i = 0; i < labels.length; i++) {
      r[i] = rc.getOrDefault(labels[i], 0L);
      c[i] = cc.getOrDefault(labels[i], 0L);
    }
    return switch (test) {
      case CHISQUARE -> TwoSample.chiSquare(r, c);
      case G_TEST -> TwoSample.gTest(r, c);
      case Z -> TwoSample.zTest(r[0], r[0] + r[1], c[0], c[0] + c[1]);
      default -> TwoSample.fisherExact(r[0], r[1], c[0], c[1]);
    };
  }

  private static boolean fits(DriftTest t, Column.Type type, int distinct) {
    if (type == Column.Type.CATEGORICAL && !t.fitsCategorical()) {
      return false;
    }
    if (t == DriftTest.Z || t == DriftTest.FISHER_EXACT) {
      return distinct <= 2;
    }
    return true;
  }

  /** Evidently's default choice, as stated in {@link DriftOptions}. */
  static DriftTest defaultTest(Column.Type type, int referenceValues, int distinct) {
    if (referenceValues <= 1000) {
      if (type == Column.Type.NUMERICAL && distinct > 5) {
        return DriftTest.KS;
      }
      return distinct > 2 ? DriftTest.CHISQUARE : DriftTest.Z;
    }
    return type == Column.Type.NUMERICAL ? DriftTest.WASSERSTEIN : DriftTest.JENSENSHANNON;
  }
}
