package dev.mlops.registry;

import dev.mlops.api.AccessDeniedException;
import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.ConflictException;
import dev.mlops.api.EntryPointBuilder;
import dev.mlops.api.IntegrityException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.registry.RegistryEvent;
import java.io.ObjectInputFilter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;

/**
 * The model registry: registered models, versions with lineage and signatures, aliases, promotion
 * requests with approvals and policy gates, access control, a tamper-evident audit trail, model
 * cards, typed events and integrity-checked loading, over one {@link StorageBackend}.
 *
 * <p>Every mutation runs in one store transaction together with its audit entry and its events, so
 * a failure or a refusal leaves nothing behind (a refusal is itself audited), and several threads
 * or processes sharing a store see version numbers without gaps or duplicates and alias moves as
 * single steps. Reads take a consistent snapshot without the writers' lock. Thread-safe.
 *
 * <p>Events ({@link RegistryEvent}) take effect in this JVM when the committing call returns (a
 * {@link #load} after {@link #setAlias} returns sees the new version) and reach listeners on the
 * event executor, in order; changes made by other JVMs arrive within the poll interval.
 *
 * <p>One concept, the registry's facade: the work of each method is done by a package-private part
 * (the catalog of models, versions and aliases; registration; governance; loading; events; the
 * audit trail; and the core every change goes through). Its length is its public API's
 * documentation and its {@link Builder}, which stays nested as {@code ModelRegistry.Builder} for
 * source compatibility.
 */
public final class ModelRegistry implements AutoCloseable {
  /** The artifact namespace holding registered model bytes, addressed by digest. */
  static final String BLOB_NAMESPACE = RegistryCore.BLOB_NAMESPACE;

  private final StorageBackend backend;
  private final boolean ownsBackend;
  private final RegistryCore core;
  private final RegistryEvents events;
  private final Governance governance;
  private final Catalog catalog;
  private final VersionIngestion ingestion;
  private final ModelLoader loader;
  private final AuditTrail auditTrail;

  private ModelRegistry(Builder b) {
    Governance.checkGatesProtected(b.gates, b.protectedAliases);
    EntryPointBuilder.Settings settings = b.resolveSettings();
    this.backend = settings.backend();
    this.ownsBackend = settings.ownsBackend();
    this.core = new RegistryCore(backend, settings.clock(), settings.principal(), b.access);
    Map<String, List<Gate>> g = new LinkedHashMap<>();
    b.gates.forEach((k, v) -> g.put(k, List.copyOf(v)));
    this.governance = new Governance(core, Map.copyOf(b.protectedAliases), Map.copyOf(g));
    this.catalog = new Catalog(core, governance);
    this.auditTrail = new AuditTrail(core.store);
    Map<String, ModelFlavor> flavors = new LinkedHashMap<>();
    flavors.put(TribuoFlavor.INSTANCE.name(), TribuoFlavor.INSTANCE);
    flavors.put(ModelVersion.ONNX, ModelFlavor.opaque(ModelVersion.ONNX));
    flavors.put(ModelVersion.GENERIC, ModelFlavor.opaque(ModelVersion.GENERIC));
    flavors.putAll(b.flavors);
    this.ingestion = new VersionIngestion(core, Map.copyOf(flavors));
    this.loader = new ModelLoader(core, ingestion, b.javaSerialFilter, b.cacheSize);
    this.events = new RegistryEvents(core.store, loader::onEvent, b.eventExecutor, b.manualPolling ? null : b.pollInterval);
    core.events(events);
  }

  /** A builder; {@code ModelRegistry.builder().build()} uses {@code file:./mlops}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The backend. */
  public StorageBackend backend() {
    return backend;
  }

  // ------------------------------------------------------------------ events

  /**
   * Adds a listener for events of this registry and, within the poll interval, of other processes
   * sharing the store: every event after the newest one stored when the registry was built, in
   * order, on the event executor. A listener's exception is logged and delivery goes on. Not
   * durable (see {@link #subscribe}).
   */
  public void addListener(RegistryListener listener) {
    events.addListener(listener);
  }

  /** Removes a listener. */
  public void removeListener(RegistryListener listener) {
    events.removeListener(listener);
  }

