package dev.mlops.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one variant did during one evaluation window of the rollout policy (or since it started):
 * requests, errors, latency, the distribution of its outputs, and outcomes where feedback arrived.
 * Lock-free; a new window is a new instance.
 */
final class WindowStats {
  final LongAdder requests = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LatencyHistogram latency = new LatencyHistogram();
  final Map<String, LongAdder> outputs = new ConcurrentHashMap<>();
  final LongAdder labelled = new LongAdder();
  final LongAdder correct = new LongAdder();
  final LongAdder rewards = new LongAdder();
  final java.util.concurrent.atomic.DoubleAdder rewardSum = new java.util.concurrent.atomic.DoubleAdder();

  void served(String output, long latencyNanos) {
    requests.increment();
    latency.record(latencyNanos);
    LongAdder a = outputs.get(output);
    if (a == null) {
      a = outputs.computeIfAbsent(output, k -> new LongAdder());
    }
    a.increment();
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

  double errorRate() {
    long n = requests.sum();
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
}
