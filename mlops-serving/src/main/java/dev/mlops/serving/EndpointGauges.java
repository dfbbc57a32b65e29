package dev.mlops.serving;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;

/** What an endpoint's gauges read, when the meter registry publishes (never on the request path). */
final class EndpointGauges<T extends Output<T>> implements ServingMetrics.Gauges {
  private final String name;
  private final Map<String, Variant<T>> byName;
  private final @Nullable Shadows<T> shadows;
  private final @Nullable PredictionSink<T> sink;
  private final @Nullable Map<String, Batcher<T>> batchers;
  private final RequestPath<T> path;

  EndpointGauges(String name, Map<String, Variant<T>> byName, @Nullable Shadows<T> shadows, @Nullable PredictionSink<T> sink,
      @Nullable Map<String, Batcher<T>> batchers, RequestPath<T> path) {
    this.name = name;
    this.byName = byName;
    this.shadows = shadows;
    this.sink = sink;
    this.batchers = batchers;
    this.path = path;
  }

  @Override
  public String endpoint() {
    return name;
  }

  @Override
  public List<String> variants() {
    return List.copyOf(byName.keySet());
  }

  @Override
  public double queueDepth(ServingMetrics.Queue queue) {
    return switch (queue) {
      case SHADOW -> shadows == null ? 0 : shadows.depth();
      case LOG -> sink == null ? 0 : sink.depth();
      case BATCH -> batchers == null ? 0 : batchers.values().stream().mapToInt(Batcher::depth).sum();
    };
  }

  @Override
  public double dropped(ServingMetrics.Dropped what) {
    return switch (what) {
      case SHADOW_REQUEST -> shadows == null ? 0 : shadows.dropped();
      case LOG_ROW -> sink == null ? 0 : sink.rowsDropped();
      case LOG_LABEL -> sink == null ? 0 : sink.labelsDropped();
    };
  }

  @Override
  public double inFlight() {
    return path.inFlight();
  }

  @Override
  public double latencyQuantileSeconds(String variant, double q) {
    Variant<T> v = byName.get(variant);
    return v == null ? Double.NaN : LatencyHistogram.quantile(v.totals().latency, q) / 1e9;
  }
}