  /**
   * A durable subscription: every event in the store after the consumer's stored cursor is
   * delivered, in order, at least once; the cursor advances only past events the listener
   * returned from, so delivery resumes where it stopped after a failure or a restart. Polls every
   * {@code interval} on the registry's thread (with {@link Builder#manualEventPolling()}, at each
   * {@link #pollEvents()} instead). Close the returned handle, or the registry, to stop: once
   * either returns, the listener is not called again.
   */
  public AutoCloseable subscribe(String consumer, Duration interval, RegistryListener listener) {
    Validation.name("consumer", consumer, 250);
    Validation.notNull("listener", listener);
    Validation.notNull("interval", interval);
    return events.subscribe(consumer, interval, listener);
  }

  /**
   * Does now, on the calling thread, what the registry otherwise does every poll interval: fetches
   * the events other processes sharing the store have committed since the last fetch (delivered
   * to listeners on the event executor, as this JVM's own events are), then runs every durable
   * subscription once (its listener called on this thread). With {@link Builder#manualEventPolling()}
   * this is the only way either happens; with {@code eventExecutor(Runnable::run)} as well, every
   * event has reached every listener when this returns.
   *
   * @throws dev.mlops.api.StorageException if the store cannot be read (the next poll reads the same events again)
   * @throws IllegalStateException if the registry is closed
   */
  public void pollEvents() {
    events.pollNow();
  }

  /** The sequence number of the newest event in the store (0 if none): where a consumer starting now begins. */
  public long lastEventSeq() {
    return core.store.lastEventSeq();
  }

  /** Stored events after {@code seq}, in order, at most {@code limit}: the catch-up read of a consumer keeping its own cursor. */
  public List<RegistryEvent> eventsAfter(long seq, int limit) {
    Validation.positive("limit", limit);
    return core.store.events(seq, limit);
  }

  // ------------------------------------------------------------------ models

  /**
   * Creates a registered model.
   *
   * @throws AlreadyExistsException if the name is taken
   * @throws InvalidArgumentException for a bad name or tag (nothing is written)
   * @throws AccessDeniedException if the policy refuses (audited)
   */
  public RegisteredModel createModel(String name, String description, Map<String, String> tags) {
    return catalog.createModel(name, description, tags);
  }

  /** A registered model. */
  public Optional<RegisteredModel> getModel(String name) {
    return core.read(v -> v.model(name));
  }

  /**
   * Models matching a filter over {@code name} and {@code tags.KEY} (the run filter language:
   * {@code name LIKE 'fraud%' AND tags.team = 'risk'}), by name.
   */
  public List<RegisteredModel> searchModels(String filter) {
    return catalog.searchModels(filter);
  }

  /** Sets a model tag. */
  public void setModelTag(String name, String key, String value) {
    catalog.setModelTag(name, key, value);
  }

  /**
   * Deletes a model tag (audited as {@code MODEL_TAG_SET} with an empty after); a key the model
   * does not have changes nothing.
   *
   * @throws NotFoundException if the model does not exist
   * @throws AccessDeniedException if the policy refuses tagging (audited)
   */
  public void deleteModelTag(String name, String key) {
    catalog.deleteModelTag(name, key);
  }

  /** Changes a model's description. */
  public void setModelDescription(String name, String description) {
    catalog.setModelDescription(name, description);
  }

  /**
   * Renames a model; its versions, aliases and requests move with it.
   *
   * @throws AlreadyExistsException if the new name is taken
   */
  public void renameModel(String name, String newName) {
    catalog.renameModel(name, newName);
  }

  /** Deletes a model with its versions and aliases (the audit trail keeps its history). */
  public void deleteModel(String name) {
    catalog.deleteModel(name);
  }

  // ------------------------------------------------------------------ versions

  /**
   * Registers a new version. The bytes are read, hashed (SHA-256) and inspected by their flavor;
   * permissions are checked before anything is written (a refusal is audited); then the bytes are
   * stored and, in one transaction, the version takes the next number, the model is created if
   * absent, and the audit entry and events are written. If the transaction fails or is refused,
   * the bytes it added are removed. Bytes the flavor cannot read are registered with status
   * FAILED_REGISTRATION, unless the flavor refuses them.
   *
   * @throws InvalidArgumentException if the registration is incomplete, or its flavor refuses the
   *     bytes (see {@link ModelFlavor#inspect}); nothing is written
   * @throws NotFoundException if the source run or artifact does not exist (nothing is written)
   * @throws AccessDeniedException if the policy refuses registering, or creating the model it
   *     would create (audited; nothing else is written)
   */
  public ModelVersion register(Registration r) {
    return ingestion.register(r);
  }

