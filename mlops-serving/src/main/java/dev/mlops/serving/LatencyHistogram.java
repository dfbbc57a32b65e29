package dev.mlops.serving;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free latency histogram: log-linear buckets (8 per power of two, so quantiles are within
 * about 9 %) from 64 ns up. Recording is one atomic increment; quantiles scan the buckets.
 */
final class LatencyHistogram {
  private static final int SUB = 8;
  private static final int MIN_SHIFT = 6;
  private static final int BUCKETS = (63 - MIN_SHIFT) * SUB;
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAdder total = new LongAdder();

  static int bucket(long nanos) {
    if (nanos < (1L << MIN_SHIFT)) {
      return 0;
    }
    int exp = 63 - Long.numberOfLeadingZeros(nanos);
    int sub = (int) ((nanos >>> (exp - 3)) & (SUB - 1));
    return Math.min(BUCKETS - 1, (exp - MIN_SHIFT) * SUB + sub);
  }

  /** The upper bound of a bucket, in nanoseconds. */
  static long upper(int bucket) {
    int exp = bucket / SUB + MIN_SHIFT;
    int sub = bucket % SUB;
    return (1L << exp) + ((long) (sub + 1) << (exp - 3));
  }

  void record(long nanos) {
    counts.incrementAndGet(bucket(Math.max(0, nanos)));
    total.increment();
  }

  long count() {
    return total.sum();
  }

  /** The q-quantile (0..1) in nanoseconds, NaN when empty. */
  double quantile(double q) {
    long n = total.sum();
    if (n == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * n);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank && seen > 0) {
        return upper(i);
      }
    }
    return upper(BUCKETS - 1);
  }
}
