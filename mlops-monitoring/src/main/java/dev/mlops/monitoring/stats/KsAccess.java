package dev.mlops.monitoring.stats;

/** Public access to the Kolmogorov distribution for other packages of this module. */
public final class KsAccess {
  private KsAccess() {}

  /** P(D_n &gt; x) for the two-sided one-sample statistic ({@code scipy.stats.kstwo.sf}). */
  public static double sf(long n, double x) {
    return Kolmogorov.sf(n, x);
  }
}
