package dev.mlops.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serving figures as Micrometer meters, in the shape of KServe's and Triton's metric families:
 * {@code mlops.serving.requests} and {@code mlops.serving.latency} (timer with percentiles) tagged
 * endpoint, variant, model and version; {@code mlops.serving.errors} tagged kind;
 * {@code mlops.serving.batch.size}; {@code mlops.serving.shadow.comparisons} tagged agreed;
 * {@code mlops.serving.dropped} tagged queue and item (shadow
 * requests, log rows, log labels); gauges {@code mlops.serving.queue.depth}. Loaded only
 * when a meter registry is given, so Micrometer stays optional.
 */
final class MicrometerMetrics implements ServingMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counts> versions = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();

  MicrometerMetrics(Object registry) {
    this.registry = (MeterRegistry) registry;
  }

  /** A version's request count and total time, read by Micrometer when it publishes: two adders on the request path. */
  private static final class Counts implements VersionMeter {
    final java.util.concurrent.atomic.LongAdder count = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder nanos = new java.util.concurrent.atomic.LongAdder();

    @Override
    public void served(long latencyNanos) {
      count.increment();
      nanos.add(latencyNanos);
    }
  }

  @Override
  public VersionMeter version(String endpoint, String variant, String model, int version) {
    String key = endpoint + '\u0000' + variant + '\u0000' + version;
    return versions.computeIfAbsent(key, k -> {
      Counts c = new Counts();
      FunctionTimer.builder("mlops.serving.latency", c, x -> x.count.sum(), x -> x.nanos.sum(), TimeUnit.NANOSECONDS)
          .description("time to answer a prediction request; its count is the number of requests")
          .tags("endpoint", endpoint, "variant", variant, "model", model, "version", Integer.toString(version))
          .register(registry);
      return c;
    });
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
  public void queues(Endpoint<?> endpoint) {
    Gauge.builder("mlops.serving.queue.depth", endpoint, e -> e.queueDepth("shadow")).tags("endpoint", endpoint.name(), "queue", "shadow")
        .register(registry);
    Gauge.builder("mlops.serving.queue.depth", endpoint, e -> e.queueDepth("log")).tags("endpoint", endpoint.name(), "queue", "log")
        .register(registry);
    Gauge.builder("mlops.serving.queue.depth", endpoint, e -> e.queueDepth("batch")).tags("endpoint", endpoint.name(), "queue", "batch")
        .register(registry);
    // the endpoint counts its drops in adders; the request path never touches a meter for them
    for (String[] queueItem : new String[][] {{"shadow", "request"}, {"log", "row"}, {"log", "label"}}) {
      FunctionCounter.builder("mlops.serving.dropped", endpoint, e -> e.dropped(queueItem[1]))
          .description("items dropped from a full background queue: shadow requests, prediction-log rows and feedback labels")
          .tags("endpoint", endpoint.name(), "queue", queueItem[0], "item", queueItem[1]).register(registry);
    }
    Gauge.builder("mlops.serving.in.flight", endpoint, e -> e.inFlight()).tags("endpoint", endpoint.name()).register(registry);
    for (String variant : endpoint.variantNames()) {
      for (double q : new double[] {0.5, 0.95, 0.99}) {
        Gauge.builder("mlops.serving.latency.percentile", endpoint, e -> e.latencyQuantileSeconds(variant, q))
            .description("latency quantile of a variant since the endpoint started, from its lock-free histogram")
            .tags("endpoint", endpoint.name(), "variant", variant, "quantile", Double.toString(q)).baseUnit("seconds").register(registry);
      }
    }
  }
}
