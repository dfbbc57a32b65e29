package dev.mlops.serving;

/**
 * Where an endpoint reports its figures. The default does nothing; with Micrometer on the class
 * path, {@link ModelServer.Builder#meterRegistry} binds one that publishes them. Implementations
 * are called on the request path and must be cheap and thread-safe.
 */
interface ServingMetrics {
  ServingMetrics NONE = new ServingMetrics() {};

  /** Records the answered requests of one version of one variant; made when the version starts serving. */
  interface VersionMeter {
    VersionMeter NONE = latencyNanos -> {};

    void served(long latencyNanos);
  }

  /** The meter of a version that starts serving. */
  default VersionMeter version(String endpoint, String variant, String model, int version) {
    return VersionMeter.NONE;
  }

  /** One failed request, by kind: {@code invalid_input}, {@code capacity}, {@code unavailable}, {@code model_error}. */
  default void failed(String endpoint, String variant, String kind) {}

  /** One batch of {@code size} requests predicted together. */
  default void batch(String endpoint, int size) {}

  /** A shadow compared with the answer returned: whether they agreed. */
  default void shadow(String endpoint, String shadow, boolean agreed) {}

  /** Registers gauges of an endpoint's queue depths, in-flight requests and latency quantiles, and counters of what its background queues dropped. */
  default void gauges(Gauges gauges) {}

  /** A background queue of an endpoint, as its depth gauge is tagged. */
  enum Queue {
    SHADOW, LOG, BATCH;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a full background queue dropped: a shadow request, a log row, a log label. */
  enum Dropped {
    SHADOW_REQUEST(Queue.SHADOW, "request"), LOG_ROW(Queue.LOG, "row"), LOG_LABEL(Queue.LOG, "label");

    final Queue queue;
    final String item;

    Dropped(Queue queue, String item) {
      this.queue = queue;
      this.item = item;
    }
  }

  /** What an endpoint's gauges read, at publication time (never on the request path). */
  interface Gauges {
    /** The endpoint's name. */
    String endpoint();

    /** Its variants' names. */
    java.util.List<String> variants();

    double queueDepth(Queue queue);

    double dropped(Dropped what);

    double inFlight();

    double latencyQuantileSeconds(String variant, double q);
  }
}
