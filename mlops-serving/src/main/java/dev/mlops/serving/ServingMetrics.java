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

  /** Registers gauges of an endpoint's queue depths and counters of what its background queues dropped (read from the endpoint). */
  default void queues(Endpoint<?> endpoint) {}
}
