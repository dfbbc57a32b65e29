package dev.mlops.serving;

import java.util.concurrent.atomic.LongAdder;

/**
 * Bounds the requests in flight without a contended counter: a thread counts itself in (an adder,
 * so threads on different cores write different cells) and stays only if the sum is within the
 * limit. It never admits more than the limit (every admitted thread saw a sum within it after
 * counting itself); two threads racing at the limit may both step back, which only refuses early.
 */
final class Limiter {
  private final LongAdder inFlight = new LongAdder();
  private final int max;

  Limiter(int max) {
    this.max = max;
  }

  boolean tryAcquire() {
    inFlight.increment();
    if (inFlight.sum() > max) {
      inFlight.decrement();
      return false;
    }
    return true;
  }

  void release() {
    inFlight.decrement();
  }

  int availablePermits() {
    return (int) Math.max(0, max - inFlight.sum());
  }
}
