package dev.mlops.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What one variant did during one evaluation window of the rollout policy: requests (the latency
 * histogram's count), errors, latency, the distribution of its outputs (only when a rule needs
 * it), and outcomes where feedback arrived. Lock-free; a new window is a new instance.
 *
 * <p>Every update of a window also lands in the variant's lifetime stats ({@link #lifetime}), which
 * {@code describe()} and the A/B summary read. The totals are not summed from ended windows: a
 * request reads its window when it is routed and counts in it when it is answered, so a request
 * held while the windows rolled twice counted in a window already summed, and was lost from the
 * totals while its label, arriving later, counted in the live window (more labels than requests).
 */
final class WindowStats {
  final LongAdder requests = new LongAdder();
  /** Requests let into this window of a canary under a rollout policy (at most the policy's window). */
  final java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
  final LongAdder errors = new LongAdder();
  final LatencyHistogram latency = new LatencyHistogram();
  final boolean countOutputs;
  final Map<String, LongAdder> outputs = new ConcurrentHashMap<>();
  final LongAdder labelled = new LongAdder();
  final LongAdder correct = new LongAdder();
  final LongAdder rewards = new LongAdder();
  final DoubleAdder rewardSum = new DoubleAdder();
  /** The variant's stats since it was built, updated with this window; null for the lifetime stats themselves. */
  private final @Nullable WindowStats lifetime;

  /** The lifetime stats of a variant: since it was built, no output counts. */
  static WindowStats lifetime() {
    return new WindowStats(false, null);
  }

  /** A window whose updates also land in {@code lifetime}. */
  WindowStats(boolean countOutputs, @Nullable WindowStats lifetime) {
    this.countOutputs = countOutputs;
    this.lifetime = lifetime;
  }

  void served(Served<?> served, long latencyNanos) {
    if (lifetime != null) {
      lifetime.served(served, latencyNanos);
    }
    requests.increment();
    latency.record(latencyNanos);
    if (countOutputs) {
      String output = served.outputText();
      LongAdder a = outputs.get(output);
      if (a == null) {
        a = outputs.computeIfAbsent(output, k -> new LongAdder());
      }
      a.increment();
    }
  }

  /** A shadow's request compared with the answer returned: a request and its latency, no output counted. */
  void compared(long latencyNanos) {
    if (lifetime != null) {
      lifetime.compared(latencyNanos);
    }
    requests.increment();
    latency.record(latencyNanos);
  }

  void failed(long latencyNanos) {
    if (lifetime != null) {
      lifetime.failed(latencyNanos);
    }
    requests.increment();
    errors.increment();
    latency.record(latencyNanos);
  }

  void outcome(boolean right) {
    if (lifetime != null) {
      lifetime.outcome(right);
    }
    labelled.increment();
    if (right) {
      correct.increment();
    }
  }

  void reward(double reward) {
    if (lifetime != null) {
      lifetime.reward(reward);
    }
    rewards.increment();
    rewardSum.add(reward);
  }

  long requests() {
    return requests.sum();
  }

  double errorRate() {
    long n = requests();
    return n == 0 ? 0 : (double) errors.sum() / n;
  }

  double accuracy() {
    long n = labelled.sum();
    return n == 0 ? Double.NaN : (double) correct.sum() / n;
  }

  Map<String, Long> outputCounts() {
    Map<String, Long> m = new java.util.TreeMap<>();
    outputs.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** A snapshot of these stats, for describe(), the A/B summary and the gauges. */
  Totals snapshot() {
    Totals t = new Totals();
    // a label is counted after its request (feedback needs the answer's id), a right one after the
    // label: read in the reverse order, a snapshot taken under traffic never shows more right answers
    // than labels, nor more labels than requests
    t.rewardSum = rewardSum.sum();
    t.rewards = rewards.sum();
    t.correct = correct.sum();
    t.labelled = labelled.sum();
    t.errors = errors.sum();
    t.requests = requests.sum();
    latency.addTo(t.latency);
    return t;
  }

  /** What a variant did since it was built, as one consistent snapshot: what describe() reports. */
  static final class Totals {
    long requests;
    long errors;
    final long[] latency = new long[LatencyHistogram.BUCKETS];
    long labelled;
    long correct;
    long rewards;
    double rewardSum;

    long requests() {
      return requests;
    }

    double accuracy() {
      return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
  }
}
