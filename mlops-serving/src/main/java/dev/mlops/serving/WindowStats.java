package dev.mlops.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one variant did during one evaluation window of the rollout policy: requests (the latency
 * histogram's count), errors, latency, the distribution of its outputs (only when a rule needs
 * it), and outcomes where feedback arrived. Lock-free; a new window is a new instance, and the
 * ended one is added to the variant's retired totals.
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

  WindowStats(boolean countOutputs) {
    this.countOutputs = countOutputs;
  }

  void served(Served<?> served, long latencyNanos) {
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

  void failed(long latencyNanos) {
    requests.increment();
    errors.increment();
    latency.record(latencyNanos);
  }

  void outcome(boolean right) {
    labelled.increment();
    if (right) {
      correct.increment();
    }
  }

  void reward(double reward) {
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

  /** Totals of retired windows plus a live one: what describe() reports. */
  static final class Totals {
    long requests;
    long errors;
    final long[] latency = new long[LatencyHistogram.BUCKETS];
    long labelled;
    long correct;
    long rewards;
    double rewardSum;

    synchronized void add(WindowStats w) {
      requests += w.requests.sum();
      errors += w.errors.sum();
      w.latency.addTo(latency);
      labelled += w.labelled.sum();
      correct += w.correct.sum();
      rewards += w.rewards.sum();
      rewardSum += w.rewardSum.sum();
    }

    /** These totals plus {@code live}, as a new snapshot. */
    synchronized Totals with(WindowStats live) {
      Totals t = new Totals();
      t.requests = requests;
      t.errors = errors;
      System.arraycopy(latency, 0, t.latency, 0, latency.length);
      t.labelled = labelled;
      t.correct = correct;
      t.rewards = rewards;
      t.rewardSum = rewardSum;
      t.add(live);
      return t;
    }

    long requests() {
      return requests;
    }

    double accuracy() {
      return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
  }
}
