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
import dev.mlops.api.search.Accessor;
import dev.mlops.api.search.Evaluator;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.FilterParser;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.UncheckedIOException;
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
 */
public final class ModelRegistry implements AutoCloseable {
  /** The artifact namespace holding registered model bytes, addressed by digest. */
  static final String BLOB_NAMESPACE = RegistryCore.BLOB_NAMESPACE;

  private final StorageBackend backend;
  private final boolean ownsBackend;
  private final RegistryCore core;
  private final RegistryEvents events;
  private final Governance governance;
  private final VersionIngestion ingestion;
  private final ModelLoader loader;

  private ModelRegistry(Builder b) {
    Governance.checkGatesProtected(b.gates, b.protectedAliases);
    EntryPointBuilder.Settings settings = b.resolveSettings();
    this.backend = settings.backend();
    this.ownsBackend = settings.ownsBackend();
    this.core = new RegistryCore(backend, settings.clock(), settings.principal(), b.access);
    Map<String, List<Gate>> g = new LinkedHashMap<>();
    b.gates.forEach((k, v) -> g.put(k, List.copyOf(v)));
    this.governance = new Governance(core, Map.copyOf(b.protectedAliases), Map.copyOf(g));
    Map<String, ModelFlavor> flavors = new LinkedHashMap<>();
    flavors.put(TribuoFlavor.INSTANCE.name(), TribuoFlavor.INSTANCE);
    flavors.put(ModelVersion.ONNX, ModelFlavor.opaque(ModelVersion.ONNX));
    flavors.put(ModelVersion.GENERIC, ModelFlavor.opaque(ModelVersion.GENERIC));
    flavors.putAll(b.flavors);
    this.ingestion = new VersionIngestion(core, Map.copyOf(flavors));
    this.loader = new ModelLoader(core, ingestion, b.javaSerialFilter, b.cacheSize);
    this.events = new RegistryEvents(core.store, loader::onEvent, b.eventExecutor, b.pollInterval);
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
   * {@code interval}. Close the returned handle, or the registry, to stop.
   */
  public AutoCloseable subscribe(String consumer, Duration interval, RegistryListener listener) {
    Validation.name("consumer", consumer, 250);
    Validation.notNull("listener", listener);
    Validation.notNull("interval", interval);
    return events.subscribe(consumer, interval, listener);
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
    RegistryCore.checkName(name);
    Map<String, String> t = RegistryCore.checkTags(tags);
    Validation.maxLength("description", Validation.notNull("description", description), 5000);
    core.check(Action.CREATE_MODEL, name);
    return core.change(c -> {
      if (c.tx.model(name).isPresent()) {
        throw new AlreadyExistsException("registered model '" + name + "' already exists");
      }
      RegisteredModel m = new RegisteredModel(name, description, c.time, c.time, t, 1);
      c.tx.putModel(m);
      c.audit("MODEL_CREATED", name, "", "description=" + m.description(), "");
      c.event(new RegistryEvent.ModelCreated(0, name, c.time));
      return m;
    });
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
    Expr expr = FilterParser.parse(filter, FilterParser.Vocabulary.MODELS);
    return core.read(v -> v.models()).stream().filter(m -> Evaluator.test(expr, modelAccessor(m))).toList();
  }

  private static Accessor modelAccessor(RegisteredModel m) {
    return key -> switch (key.kind()) {
      case TAG -> Evaluator.one(m.tags().get(key.name()));
      case ATTRIBUTE -> switch (key.name()) {
        case "name" -> List.of(m.name());
        case "description" -> List.of(m.description());
        case "creation_time" -> List.of((double) m.creationTime());
        case "last_updated_time" -> List.of((double) m.lastUpdatedTime());
        default -> List.of();
      };
      default -> List.of();
    };
  }

  /** Sets a model tag. */
  public void setModelTag(String name, String key, String value) {
    Map<String, String> t = RegistryCore.checkTags(Map.of(key, value));
    core.check(Action.TAG, name);
    core.change(c -> {
      RegisteredModel m = RegistryCore.requireModel(c.tx, name);
      Map<String, String> tags = new LinkedHashMap<>(m.tags());
      String before = tags.put(key, t.get(key));
      c.tx.putModel(m.withTags(tags, c.time));
      c.audit("MODEL_TAG_SET", name, before == null ? "" : key + "=" + before, key + "=" + value, "");
      return null;
    });
  }

  /** Changes a model's description. */
  public void setModelDescription(String name, String description) {
    Validation.maxLength("description", Validation.notNull("description", description), 5000);
    core.check(Action.UPDATE_MODEL, name);
    core.change(c -> {
      RegisteredModel m = RegistryCore.requireModel(c.tx, name);
      c.tx.putModel(new RegisteredModel(name, description, m.creationTime(), c.time, m.tags(), m.nextVersion()));
      c.audit("MODEL_DESCRIBED", name, m.description(), description, "");
      return null;
    });
  }

  /**
   * Renames a model; its versions, aliases and requests move with it.
   *
   * @throws AlreadyExistsException if the new name is taken
   */
  public void renameModel(String name, String newName) {
    RegistryCore.checkName(newName);
    core.check(Action.UPDATE_MODEL, name);
    core.check(Action.CREATE_MODEL, newName);
    core.change(c -> {
      RegisteredModel m = RegistryCore.requireModel(c.tx, name);
      if (c.tx.model(newName).isPresent()) {
        throw new AlreadyExistsException("registered model '" + newName + "' already exists");
      }
      List<ModelVersion> versions = c.tx.versions(name);
      Map<String, Integer> aliases = c.tx.aliases(name);
      List<PromotionRequest> requests = c.tx.requests(name);
      c.tx.deleteModel(name);
      c.tx.putModel(new RegisteredModel(newName, m.description(), m.creationTime(), c.time, m.tags(), m.nextVersion()));
      for (ModelVersion v : versions) {
        c.tx.putVersion(new ModelVersion(newName, v.version(), v.status(), v.flavor(), v.source(), v.sha256(), v.size(), v.description(),
            v.tags(), v.signature(), v.lineage(), v.card(), v.createdBy(), v.creationTime(), c.time));
      }
      aliases.forEach((a, v) -> c.tx.putAlias(newName, a, v));
      for (PromotionRequest r : requests) {
        c.tx.putRequest(new PromotionRequest(r.id(), newName, r.alias(), r.version(), r.requester(), r.reason(), r.status(),
            r.decisions(), r.gates(), r.createdAt(), r.decidedAt()));
      }
      c.audit("MODEL_RENAMED", name, name, newName, "");
      c.event(new RegistryEvent.ModelRenamed(0, name, c.time, name, newName));
      c.event(new RegistryEvent.ModelRenamed(0, newName, c.time, name, newName));
      return null;
    });
  }

  /** Deletes a model with its versions and aliases (the audit trail keeps its history). */
  public void deleteModel(String name) {
    core.check(Action.DELETE, name);
    core.change(c -> {
      RegistryCore.requireModel(c.tx, name);
      int versions = c.tx.versions(name).size();
      c.tx.deleteModel(name);
      c.audit("MODEL_DELETED", name, "versions=" + versions, "", "");
      c.event(new RegistryEvent.ModelDeleted(0, name, c.time));
      return null;
    });
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
    Map<String, String> t = RegistryCore.checkTags(Map.of(key, value));
    core.check(Action.TAG, name);
    core.change(c -> {
      ModelVersion v = RegistryCore.requireVersion(c.tx, name, version);
      Map<String, String> tags = new LinkedHashMap<>(v.tags());
      String before = tags.put(key, t.get(key));
      c.tx.putVersion(v.with(v.description(), tags, v.card(), c.time));
      c.audit("VERSION_TAG_SET", name + "/" + version, before == null ? "" : key + "=" + before, key + "=" + value, "");
      c.event(new RegistryEvent.VersionTagSet(0, name, c.time, version, key));
      return null;
    });
  }

  /** Replaces a version's model card. */
  public void updateCard(String name, int version, ModelCard card) {
    Validation.notNull("card", card);
    core.check(Action.UPDATE_MODEL, name);
    core.change(c -> {
      ModelVersion v = RegistryCore.requireVersion(c.tx, name, version);
      c.tx.putVersion(v.with(v.description(), v.tags(), card, c.time));
      c.audit("CARD_UPDATED", name + "/" + version, "", "", "");
      return null;
    });
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
    core.check(Action.DELETE, name);
    core.change(c -> {
      RegistryCore.requireVersion(c.tx, name, version);
      for (Map.Entry<String, Integer> a : c.tx.aliases(name).entrySet()) {
        if (a.getValue() == version) {
          c.tx.deleteAlias(name, a.getKey());
          c.audit("ALIAS_DELETED", name + "@" + a.getKey(), "version=" + version, "", "version deleted");
          c.event(new RegistryEvent.AliasDeleted(0, name, c.time, a.getKey(), version));
        }
      }
      c.tx.deleteVersion(name, version);
      c.audit("VERSION_DELETED", name + "/" + version, "version=" + version, "", "");
      c.event(new RegistryEvent.VersionDeleted(0, name, c.time, version));
      return null;
    });
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
    RegistryCore.checkAlias(alias);
    if (governance.isProtected(alias)) {
      throw core.deny(name + "@" + alias, "MOVE_ALIAS version=" + version,
          "alias '" + alias + "' is protected: request a promotion (requestPromotion) to move it");
    }
    core.check(Action.MOVE_ALIAS, name);
    core.change(c -> {
      Governance.moveAlias(c, name, alias, version, "");
      return null;
    });
  }

  /**
   * Moves a protected alias without a promotion request, for emergencies (a rollback). Needs
   * {@link Action#MOVE_PROTECTED_ALIAS}; the reason is mandatory and audited.
   */
  public void overrideProtectedAlias(String name, String alias, int version, String reason) {
    RegistryCore.checkAlias(alias);
    Validation.name("reason", reason, 5000);
    core.check(Action.MOVE_PROTECTED_ALIAS, name);
    core.change(c -> {
      Governance.moveAlias(c, name, alias, version, "override: " + reason);
      return null;
    });
  }

  /** Deletes an alias. @throws NotFoundException if it does not exist */
  public void deleteAlias(String name, String alias) {
    RegistryCore.checkAlias(alias);
    core.check(governance.isProtected(alias) ? Action.MOVE_PROTECTED_ALIAS : Action.MOVE_ALIAS, name);
    core.change(c -> {
      RegistryCore.requireModel(c.tx, name);
      Integer before = c.tx.aliases(name).get(alias);
      if (before == null) {
        throw new NotFoundException("alias '" + alias + "' of model '" + name + "' does not exist");
      }
      c.tx.deleteAlias(name, alias);
      c.audit("ALIAS_DELETED", name + "@" + alias, "version=" + before, "", "");
      c.event(new RegistryEvent.AliasDeleted(0, name, c.time, alias, before));
      return null;
    });
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
    List<AuditEntry> out = new ArrayList<>();
    long after = Long.MIN_VALUE;
    while (true) {
      List<AuditEntry> page = core.store.audit(after, 10_000);
      if (page.isEmpty()) {
        return out;
      }
      for (AuditEntry e : page) {
        if ((model == null || e.model().equals(model)) && (actor == null || e.actor().equals(actor)) && e.time() >= fromTime
            && e.time() < toTime) {
          out.add(e);
        }
      }
      after = page.get(page.size() - 1).seq();
    }
  }

  /** Every audit entry, oldest first. */
  public List<AuditEntry> audit() {
    return audit(null, null, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** Writes every audit entry as one JSON object per line. */
  public void exportAudit(Writer out) {
    try {
      for (AuditEntry e : audit()) {
        out.write(AuditJson.line(e));
        out.write('\n');
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /** Stops event polling, delivery and subscriptions, and closes the backend if this registry opened it. */
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
     * Where listeners are called (default: one daemon thread of the registry's own). Events are
     * delivered one at a time and in order whatever the executor; {@code Runnable::run} delivers
     * on the thread that fetched them (the committing thread, for this JVM's changes), for tests.
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
