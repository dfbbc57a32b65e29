package dev.mlops.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;

/**
 * Chooses the variant of each request without a lock: by weight (a uniform draw, or the hash of a
 * sticky request key, against cumulative weights read from one immutable table), or by a bandit.
 * A sticky key lands on the same variant for as long as the weights stay the same; moving weight
 * between two variants moves only the keys in the share that changed hands.
 */
final class Router<T extends Output<T>> {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /** Variants with a weight above zero and their cumulative weights. */
  private record Table<T extends Output<T>>(List<Variant<T>> variants, double[] cumulative) {}

  private final List<Variant<T>> routed;
  private final @Nullable Bandit bandit;
  private final AtomicLong state;
  private volatile Table<T> table;

  Router(List<Variant<T>> routed, @Nullable Bandit bandit) {
    this.routed = List.copyOf(routed);
    this.bandit = bandit;
    this.state = new AtomicLong(bandit == null ? System.nanoTime() : bandit.seed());
    this.table = build();
  }

  /** Rebuilds the weight table after a weight changed. */
  void reweight() {
    table = build();
  }

  private Table<T> build() {
    List<Variant<T>> vs = new ArrayList<>();
    List<Double> ws = new ArrayList<>();
    double sum = 0;
    for (Variant<T> v : routed) {
      if (v.weight > 0) {
        vs.add(v);
        sum += v.weight;
        ws.add(sum);
      }
    }
    double[] cum = new double[ws.size()];
    for (int i = 0; i < cum.length; i++) {
      cum[i] = ws.get(i) / sum;
    }
    return new Table<>(List.copyOf(vs), cum);
  }

  Variant<T> choose(@Nullable String key) {
    if (bandit != null && key == null) {
      return bandit(bandit);
    }
    Table<T> t = table;
    List<Variant<T>> vs = t.variants;
    if (vs.size() == 1) {
      return vs.get(0);
    }
    if (vs.isEmpty()) {
      return routed.get(0);
    }
    double u = key == null ? ThreadLocalRandom.current().nextDouble() : unit(mix(key.hashCode() * GOLDEN + 0x5DEECE66DL));
    double[] cum = t.cumulative;
    for (int i = 0; i < cum.length - 1; i++) {
      if (u < cum[i]) {
        return vs.get(i);
      }
    }
    return vs.get(vs.size() - 1);
  }

  private Variant<T> bandit(Bandit b) {
    if (b instanceof Bandit.EpsilonGreedy eg) {
      if (nextDouble() < eg.epsilon) {
        return routed.get((int) (nextDouble() * routed.size()));
      }
      Variant<T> best = routed.get(0);
      double bestMean = -1;
      for (Variant<T> v : routed) {
        double s = v.successes.sum();
        double f = v.failures.sum();
        double mean = (s + 1) / (s + f + 2);
        if (mean > bestMean) {
          bestMean = mean;
          best = v;
        }
      }
      return best;
    }
    Variant<T> best = routed.get(0);
    double bestDraw = -1;
    for (Variant<T> v : routed) {
      double draw = beta(1 + v.successes.sum(), 1 + v.failures.sum());
      if (draw > bestDraw) {
        bestDraw = draw;
        best = v;
      }
    }
    return best;
  }

  // SplitMix64 over one atomic counter: lock-free, and a fixed seed replays the same sequence
  private double nextDouble() {
    return unit(mix(state.addAndGet(GOLDEN)));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
  double beta(double a, double b) {
    double x = gamma(a);
    double y = gamma(b);
    return x / (x + y);
  }

  /** Marsaglia and Tsang's method for Gamma(shape, 1), shape >= 1 (bandit shapes always are). */
  private double gamma(double shape) {
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  private double normal() {
    double u1 = nextDouble();
    double u2 = nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