  /** A version. @throws NotFoundException if the model or version does not exist */
  public ModelVersion getVersion(String name, int version) {
    return core.read(v -> RegistryCore.requireVersion(v, name, version));
  }

  /** All versions of a model, by number. @throws NotFoundException if the model does not exist */
  public List<ModelVersion> versions(String name) {
    return core.read(v -> {
      RegistryCore.requireModel(v, name);
      return v.versions(name);
    });
  }

  /** Sets a version tag. */
  public void setVersionTag(String name, int version, String key, String value) {
    catalog.setVersionTag(name, version, key, value);
  }

  /**
   * Deletes a version tag (audited as {@code VERSION_TAG_SET} with an empty after, announced as a
   * {@code VERSION_TAG_SET} event); a key the version does not have changes nothing.
   *
   * @throws NotFoundException if the model or version does not exist
   * @throws AccessDeniedException if the policy refuses tagging (audited)
   */
  public void deleteVersionTag(String name, int version, String key) {
    catalog.deleteVersionTag(name, version, key);
  }

  /**
   * Changes a version's description (at most 5,000 characters; audited as {@code MODEL_DESCRIBED}
   * with {@code model/version} as its target).
   *
   * @throws NotFoundException if the model or version does not exist
   * @throws InvalidArgumentException for a longer description (nothing is written)
   * @throws AccessDeniedException if the policy refuses updating the model (audited)
   */
  public void setVersionDescription(String name, int version, String description) {
    catalog.setVersionDescription(name, version, description);
  }

  /** Replaces a version's model card. */
  public void updateCard(String name, int version, ModelCard card) {
    catalog.updateCard(name, version, card);
  }

  /** A version's model card, with lineage filling empty training-data and metric sections. */
  public ModelCard card(String name, int version) {
    ModelVersion v = getVersion(name, version);
    return VersionIngestion.prefill(v.card(), v.lineage());
  }

  /** A version's model card as Markdown. */
  public String cardMarkdown(String name, int version) {
    return ModelCards.markdown(getVersion(name, version), card(name, version));
  }

  /** A version's model card as a self-contained HTML page. */
  public String cardHtml(String name, int version) {
    return ModelCards.html(getVersion(name, version), card(name, version));
  }

  /** Deletes a version and the aliases pointing to it; its number is never reused. */
  public void deleteVersion(String name, int version) {
    catalog.deleteVersion(name, version);
  }

  /**
   * Resolves {@code models:/NAME@ALIAS}, {@code models:/NAME/VERSION} or {@code models:/NAME/latest}
   * on a consistent snapshot.
   *
   * @throws InvalidArgumentException for a malformed URI
   * @throws NotFoundException if the model, alias or version does not exist
   */
  public ModelVersion resolve(String uri) {
    return loader.resolve(uri);
  }

  // ------------------------------------------------------------------ aliases

  /** The aliases of a model: alias to version, by alias. */
  public Map<String, Integer> aliases(String name) {
    return core.read(v -> {
      RegistryCore.requireModel(v, name);
      return v.aliases(name);
    });
  }

  /**
   * Points an alias at a version, atomically (readers see the old or the new target). When this
   * returns, a {@link #load} of the alias in this JVM returns the new version.
   *
   * @throws AccessDeniedException if the alias is protected (it moves only through an approved
   *     promotion request, or {@link #overrideProtectedAlias}); the refusal is audited
   */
  public void setAlias(String name, String alias, int version) {
    catalog.setAlias(name, alias, version);
  }

  /**
   * Moves a protected alias without a promotion request, for emergencies (a rollback). Needs
   * {@link Action#MOVE_PROTECTED_ALIAS}; the reason is mandatory and audited.
   */
  public void overrideProtectedAlias(String name, String alias, int version, String reason) {
    catalog.overrideProtectedAlias(name, alias, version, reason);
  }

  /** Deletes an alias. @throws NotFoundException if it does not exist */
  public void deleteAlias(String name, String alias) {
    catalog.deleteAlias(name, alias);
  }

  // ------------------------------------------------------------------ governance

  /** Whether an alias needs a promotion request, and how many approvals. */
  public Optional<Integer> requiredApprovals(String alias) {
    return governance.requiredApprovals(alias);
  }

