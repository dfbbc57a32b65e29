package dev.mlops.monitoring.stats;

/**
 * Distributions of Kolmogorov–Smirnov statistics, following the algorithm choices of SciPy
 * ({@code scipy.stats.kstwo}, {@code scipy.special.smirnov}, and the exact two-sample counts of
 * {@code ks_2samp}) so that p-values agree with SciPy's.
 *
 * <p>References: Simard &amp; L'Ecuyer (2011) for choosing among Durbin's matrix method (Marsaglia,
 * Tsang &amp; Wang 2003), Pomeranz (1974) and the Pelz–Good (1976) approximation; Birnbaum &amp;
 * Tingey (1951) for the one-sided Smirnov distribution; Hodges (1958) and Viehmann (2021) for the
 * exact two-sample probabilities.
 */
final class Kolmogorov {
  private static final int E128 = 128;
  private static final double EP128 = Math.scalb(1.0, E128);
  private static final double EM128 = Math.scalb(1.0, -E128);
  private static final double SQRT2PI = Math.sqrt(2 * Math.PI);
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final double MIN_LOG = -708;
  private static final double SQRT3 = Math.sqrt(3);
  private static final double PI2 = Math.PI * Math.PI;
  private static final double PI4 = PI2 * PI2;
  private static final double PI6 = PI4 * PI2;
  private static final double[] STIRLING = {-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
      8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3,
      8.3333333333333333333e-2};

  private Kolmogorov() {}

  private static double clip(double p) {
    return Math.min(1.0, Math.max(0.0, p));
  }

  /** Survival function of the two-sided one-sample statistic D_n: P(D_n &gt; x). */
  static double sf(long n, double x) {
    if (n <= 0) {
      return Double.NaN;
    }
    if (x >= 1.0) {
      return 0.0;
    }
    if (x <= 0.0) {
      return 1.0;
    }
    double t = n * x;
    if (t <= 1.0) {
      if (t <= 0.5) {
        return 1.0;
      }
      double prob;
      if (n <= 140) {
        prob = 1.0;
        for (long i = 1; i <= n; i++) {
          prob *= i * (1.0 / n) * (2 * t - 1);
        }
      } else {
        prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
      }
      return clip(1.0 - prob);
    }
    if (t >= n - 1) {
      return clip(2 * Math.pow(1.0 - x, n));
    }
    if (x >= 0.5) {
      return clip(2 * smirnovSf(n, x));
    }
    double nxsquared = t * x;
    if (n <= 140) {
      if (nxsquared <= 0.754693) {
        return clip(1.0 - durbinMtw(n, x));
      }
      if (nxsquared <= 4) {
        return clip(1.0 - pomeranz((int) n, x));
      }
      return clip(2 * smirnovSf(n, x));
    }
    if (nxsquared >= 370.0) {
      return 0.0;
    }
    if (nxsquared >= 2.2) {
      return clip(2 * smirnovSf(n, x));
    }
    double cdf;
    if (nxsquared >= 18.0) {
      cdf = 1.0;
    } else if (n <= 100000 && n * Math.pow(x, 1.5) <= 1.4) {
      cdf = durbinMtw(n, x);
    } else {
      cdf = pelzGood(n, x);
    }
    return clip(1.0 - cdf);
  }

  private static double logNFactorialDivNPowN(long n) {
    double rn = 1.0 / n;
    double poly = 0;
    for (double c : STIRLING) {
      poly = poly * (rn / n) + c;
    }
    return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
  }

  /** One-sided Smirnov survival function P(D+_n &gt;= x), by the Birnbaum–Tingey sum in log space. */
  static double smirnovSf(long n, double x) {
    if (x <= 0) {
      return 1.0;
    }
    if (x >= 1) {
      return 0.0;
    }
    long jmax = (long) Math.floor(n * (1 - x));
    double logN = org.apache.commons.math3.special.Gamma.logGamma(n + 1.0);
    double sum = 0;
    double logX = Math.log(x);
    for (long j = 0; j <= jmax; j++) {
      double a = 1 - x - (double) j / n;
      if (a <= 0) {
        continue;
      }
      double b = x + (double) j / n;
      double logC = logN - org.apache.commons.math3.special.Gamma.logGamma(j + 1.0)
          - org.apache.commons.math3.special.Gamma.logGamma(n - j + 1.0);
      double logTerm = logC + (n - j) * Math.log(a) + (j - 1) * Math.log(b) + logX;
      sum += Math.exp(logTerm);
    }
    return clip(sum);
  }

