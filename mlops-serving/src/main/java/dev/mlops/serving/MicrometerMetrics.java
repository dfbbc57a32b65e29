package dev.mlops.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serving figures as Micrometer meters, in the shape of KServe's and Triton's metric families:
 * {@code mlops.serving.requests} and {@code mlops.serving.latency} (timer with percentiles) tagged
 * endpoint, variant, model and version; {@code mlops.serving.errors} tagged kind;
 * {@code mlops.serving.batch.size}; {@code mlops.serving.shadow.comparisons} tagged agreed;
 * {@code mlops.serving.dropped} tagged queue; gauges {@code mlops.serving.queue.depth}. Loaded only
 * when a meter registry is given, so Micrometer stays optional.
 */
final class MicrometerMetrics implements ServingMetrics {
  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();

  MicrometerMetrics(Object registry) {
    this.registry = (MeterRegistry) registry;
  }

  @Override
  public VersionMeter version(String endpoint, String variant, String model, int version) {
    String key = endpoint + '\u0000' + variant + '\u0000' + version;
    Timer t = timers.computeIfAbsent(key, k -> Timer.builder("mlops.serving.latency")
        .description("time to answer a prediction request; its count is the number of requests")
        .tags("endpoint", endpoint, "variant", variant, "model", model, "version", Integer.toString(version))
        .publishPercentiles(0.5, 0.95, 0.99)
        .register(registry));
    return nanos -> t.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter counter(String name, String... tags) {
    String key = name + String.join("\u0000", tags);
    Counter c = counters.get(key);
    if (c == null) {
      c = counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
    }
    return c;
  }

  @Override
  public void failed(String endpoint, String variant, String kind) {
    counter("mlops.serving.errors", "endpoint", endpoint, "variant", variant, "kind", kind).increment();
  }

  @Override
  public void batch(String endpoint, int size) {
    summaries.computeIfAbsent(endpoint, e -> DistributionSummary.builder("mlops.serving.batch.size").tags("endpoint", e)
        .register(registry)).record(size);
  }

  @Override
  public void shadow(String endpoint, String shadow, boolean agreed) {
    counter("mlops.serving.shadow.comparisons", "endpoint", endpoint, "shadow", shadow, "agreed", Boolean.toString(agreed)).increment();
  }

  @Override
  public void dropped(String endpoint, String queue) {
    counter("mlops.serving.dropped", "endpoint", endpoint, "queue", queue).increment();
  }

  @Override
  public void queues(Endpoint<?> endpoint) {
    Gauge.builder("mlops.serving.queue.depth", endpoint, e -> e.queueDepth("shadow")).tags("endpoint", endpoint.name(), "queue", "shadow")
        .register(registry);
    Gauge.builder("mlops.serving.queue.depth", endpoint, e -> e.queueDepth("log")).tags("endpoint", endpoint.name(), "queue", "log")
        .register(registry);
    Gauge.builder("mlops.serving.queue.depth", endpoint, e -> e.queueDepth("batch")).tags("endpoint", endpoint.name(), "queue", "batch")
        .register(registry);
    Gauge.builder("mlops.serving.in.flight", endpoint, e -> e.inFlight()).tags("endpoint", endpoint.name()).register(registry);
  }
}
