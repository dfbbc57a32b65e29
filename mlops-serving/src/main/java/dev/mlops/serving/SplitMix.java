package dev.mlops.serving;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free random sequence for routing: SplitMix64 over one atomic counter, so that many
 * request threads draw from it without a lock and a fixed seed replays the same sequence.
 */
final class SplitMix {
  static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private final AtomicLong state;

  SplitMix(long seed) {
    this.state = new AtomicLong(seed);
  }

  /** A uniform draw in [0, 1). */
  double nextDouble() {
    return unit(mix(state.addAndGet(GOLDEN)));
  }

  /** A standard normal draw (Box-Muller). */
  double normal() {
    double u1 = nextDouble();
    double u2 = nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }
}