  /**
   * Asks for a protected alias to point at a version. The gates run now; if any fails the request
   * is recorded REJECTED with the results (read them from {@link PromotionRequest#gates()}).
   * Otherwise it stays OPEN for approvers.
   *
   * @throws InvalidArgumentException if the alias is not protected
   * @throws ConflictException if the version is not READY
   */
  public PromotionRequest requestPromotion(String name, String alias, int version, @Nullable String reason) {
    return governance.requestPromotion(name, alias, version, reason);
  }

  /**
   * Approves an open request. The requester cannot approve their own request. When the approvals
   * reach the alias's requirement the gates run again; if they pass, the alias moves in the same
   * transaction and the request is APPROVED, otherwise it is REJECTED.
   *
   * @throws AccessDeniedException for self-approval or an actor without the approve right (audited)
   * @throws ConflictException if the request is not open (the message names the gates that failed)
   */
  public PromotionRequest approve(String requestId, @Nullable String comment) {
    return governance.decide(requestId, true, comment);
  }

  /** Rejects an open request. */
  public PromotionRequest reject(String requestId, @Nullable String comment) {
    return governance.decide(requestId, false, comment);
  }

  /** A promotion request. */
  public Optional<PromotionRequest> request(String id) {
    return core.read(v -> v.request(id));
  }

  /** The promotion requests of a model, oldest first. */
  public List<PromotionRequest> requests(String name) {
    return core.read(v -> v.requests(name));
  }

  // ------------------------------------------------------------------ audit

  /**
   * Audit entries, oldest first, filtered by model (null for any), actor (null for any) and a time
   * range in epoch ms (inclusive from, exclusive to).
   */
  public List<AuditEntry> audit(@Nullable String model, @Nullable String actor, long fromTime, long toTime) {
    return auditTrail.entries(model, actor, fromTime, toTime);
  }