  /** Durbin's matrix method (Marsaglia, Tsang, Wang): P(D_n &lt;= d). */
  static double durbinMtw(long n, double d) {
    if (d >= 1.0) {
      return 1.0;
    }
    double nd = n * d;
    if (nd <= 0.5) {
      return 0.0;
    }
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    double[][] hm = new double[m][m];
    double[] v = new double[m];
    double[] w = new double[m];
    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
      v[j - 1] = 1.0 - Math.pow(h, j);
      w[j - 1] = fac;
      fac /= j;
      v[j - 1] *= fac;
    }
    double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;
    for (int i = 1; i < m; i++) {
      for (int r = i - 1; r < m; r++) {
        hm[r][i] = w[r - (i - 1)];
      }
    }
    for (int r = 0; r < m; r++) {
      hm[r][0] = v[r];
    }
    for (int c = 0; c < m; c++) {
      hm[m - 1][c] = v[m - 1 - c];
    }
    double[][] pwr = new double[m][m];
    for (int i = 0; i < m; i++) {
      pwr[i][i] = 1.0;
    }
    long nn = n;
    int expnt = 0;
    int hexpnt = 0;
    while (nn > 0) {
      if (nn % 2 == 1) {
        pwr = mul(pwr, hm);
        expnt += hexpnt;
      }
      hm = mul(hm, hm);
      hexpnt *= 2;
      if (Math.abs(hm[k - 1][k - 1]) > EP128) {
        for (double[] row : hm) {
          for (int c = 0; c < m; c++) {
            row[c] /= EP128;
          }
        }
        hexpnt += E128;
      }
      nn /= 2;
    }
    double p = pwr[k - 1][k - 1];
    for (long i = 1; i <= n; i++) {
      p = i * p / n;
      if (Math.abs(p) < EM128) {
        p *= EP128;
        expnt -= E128;
      }
    }
    if (expnt != 0) {
      p = Math.scalb(p, expnt);
    }
    return clip(p);
  }

  private static double[][] mul(double[][] a, double[][] b) {
    int m = a.length;
    double[][] c = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int k = 0; k < m; k++) {
        double aik = a[i][k];
        if (aik == 0) {
          continue;
        }
        for (int j = 0; j < m; j++) {
          c[i][j] += aik * b[k][j];
        }
      }
    }
    return c;
  }

  private static int[] pomeranzJ1J2(int i, int n, int ll, int ceilf, int roundf) {
    int j1;
    int j2;
    if (i == 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      int ip1div2 = (i + 1) / 2;
      int ip1mod2 = (i + 1) % 2;
      if (ip1mod2 == 0) {
        if (ip1div2 == n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = ip1div2 - 1 - ll - roundf - 1;
          j2 = ip1div2 + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = ip1div2 - 1 - ll - 1;
        j2 = ip1div2 + ll + roundf - 1;
      }
    }
    return new int[] {Math.max(j1 + 2, 0), Math.min(j2, n)};
  }

  /** Pomeranz's recursion: P(D_n &lt;= x). */
  static double pomeranz(int n, double x) {
    double t = n * x;
    int ll = (int) Math.floor(t);
    double f = t - ll;
    double g = Math.min(f, 1.0 - f);
    int ceilf = f > 0 ? 1 : 0;
    int roundf = f > 0.5 ? 1 : 0;
    int npwrs = 2 * (ll + 1);
    double[] gpower = new double[npwrs];
    double[] twogpower = new double[npwrs];
    double[] onem2gpower = new double[npwrs];
    gpower[0] = 1.0;
    twogpower[0] = 1.0;
    onem2gpower[0] = 1.0;
    int expnt = 0;
    double gOverN = g / n;
    double twoGOverN = 2 * g / n;
    double oneMinusTwoGOverN = (1 - 2 * g) / n;
    for (int m = 1; m < npwrs; m++) {
      gpower[m] = gpower[m - 1] * gOverN / m;
      twogpower[m] = twogpower[m - 1] * twoGOverN / m;
      onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
    }
    double[] v0 = new double[npwrs];
    double[] v1 = new double[npwrs];
    v1[0] = 1;
    int v0s = 0;
    int v1s = 0;
    int[] jj = pomeranzJ1J2(0, n, ll, ceilf, roundf);
    int j1 = jj[0];
    int j2;
    for (int i = 1; i < 2 * n + 2; i++) {
      int k1 = j1;
      double[] tmp = v0;
      v0 = v1;
      v1 = tmp;
      int ts = v0s;
      v0s = v1s;
      v1s = ts;
      java.util.Arrays.fill(v1, 0.0);
      jj = pomeranzJ1J2(i, n, ll, ceilf, roundf);
      j1 = jj[0];
      j2 = jj[1];
      double[] pwrs = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 == 1 ? twogpower : onem2gpower);
      int ln2 = j2 - k1 + 1;
      if (ln2 > 0) {
        // full convolution of V0[k1-V0s : k1-V0s+ln2] with pwrs[:ln2], then a window of it
        double[] conv = new double[2 * ln2 - 1];
        for (int a = 0; a < ln2; a++) {
          double va = v0[k1 - v0s + a];
          if (va == 0) {
            continue;
          }
          for (int b = 0; b < ln2; b++) {
            conv[a + b] += va * pwrs[b];
          }
        }
        int convStart = j1 - k1;
        int convLen = j2 - j1 + 1;
        double max = 0;
        for (int c = 0; c < convLen; c++) {
          v1[c] = conv[convStart + c];
          max = Math.max(max, v1[c]);
        }
        if (0 < max && max < EM128) {
          for (int c = 0; c < v1.length; c++) {
            v1[c] *= EP128;
          }
          expnt -= E128;
        }
        v1s = v0s + j1 - k1;
      }
    }
    double ans = v1[n - v1s];
    for (int m = 1; m <= n; m++) {
      if (Math.abs(ans) > EP128) {
        ans *= EM128;
        expnt += E128;
      }
      ans *= m;
    }
    if (expnt != 0) {
      ans = Math.scalb(ans, expnt);
    }
    return clip(ans);
  }

  /** The Pelz–Good approximation to P(D_n &lt;= x). */
  static double pelzGood(long n, double x) {
    if (x <= 0.0) {
      return 0.0;
    }
    if (x >= 1.0) {
      return 1.0;
    }
    double z = Math.sqrt(n) * x;
    double z2 = z * z;
    double z3 = z2 * z;
    double z4 = z2 * z2;
    double z6 = z4 * z2;
    double qlog = -PI2 / 8 / z2;
    if (qlog < MIN_LOG) {
      return 0.0;
    }
    double q = Math.exp(qlog);
    double k1a = -z2;
    double k1b = PI2 / 4;
    double k2a = 6 * z6 + 2 * z4;
    double k2b = (2 * z4 - 5 * z2) * PI2 / 4;
    double k2c = PI4 * (1 - 2 * z2) / 16;
    double k3d = PI6 * (5 - 30 * z2) / 64;
    double k3c = PI4 * (-60 * z2 + 212 * z4) / 16;
    double k3b = PI2 * (135 * z4 - 96 * z6) / 4;
    double k3a = -30 * z6 - 90 * Math.pow(z, 8);
    double[] kk = new double[4];
    int maxk = (int) Math.ceil(16 * z / Math.PI);
    for (int k = maxk; k > 0; k--) {
      double m = 2 * k - 1;
      double m2 = m * m;
      double m4 = m2 * m2;
      double m6 = m4 * m2;
      double qpower = Math.pow(q, 8 * k);
      double[] coeffs = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
      for (int i = 0; i < 4; i++) {
        kk[i] = kk[i] * qpower + coeffs[i];
      }
    }
    double[] div = {z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
    for (int i = 0; i < 4; i++) {
      kk[i] = kk[i] * q * SQRT2PI / div[i];
    }
    double q2 = Math.exp(-PI2 / 2 / z2);
    double sqrt3z = SQRT3 * z;
    double k2extra = 0;
    double k3extra = 0;
    for (int k = maxk; k > 0; k--) {
      double ksq = (double) k * k;
      double qp = Math.pow(q2, ksq);
      double kspi = Math.PI * k;
      k2extra += ksq * qp;
      k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
    }
    kk[2] += k2extra * PI2 * SQRT2PI / (-36 * z3);
    kk[3] += k3extra * PI2 * SQRT2PI / (216 * z6);
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      sum += kk[i] / Math.pow(n, i / 2.0);
    }
    return sum;
  }

  /** Proportion of lattice paths outside |x - y| &lt; h for equal sample sizes n (SciPy's "outside square"). */
  static double probOutsideSquare(long n, long h) {
    double p = 0.0;
    long k = (long) Math.floor((double) n / h);
    while (k >= 0) {
      double p1 = 1.0;
      for (long j = 0; j < h; j++) {
        p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
      }
      p = p1 * (1.0 - p);
      k--;
    }
    return 2 * p;
  }

  /** Proportion of paths from (0,0) to (m,n) that leave |x/m - y/n| &lt; h/lcm, by the inside method computing 1-p directly. */
  static double outerProbInside(long m, long n, long g, long h) {
    if (m < n) {
      long t = m;
      m = n;
      n = t;
    }
    long mg = m / g;
    long ng = n / g;
    int minj = 0;
    int maxj = (int) Math.min((long) Math.ceil((double) h / mg), n + 1);
    int curlen = maxj - minj;
    int lenA = (int) Math.min(2L * maxj + 2, n + 1);
    double[] a = new double[lenA];
    java.util.Arrays.fill(a, 1.0);
    for (int j = minj; j < maxj; j++) {
      a[j] = 0.0;
    }
    for (long i = 1; i <= m; i++) {
      int lastminj = minj;
      int lastlen = curlen;
      minj = (int) Math.max((long) Math.floor((double) (ng * i - h) / mg) + 1, 0);
      minj = (int) Math.min(minj, n);
      maxj = (int) Math.min((long) Math.ceil((double) (ng * i + h) / mg), n + 1);
      if (maxj <= minj) {
        return 1.0;
      }
      double val = minj == 0 ? 0.0 : 1.0;
      for (int jj = 0; jj < maxj - minj; jj++) {
        int j = jj + minj;
        val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
        a[jj] = val;
      }
      curlen = maxj - minj;
      if (lastlen > curlen) {
        for (int c = maxj - minj; c < Math.min(a.length, maxj - minj + (lastlen - curlen)); c++) {
          a[c] = 1;
        }
      }
    }
    return a[maxj - minj - 1];
  }
}
