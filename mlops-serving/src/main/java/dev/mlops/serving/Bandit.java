package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;

/**
 * A multi-armed bandit that routes among an endpoint's champion and arms and learns from
 * {@link Endpoint#feedback(String, double)} rewards in [0, 1] (Bernoulli successes, as Seldon's
 * routers treat them). Seeded, so a test replays the same choices.
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
    public String toString() {
      return "thompson";
    }
  }
}