  /** Every audit entry, oldest first. */
  public List<AuditEntry> audit() {
    return audit(null, null, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /**
   * Writes every audit entry, oldest first, as one JSON object per line with the fields {@code seq},
   * {@code time}, {@code actor}, {@code action}, {@code target}, {@code before}, {@code after},
   * {@code reason}, {@code prevHash} and {@code hash}, in that order. {@code before} and
   * {@code after} are the stored strings (a JSON object of named fields, or "": see
   * {@link AuditEntry}), exactly what the chain hashes, so the export can be verified with
   * {@link AuditChain#hash} outside the registry.
   */
  public void exportAudit(Writer out) {
    auditTrail.export(out);
  }

  /**
   * Verifies the audit chain as stored: detects any entry edited, deleted, inserted or reordered
   * directly in the store, and names the entry.
   */
  public AuditChain.Verification verifyAudit() {
    return AuditChain.verify(audit(), null);
  }

  /**
   * Verifies the audit chain as {@link #verifyAudit()} and also that it still ends at a head hash
   * recorded earlier, which detects removal of the newest entries.
   */
  public AuditChain.Verification verifyAudit(String expectedHead) {
    return AuditChain.verify(audit(), Validation.notNull("expected head", expectedHead));
  }

  // ------------------------------------------------------------------ loading

  /**
   * Loads a Tribuo model by URI with the version it is, checking its SHA-256 against the
   * registered digest before deserializing. Loaded models are cached by digest (bounded), and
   * resolutions by URI until an event changes the model; a repeated load of
   * {@code models:/NAME@ALIAS} costs a cache lookup, and a load that starts after an alias move
   * returned never gets the previous version.
   *
   * @throws IntegrityException if the stored bytes do not match the registered digest (both digests are named)
   * @throws InvalidArgumentException if the version is not a Tribuo model, is Java-serialized without an allow-list filter,
   *     or does not produce {@code outputType}
   */
  public <T extends Output<T>> LoadedModel<T> load(String uri, Class<T> outputType) {
    return loader.load(uri, outputType);
  }

  /**
   * Loads a model of any loadable flavor (see {@link ModelFlavor}) with the version it is; verified as
   * {@link #load}. A flavor that does not cache its objects ({@link ModelFlavor#cachesLoaded()}, for
   * objects holding native resources) gets its bytes read, verified and loaded on every call, and
   * the caller owns, and closes, what it gets.
   */
  public LoadedObject loadObject(String uri) {
    return loader.loadObject(uri);
  }

  /** The stored bytes of a version, verified against its digest. */
  public byte[] bytes(String name, int version) {
    return loader.verifiedBytes(getVersion(name, version));
  }

  /**
   * Stops event polling, delivery and subscriptions, and closes the backend if this registry opened
   * it. Events already handed to the event executor are still delivered; when this returns
   * (waiting at most 10 s for a delivery in progress), the registry's own threads call no listener
   * or subscriber again.
   */
  @Override
  public void close() {
    events.close();
    if (ownsBackend) {
      backend.close();
    }
  }

  /** Builder of {@link ModelRegistry}; reusable. */
  public static final class Builder extends EntryPointBuilder<Builder> {
    private AccessPolicy access = AccessPolicy.ALLOW_ALL;
    private final Map<String, Integer> protectedAliases = new LinkedHashMap<>();
    private final Map<String, List<Gate>> gates = new LinkedHashMap<>();
    private final Map<String, ModelFlavor> flavors = new LinkedHashMap<>();
    private @Nullable ObjectInputFilter javaSerialFilter;
    private long cacheSize = 64;
    private Duration pollInterval = Duration.ofSeconds(1);
    private boolean manualPolling;
    private @Nullable Executor eventExecutor;

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    Settings resolveSettings() {
      return settings();
    }

    /** The access policy (default: allow all). */
    public Builder accessPolicy(AccessPolicy policy) {
      this.access = Validation.notNull("access policy", policy);
      return this;
    }

    /** Makes an alias protected: it moves only through a promotion request with {@code approvals} approvals. */
    public Builder protectAlias(String alias, int approvals) {
      RegistryCore.checkAlias(alias);
      protectedAliases.put(alias, Validation.positive("approvals", approvals));
      return this;
    }

    /**
     * Adds a gate that promotions to {@code alias} must pass. The alias must also be protected
     * ({@link #protectAlias}); {@link #build()} refuses gates on an unprotected alias, which would
     * never be evaluated.
     */
    public Builder gate(String alias, Gate gate) {
      RegistryCore.checkAlias(alias);
      gates.computeIfAbsent(alias, k -> new ArrayList<>()).add(Validation.notNull("gate", gate));
      return this;
    }

    /** Adds a model flavor (or replaces a built-in one of the same name). */
    public Builder flavor(ModelFlavor flavor) {
      Validation.notNull("flavor", flavor);
      Validation.name("flavor name", flavor.name(), 64);
      flavors.put(flavor.name(), flavor);
      return this;
    }

    /** Allows Java-serialized models, deserialized only through this allow-list filter. Off by default. */
    public Builder allowJavaSerialization(ObjectInputFilter filter) {
      this.javaSerialFilter = Validation.notNull("filter", filter);
      return this;
    }

    /** How many loaded models the digest cache keeps (default 64). */
    public Builder modelCacheSize(long size) {
      if (size < 1) {
        throw InvalidArgumentException.of("model cache size", size, "must be positive");
      }
      this.cacheSize = size;
      return this;
    }

    /** How often events of other processes sharing the store are picked up (default 1 s). */
    public Builder eventPollInterval(Duration interval) {
      Validation.notNull("event poll interval", interval);
      if (interval.isNegative() || interval.isZero()) {
        throw InvalidArgumentException.of("event poll interval", interval, "must be positive");
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * No polling in the background: events committed by other processes, and durable
     * subscriptions, are picked up only when {@link ModelRegistry#pollEvents()} is called, on the
     * calling thread (this JVM's own changes still reach listeners at once). For an application
     * that drives polling from a loop of its own, and for tests that must not depend on timing.
     */
    public Builder manualEventPolling() {
      this.manualPolling = true;
      return this;
    }

    /**
     * Where listeners are called (default: one daemon thread of the registry's own). Events are
     * delivered one at a time and in order whatever the executor; {@code Runnable::run} delivers
     * on the thread that fetched them (the committing thread, for this JVM's changes), for tests.
     * An executor that refuses a delivery (shut down, or full) never makes the committing thread
     * call listeners and loses no event: the refusal is logged and the events wait for the next
     * change, whose delivery asks the executor again.
     */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = Validation.notNull("event executor", executor);
      return this;
    }

    /**
     * Builds the registry.
     *
     * @throws InvalidArgumentException if a gate is configured for an alias that is not protected
     */
    public ModelRegistry build() {
      return new ModelRegistry(this);
    }
  }
}
