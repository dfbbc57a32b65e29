package dev.mlops.monitoring.internal;

/** Binary searches over sorted arrays, as {@code numpy.searchsorted}. */
public final class Search {
  private Search() {}

  /** The number of elements strictly below {@code v} ({@code side='left'}). */
  public static int lowerBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The number of elements at or below {@code v} ({@code side='right'}). */
  public static int upperBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
