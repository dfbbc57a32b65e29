package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import java.util.List;
import org.tribuo.Output;

/**
 * A multi-armed bandit that routes among an endpoint's champion and arms and learns from
 * {@link Endpoint#feedback(String, double)} rewards in [0, 1] (Bernoulli successes, as Seldon's
 * routers treat them). Seeded, so a test replays the same choices. Each strategy makes its own
 * choice from the arms' reward counts.
 */
public abstract sealed class Bandit permits Bandit.EpsilonGreedy, Bandit.Thompson {
  private Bandit() {}

  /** With probability {@code epsilon} a random arm, else the arm with the best mean reward so far (Seldon's default epsilon is 0.1). */
  public static Bandit epsilonGreedy(double epsilon, long seed) {
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw InvalidArgumentException.of("epsilon", epsilon, "must be between 0 and 1");
    }
    return new EpsilonGreedy(epsilon, seed);
  }

  /** Thompson sampling: each request draws from every arm's Beta(1 + successes, 1 + failures) and takes the largest draw. */
  public static Bandit thompson(long seed) {
    return new Thompson(seed);
  }

  abstract long seed();

  /** The arm of one request, drawing from {@code random}; {@code arms} is not empty. */
  abstract <T extends Output<T>> Variant<T> choose(List<Variant<T>> arms, SplitMix random);

  /** Epsilon-greedy. */
  static final class EpsilonGreedy extends Bandit {
    final double epsilon;
    private final long seed;

    EpsilonGreedy(double epsilon, long seed) {
      this.epsilon = epsilon;
      this.seed = seed;
    }

    @Override
    long seed() {
      return seed;
    }

    @Override
    <T extends Output<T>> Variant<T> choose(List<Variant<T>> arms, SplitMix random) {
      if (random.nextDouble() < epsilon) {
        return arms.get((int) (random.nextDouble() * arms.size()));
      }
      Variant<T> best = arms.get(0);
      double bestMean = -1;
      for (Variant<T> v : arms) {
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

    @Override
    public String toString() {
      return "epsilon-greedy(" + epsilon + ")";
    }
  }

  /** Thompson sampling. */
  static final class Thompson extends Bandit {
    private final long seed;

    Thompson(long seed) {
      this.seed = seed;
    }

    @Override
    long seed() {
      return seed;
    }

    @Override
    <T extends Output<T>> Variant<T> choose(List<Variant<T>> arms, SplitMix random) {
      Variant<T> best = arms.get(0);
      double bestDraw = -1;
      for (Variant<T> v : arms) {
        double draw = beta(random, 1 + v.successes.sum(), 1 + v.failures.sum());
        if (draw > bestDraw) {
          bestDraw = draw;
          best = v;
        }
      }
      return best;
    }

    /** A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
    static double beta(SplitMix random, double a, double b) {
      double x = gamma(random, a);
      double y = gamma(random, b);
      return x / (x + y);
    }

    /** Marsaglia and Tsang's method for Gamma(shape, 1), shape >= 1 (bandit shapes always are). */
    private static double gamma(SplitMix random, double shape) {
      double d = shape - 1.0 / 3;
      double c = 1 / Math.sqrt(9 * d);
      while (true) {
        double x;
        double v;
        do {
          x = random.normal();
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = random.nextDouble();
        if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
          return d * v;
        }
      }
    }

    @Override
    public String toString() {
      return "thompson";
    }
  }
}
