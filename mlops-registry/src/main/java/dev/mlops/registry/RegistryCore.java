package dev.mlops.registry;

import dev.mlops.api.AccessDeniedException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.AuditFields;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.Lineage;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.TrackingStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every part of the registry shares: the store, the clock, the principal, the access policy,
 * and the one way a change is made (a store transaction that writes the change, its audit entry
 * and its events together, then hands the events to {@link RegistryEvents}).
 */
final class RegistryCore {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  /** The artifact namespace holding registered model bytes, addressed by digest. */
  static final String BLOB_NAMESPACE = "registry";
  private static final Pattern ALIAS = Pattern.compile("[\\w\\-]{1,255}");
  private static final Pattern RESERVED_ALIAS = Pattern.compile("(?i)latest|v\\d+");

  final StorageBackend backend;
  final RegistryStore store;
  final Clock clock;
  private final Supplier<String> principal;
  final AccessPolicy access;
  private @Nullable RegistryEvents events;

  RegistryCore(StorageBackend backend, Clock clock, Supplier<String> principal, AccessPolicy access) {
    this.backend = backend;
    this.store = backend.store(RegistryStore.class);
    this.clock = clock;
    this.principal = principal;
    this.access = access;
  }

  void events(RegistryEvents events) {
    this.events = events;
  }

  String actor() {
    String a = principal.get();
    return a == null || a.isBlank() ? "unknown" : a;
  }

  /** A transaction's work plus what it audits and announces. */
  final class Change {
    final RegistryStore.Tx tx;
    final long time = clock.millis();
    final String actor = actor();

    Change(RegistryStore.Tx tx) {
      this.tx = tx;
    }

    /**
     * Writes the audit entry of a mutation, chained to the last one, and the events it announces,
     * each of which must have the mutation's kind as its type: one vocabulary for both.
     */
    void record(Mutation m) {
      String action = m.kind().name();
      AuditEntry prev = tx.lastAudit().orElse(null);
      tx.appendAudit(AuditChain.next(prev, time, actor, action, m.target(), AuditFields.write(m.before()), AuditFields.write(m.after()),
          m.reason()));
      for (RegistryEvent e : m.events().apply(time)) {
        if (!e.type().equals(action)) {
          throw new IllegalStateException("a " + action + " change cannot announce a " + e.type() + " event");
        }
        tx.appendEvent(e);
      }
    }
  }

  /** Runs {@code work} in one transaction; after it commits, the events it wrote take effect in this JVM at once. */
  <T> T change(Function<Change, T> work) {
    T result = store.transaction(tx -> work.apply(new Change(tx)));
    if (events != null) {
      events.afterCommit();
    }
    return result;
  }

  /** Reads a consistent snapshot without the writers' lock. */
  <T> T read(Function<RegistryStore.View, T> work) {
    return store.read(work);
  }

  /** Checks the access policy; a refusal is audited (in its own transaction) and thrown. */
  void check(Action action, String model) {
    String actor = actor();
    if (!access.allows(actor, action, model)) {
      deny(model, action, Map.of(), denial(actor, action, model));
    }
  }

  static String denial(String actor, Action action, String model) {
    return actor + " may not " + action.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " on model '" + model + "'";
  }

  /** Audits a refusal of {@code attempted} (with the details of the call) as a DENIED entry and throws it. */
  AccessDeniedException deny(String target, Action attempted, Map<String, Object> details, String msg) {
    try {
      change(c -> {
        c.record(Mutation.denied(target, attempted, details, msg));
        return null;
      });
    } catch (MlopsException e) {
      LOG.error("could not audit a denial: {}", msg, e);
    }
    throw new AccessDeniedException(msg);
  }

  static String checkName(String name) {
    Validation.name("model name", name, 256);
    for (char c : new char[] {'/', '@', ':', '%'}) {
      if (name.indexOf(c) >= 0) {
        throw InvalidArgumentException.of("model name", name, "must not contain '/', '@', ':' or '%' (they delimit model URIs)");
      }
    }
    return name;
  }

  static String checkAlias(String alias) {
    Validation.notNull("alias", alias);
    if (!ALIAS.matcher(alias).matches()) {
      throw InvalidArgumentException.of("alias", alias, "must be 1 to 255 letters, digits, '_' or '-'");
    }
    if (RESERVED_ALIAS.matcher(alias).matches()) {
      throw InvalidArgumentException.of("alias", alias, "is reserved ('latest' and 'v<number>' name versions in model URIs)");
    }
    return alias;
  }

  static Map<String, String> checkTags(Map<String, String> tags) {
    Validation.notNull("tags", tags);
    tags.forEach((k, v) -> {
      Validation.key("tag key", k);
      Validation.maxLength("tag '" + k + "' value", Validation.notNull("tag value", v), 5000);
    });
    return Map.copyOf(tags);
  }

  static RegisteredModel requireModel(RegistryStore.View view, String name) {
    return view.model(name).orElseThrow(() -> new NotFoundException("registered model '" + name + "' does not exist"));
  }

  static ModelVersion requireVersion(RegistryStore.View view, String name, int version) {
    requireModel(view, name);
    return view.version(name, version).orElseThrow(() -> new NotFoundException("version " + version + " of model '" + name
        + "' does not exist"));
  }

  Optional<TrackingStore> trackingStore() {
    return backend.offers(TrackingStore.class) ? Optional.of(backend.store(TrackingStore.class)) : Optional.empty();
  }

  ArtifactStore artifacts() {
    return backend.store(ArtifactStore.class);
  }

  static Lineage lineageOf(Run run) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, Metric> e : run.latestMetrics().entrySet()) {
      metrics.put(e.getKey(), e.getValue().value());
    }
    List<String> datasets = new ArrayList<>();
    for (DatasetInput d : run.inputs()) {
      datasets.add(d.dataset().name() + "@" + d.dataset().digest() + " (" + d.context() + ")");
    }
    return new Lineage(run.id(), run.info().experimentId(), run.params(), metrics, datasets,
        run.tags().getOrDefault("mlops.source.git.commit", ""));
  }

  /** The source run's latest metrics, read live when a tracking store is present, else the lineage snapshot. */
  Map<String, Double> metricsOf(ModelVersion v) {
    if (!v.lineage().runId().isEmpty()) {
      Optional<Run> run = trackingStore().flatMap(ts -> ts.getRun(v.lineage().runId()));
      if (run.isPresent()) {
        return lineageOf(run.get()).metrics();
      }
    }
    return v.lineage().metrics();
  }
}
