package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import java.time.Duration;

/**
 * Micro-batching of an endpoint: requests that arrive together are predicted in one call of
 * Tribuo's batch {@code predict(Iterable<Example>)}. Off by default. It pays only for models with
 * a native batch path (XGBoost, ONNX through Tribuo's external models); Tribuo's linear models and
 * trees predict example by example, so batching them only adds the wait. Modes, after Triton and
 * BentoML: a fixed maximum delay, no delay at all (take whatever is queued, Triton's
 * {@code dynamic_batching {}}), or an adaptive delay sized from the observed batch latency.
 *
 * @param maxBatchSize the largest batch
 * @param maxDelay the longest a request waits for others (zero: no delay)
 * @param adaptive whether the wait is sized from the observed batch latency (up to {@code maxDelay})
 */
public record Batching(int maxBatchSize, Duration maxDelay, boolean adaptive) {
  /** Checks the settings: a batch of at least 1, a delay that is not negative. */
  public Batching {
    if (maxBatchSize < 1) {
      throw InvalidArgumentException.of("max batch size", maxBatchSize, "must be at least 1");
    }
    if (maxDelay == null || maxDelay.isNegative()) {
      throw InvalidArgumentException.of("max delay", maxDelay, "must be zero or positive");
    }
  }

  /** Batches of up to {@code maxBatchSize}, each request waiting at most {@code maxDelay} for others. */
  public static Batching of(int maxBatchSize, Duration maxDelay) {
    return new Batching(maxBatchSize, maxDelay, false);
  }

  /**
   * Batches of whatever is queued when the model is free, up to {@code maxBatchSize}, with no waiting.
   * The callers run the batches themselves: one that finds no batch running predicts what is queued,
   * its own request among it; the others wait for their answers, and the oldest of them leads the
   * next batch. No thread of the endpoint's own is involved.
   */
  public static Batching noDelay(int maxBatchSize) {
    return new Batching(maxBatchSize, Duration.ZERO, false);
  }

  /** Waits up to half the recent cost of a batch (never more than {@code maxDelay}) for a batch to fill. */
  public static Batching adaptive(int maxBatchSize, Duration maxDelay) {
    return new Batching(maxBatchSize, maxDelay, true);
  }
}
