package dev.mlops.serving;

import dev.mlops.api.EntryPointBuilder;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelUri;
import dev.mlops.registry.RegistryListener;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Output;

/**
 * Serves registered models in this JVM: the entry point of serving. It holds the endpoints, follows
 * the registry's events (a move made through its registry as soon as the move returns, others within
 * the registry's poll interval) to hot-swap the versions they serve, and runs loads and rollout
 * decisions on its control threads, never on a caller's thread. What a swap guarantees is stated on
 * {@link Endpoint}.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.builder().registry(registry).build()) {
 *   Endpoint<Label> churn = server.endpoint("churn", Label.class)
 *       .serve("models:/churn@champion")
 *       .canary("models:/churn@canary", 0.2)
 *       .rollout(RolloutPolicy.builder().maxErrorRate(0.02).restoreAlias(true).build())
 *       .build();
 *   Served<Label> answer = churn.predict(Map.of("tenure", 12.0, "calls", 3.0));
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

  private final ModelRegistry registry;
  private final boolean ownsRegistry;
  private final Clock clock;
  private final ServingMetrics metrics;
  private final ScheduledExecutorService control;
  private final List<Endpoint<?>> endpoints = new CopyOnWriteArrayList<>();
  private final RegistryListener listener = this::onRegistryEvent;
  private volatile boolean closed;

  private ModelServer(Builder b) {
    if (b.registry != null) {
      this.registry = b.registry;
      this.ownsRegistry = false;
    } else {
      ModelRegistry.Builder rb = ModelRegistry.builder().eventPollInterval(b.pollInterval);
      b.applyTo(rb);
      this.registry = rb.build();
      this.ownsRegistry = true;
    }
    this.clock = b.clock;
    this.metrics = b.meterRegistry == null ? ServingMetrics.NONE : new MicrometerMetrics(b.meterRegistry);
    this.control = Executors.newScheduledThreadPool(b.controlThreads, Endpoint.daemon("mlops-serving-control"));
    registry.addListener(listener);
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The registry the endpoints follow. */
  public ModelRegistry registry() {
    return registry;
  }

  Clock clock() {
    return clock;
  }

  ServingMetrics metrics() {
    return metrics;
  }

  ScheduledExecutorService control() {
    return control;
  }

  /** Starts building an endpoint that answers with outputs of {@code type}. */
  public <T extends Output<T>> EndpointBuilder<T> endpoint(String name, Class<T> type) {
    if (closed) {
      throw new EndpointUnavailableException("the model server is closed");
    }
    if (endpoints.stream().anyMatch(e -> e.name().equals(name))) {
      throw InvalidArgumentException.of("endpoint name", name, "is already used on this server");
    }
    return new EndpointBuilder<>(this, name, type);
  }

  /** The endpoints, in the order they were built. */
  public List<Endpoint<?>> endpoints() {
    return List.copyOf(endpoints);
  }

  <T extends Output<T>> Endpoint<T> add(Endpoint<T> endpoint, EndpointBuilder<T> b) {
    endpoints.add(endpoint);
    for (Variant<T> v : endpoint.allVariants()) {
      endpoint.loader.load(v);
    }
    LOG.debug("{}", endpoint.describe());
    return endpoint;
  }

  void removed(Endpoint<?> endpoint) {
    endpoints.remove(endpoint);
  }

  /**
   * A registry change reaches the variants it concerns (an alias move or deletion: those following
   * that alias; any other change of the model: all that follow the model); each queues one reload.
   */
  private void onRegistryEvent(RegistryEvent e) {
    if (closed || e instanceof RegistryEvent.RequestOpened || e instanceof RegistryEvent.RequestRejected
        || e instanceof RegistryEvent.VersionTagSet) {
      return;
    }
    String alias = e instanceof RegistryEvent.AliasMoved m ? m.alias() : e instanceof RegistryEvent.AliasDeleted d ? d.alias()
        : e instanceof RegistryEvent.RequestApproved a ? a.alias() : null;
    for (Endpoint<?> endpoint : endpoints) {
      reloadFollowers(endpoint, e.model(), alias);
    }
  }

  private <T extends Output<T>> void reloadFollowers(Endpoint<T> endpoint, String model, @Nullable String alias) {
    for (Variant<T> v : endpoint.allVariants()) {
      ModelUri u = ModelUri.parse(v.uri);
      if (u.name().equals(model) && (alias == null || alias.equals(u.alias()))) {
        endpoint.loader.changed(v, control);
      }
    }
  }

  /** Closes every endpoint, stops following the registry, and closes the registry if this server opened it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    registry.removeListener(listener);
    for (Endpoint<?> e : List.copyOf(endpoints)) {
      e.close();
    }
    control.shutdown();
    try {
      control.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsRegistry) {
      registry.close();
    }
  }

  /** Builder of {@link ModelServer}: an existing registry, or a storage URI or backend to open one on. */
  public static final class Builder extends EntryPointBuilder<Builder> {
    private @Nullable ModelRegistry registry;
    private @Nullable Object meterRegistry;
    private Clock clock = Clock.systemUTC();
    private int controlThreads = 2;
    private Duration pollInterval = Duration.ofSeconds(1);

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    void applyTo(ModelRegistry.Builder rb) {
      Settings s = settings();
      rb.storage(s.backend()).clock(s.clock()).principal(s.principal());
    }

    /** Serves from this registry (the caller closes it); otherwise the server opens one on its storage. */
    public Builder registry(ModelRegistry registry) {
      this.registry = Validation.notNull("registry", registry);
      return this;
    }

    /** The clock of rollout decisions (tests use a fake one). */
    @Override
    public Builder clock(Clock clock) {
      this.clock = Validation.notNull("clock", clock);
      return super.clock(clock);
    }

    /**
     * Publishes serving metrics to this Micrometer {@code MeterRegistry} (Micrometer is an optional
     * dependency: add {@code io.micrometer:micrometer-core}).
     */
    public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry meterRegistry) {
      this.meterRegistry = Validation.notNull("meter registry", meterRegistry);
      return this;
    }

    /** Threads for loads and rollout decisions (default 2). */
    public Builder controlThreads(int threads) {
      this.controlThreads = Validation.positive("control threads", threads);
      return this;
    }

    /** How often a registry the server opens itself picks up other JVMs' changes (default 1 s). */
    public Builder eventPollInterval(Duration interval) {
      this.pollInterval = Validation.notNull("event poll interval", interval);
      return this;
    }

    /** Builds the server. */
    public ModelServer build() {
      return new ModelServer(this);
    }
  }
}
