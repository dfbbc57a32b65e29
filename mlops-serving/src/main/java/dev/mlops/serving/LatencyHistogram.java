package dev.mlops.serving;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free latency histogram: log-linear buckets (8 per power of two, so quantiles are within
 * about 9 %) from 64 ns up, striped over a few copies so that threads on different cores rarely
 * touch the same counter. Recording is one atomic increment; quantiles and counts scan the buckets.
 */
final class LatencyHistogram {
  private static final int SUB = 8;
  private static final int MIN_SHIFT = 6;
  static final int BUCKETS = (63 - MIN_SHIFT) * SUB;
  private static final int STRIPES = 4;
  /** Stripe-major with a gap of 16 longs between stripes, so stripes do not share cache lines. */
  private static final int STRIDE = BUCKETS + 16;
  private final AtomicLongArray counts = new AtomicLongArray(STRIPES * STRIDE);

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

  private static final java.util.concurrent.atomic.AtomicInteger NEXT_STRIPE = new java.util.concurrent.atomic.AtomicInteger();
  /** Threads take stripes round robin, so the first few threads never share one. */
  private static final ThreadLocal<int[]> STRIPE = ThreadLocal.withInitial(() -> new int[] {NEXT_STRIPE.getAndIncrement() & (STRIPES - 1)});

  private static int stripe() {
    return STRIPE.get()[0];
  }

  void record(long nanos) {
    counts.getAndIncrement(stripe() * STRIDE + bucket(Math.max(0, nanos)));
  }

  /** Adds this histogram's counts to {@code into} (when a window retires). */
  void addTo(long[] into) {
    for (int s = 0; s < STRIPES; s++) {
      for (int b = 0; b < BUCKETS; b++) {
        into[b] += counts.get(s * STRIDE + b);
      }
    }
  }

  long[] snapshot() {
    long[] out = new long[BUCKETS];
    addTo(out);
    return out;
  }

  long count() {
    long n = 0;
    for (long c : snapshot()) {
      n += c;
    }
    return n;
  }

  /** The q-quantile (0..1) of bucket counts in nanoseconds, NaN when empty. */
  static double quantile(long[] buckets, double q) {
    long n = 0;
    for (long c : buckets) {
      n += c;
    }
    if (n == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * n));
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= rank) {
        return upper(i);
      }
    }
    return upper(buckets.length - 1);
  }

  double quantile(double q) {
    return quantile(snapshot(), q);
  }
}
