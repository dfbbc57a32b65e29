package dev.mlops.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mlops.api.AccessDeniedException;
import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.EntryPointBuilder;
import dev.mlops.api.ConflictException;
import dev.mlops.api.IntegrityException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
import dev.mlops.api.Validation;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.GateResult;
import dev.mlops.api.registry.Lineage;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.ModelVersionStatus;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.api.search.Accessor;
import dev.mlops.api.search.Evaluator;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.TrackingStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.VariableInfo;

/**
 * The model registry: registered models, versions with lineage and signatures, aliases, promotion
 * requests with approvals and policy gates, access control, a tamper-evident audit trail, model
 * cards, events and integrity-checked loading, over one {@link StorageBackend}.
 *
 * <p>Every mutation runs in one store transaction together with its audit entry and its event, so
 * a failure leaves nothing behind, and several threads or processes sharing a store see version
 * numbers without gaps or duplicates and alias moves as single steps. Thread-safe.
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  /** The artifact namespace holding registered model bytes, addressed by digest. */
  static final String BLOB_NAMESPACE = "registry";
  private static final Pattern ALIAS = Pattern.compile("[\\w\\-]{1,255}");
  private static final Pattern RESERVED_ALIAS = Pattern.compile("(?i)latest|v\\d+");

  private final StorageBackend backend;
  private final boolean ownsBackend;
  private final RegistryStore store;
  private final Clock clock;
  private final Supplier<String> principal;
  private final AccessPolicy access;
  private final Map<String, Integer> protectedAliases;
  private final Map<String, List<Gate>> gates;
  private final ObjectInputFilter javaSerialFilter;
  private final Cache<String, Model<?>> byDigest;
  private final Map<String, Model<?>> byUri = new ConcurrentHashMap<>();
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService poller;
  private volatile long seenSeq;

  private ModelRegistry(Builder b) {
    EntryPointBuilder.Settings settings = b.settings();
    this.backend = settings.backend();
    this.ownsBackend = settings.ownsBackend();
    this.store = backend.store(RegistryStore.class);
    this.clock = settings.clock();
    this.principal = settings.principal();
    this.access = b.access;
    this.protectedAliases = Map.copyOf(b.protectedAliases);
    Map<String, List<Gate>> g = new LinkedHashMap<>();
    b.gates.forEach((k, v) -> g.put(k, List.copyOf(v)));
    this.gates = Map.copyOf(g);
    this.javaSerialFilter = b.javaSerialFilter;
    this.byDigest = Caffeine.newBuilder().maximumSize(b.cacheSize).build();
    long last = 0;
    for (List<RegistryEvent> page = store.events(0, 10_000); !page.isEmpty(); page = store.events(last, 10_000)) {
      last = page.get(page.size() - 1).seq();
    }
    this.seenSeq = last;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mlops-registry-events");
      t.setDaemon(true);
      return t;
    });
    long ms = b.pollInterval.toMillis();
    poller.scheduleWithFixedDelay(this::pollForeignEvents, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** A builder; {@code ModelRegistry.builder().build()} uses {@code file:./mlops}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The backend. */
  public StorageBackend backend() {
    return backend;
  }

  private String actor() {
    String a = principal.get();
    return a == null || a.isBlank() ? "unknown" : a;
  }

  // ------------------------------------------------------------------ transactions, audit, events

  /** A transaction's work plus what it audits and announces. */
  private final class Change {
    final RegistryStore.Tx tx;
    final long time = clock.millis();
    final String actor = actor();

    Change(RegistryStore.Tx tx) {
      this.tx = tx;
    }

    void audit(String action, String target, String before, String after, String reason) {
      AuditEntry prev = tx.lastAudit().orElse(null);
      tx.appendAudit(AuditChain.next(prev, time, actor, action, target, before, after, reason == null ? "" : reason));
    }

    void event(String model, String type, String payload) {
      tx.appendEvent(model, type, payload, time);
    }
  }

  private <T> T change(Function<Change, T> work) {
    T result = store.transaction(tx -> work.apply(new Change(tx)));
    catchUp();
    return result;
  }

  private void check(Action action, String model) {
    String actor = actor();
    if (!access.allows(actor, action, model)) {
      String msg = actor + " may not " + action.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " on model '" + model + "'";
      try {
        change(c -> {
          c.audit("DENIED", model, "", action.name(), msg);
          return null;
        });
      } catch (MlopsException e) {
        LOG.error("could not audit a denial: {}", msg, e);
      }
      throw new AccessDeniedException(msg);
    }
  }

  /**
   * Delivers every stored event after the last one delivered, in sequence order. The one path for
   * this process's own changes (right after they commit) and other processes' (from the poller),
   * so listeners see each event once and in order.
   */
  private synchronized void catchUp() {
    while (true) {
      List<RegistryEvent> events = store.events(seenSeq, 1000);
      if (events.isEmpty()) {
        return;
      }
      deliver(events);
    }
  }

  private void deliver(List<RegistryEvent> events) {
    for (RegistryEvent e : events) {
      invalidate(e.model());
      seenSeq = Math.max(seenSeq, e.seq());
      for (RegistryListener l : listeners) {
        try {
          l.onEvent(e);
        } catch (Exception ex) {
          LOG.warn("registry listener failed on event {}", e, ex);
        }
      }
    }
  }

  private void pollForeignEvents() {
    try {
      catchUp();
    } catch (RuntimeException e) {
      LOG.warn("polling registry events failed: {}", e.getMessage());
    }
  }

  private void invalidate(String model) {
    byUri.keySet().removeIf(k -> k.startsWith("models:/" + model + "/") || k.startsWith("models:/" + model + "@"));
  }

  /**
   * Adds a listener for events of this registry and, within the poll interval, of other processes
   * sharing the store. In order per model; not durable (see {@link #subscribe}).
   */
  public void addListener(RegistryListener listener) {
    listeners.add(Validation.notNull("listener", listener));
  }

  /** Removes a listener. */
  public void removeListener(RegistryListener listener) {
    listeners.remove(listener);
  }

  /**
   * A durable subscription: every event in the store after the consumer's stored cursor is
   * delivered, in order, at least once; the cursor advances only past events the listener
   * returned from, so delivery resumes where it stopped after a failure or a restart. Polls every
   * {@code interval}. Close the returned handle to stop.
   */
  public AutoCloseable subscribe(String consumer, Duration interval, RegistryListener listener) {
    Validation.name("consumer", consumer, 250);
    Validation.notNull("listener", listener);
    ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mlops-registry-subscription-" + consumer);
      t.setDaemon(true);
      return t;
    });
    exec.scheduleWithFixedDelay(() -> {
      try {
        long cursor = store.cursor(consumer);
        for (RegistryEvent e : store.events(cursor, 1000)) {
          try {
            listener.onEvent(e);
          } catch (Exception ex) {
            LOG.warn("subscriber {} failed on event {}; will retry", consumer, e.seq(), ex);
            return;
          }
          store.saveCursor(consumer, e.seq());
        }
      } catch (RuntimeException e) {
        LOG.warn("subscription {} poll failed: {}", consumer, e.getMessage());
      }
    }, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    return exec::shutdownNow;
  }

  // ------------------------------------------------------------------ models

  static String checkName(String name) {
    Validation.name("model name", name, 256);
    for (char c : new char[] {'/', '@', ':', '%'}) {
      if (name.indexOf(c) >= 0) {
        throw InvalidArgumentException.of("model name", name, "must not contain '/', '@', ':' or '%' (they delimit model URIs)");
      }
    }
    return name;
  }

  /**
   * Creates a registered model.
   *
   * @throws AlreadyExistsException if the name is taken
   */
  public RegisteredModel createModel(String name, String description, Map<String, String> tags) {
    checkName(name);
    Map<String, String> t = checkTags(tags);
    check(Action.CREATE_MODEL, name);
    return change(c -> {
      if (c.tx.model(name).isPresent()) {
        throw new AlreadyExistsException("registered model '" + name + "' already exists");
      }
      RegisteredModel m = new RegisteredModel(name, description == null ? "" : description, c.time, c.time, t, 1);
      c.tx.putModel(m);
      c.audit("MODEL_CREATED", name, "", "description=" + m.description(), "");
      c.event(name, "MODEL_CREATED", "");
      return m;
    });
  }

  private static Map<String, String> checkTags(Map<String, String> tags) {
    Validation.notNull("tags", tags);
    tags.forEach((k, v) -> {
      Validation.key("tag key", k);
      Validation.maxLength("tag '" + k + "' value", Validation.notNull("tag value", v), 5000);
    });
    return Map.copyOf(tags);
  }

  /** A registered model. */
  public Optional<RegisteredModel> getModel(String name) {
    return store.transaction(tx -> tx.model(name));
  }

  private static RegisteredModel requireModel(RegistryStore.Tx tx, String name) {
    return tx.model(name).orElseThrow(() -> new NotFoundException("registered model '" + name + "' does not exist"));
  }

  /**
   * Models matching a filter over {@code name} and {@code tags.KEY} (the run filter language:
   * {@code name LIKE 'fraud%' AND tags.team = 'risk'}), by name.
   */
  public List<RegisteredModel> searchModels(String filter) {
    Expr expr = FilterParser.parse(filter, FilterParser.Vocabulary.MODELS);
    return store.transaction(RegistryStore.Tx::models).stream().filter(m -> Evaluator.test(expr, modelAccessor(m))).toList();
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
    Map<String, String> t = checkTags(Map.of(key, value));
    check(Action.TAG, name);
    change(c -> {
      RegisteredModel m = requireModel(c.tx, name);
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
    check(Action.UPDATE_MODEL, name);
    change(c -> {
      RegisteredModel m = requireModel(c.tx, name);
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
    checkName(newName);
    check(Action.UPDATE_MODEL, name);
    check(Action.CREATE_MODEL, newName);
    change(c -> {
      RegisteredModel m = requireModel(c.tx, name);
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
      c.event(name, "MODEL_RENAMED", "new_name=" + newName);
      c.event(newName, "MODEL_RENAMED", "old_name=" + name);
      return null;
    });
  }

  /** Deletes a model with its versions and aliases (the audit trail keeps its history). */
  public void deleteModel(String name) {
    check(Action.DELETE, name);
    change(c -> {
      requireModel(c.tx, name);
      int versions = c.tx.versions(name).size();
      c.tx.deleteModel(name);
      c.audit("MODEL_DELETED", name, "versions=" + versions, "", "");
      c.event(name, "MODEL_DELETED", "");
      return null;
    });
  }

  // ------------------------------------------------------------------ versions

  /**
   * Registers a new version. The bytes are read, hashed (SHA-256) and stored first; then, in one
   * transaction, the version takes the next number, the model is created if absent, and the audit
   * entry and event are written. A Tribuo protobuf that does not parse is registered with status
   * FAILED_REGISTRATION.
   *
   * @throws NotFoundException if the source run or artifact does not exist (nothing is written)
   */
  public ModelVersion register(Registration r) {
    r.check();
    checkName(r.model);
    check(Action.REGISTER_VERSION, r.model);
    Lineage lineage = Lineage.NONE;
    Optional<TrackingStore> tracking = trackingStore();
    if (!r.runId.isEmpty()) {
      TrackingStore ts = tracking.orElseThrow(() -> new MlopsException("registering from run '" + r.runId
          + "' needs a tracking store on the classpath (add mlops-tracking)"));
      Run run = ts.getRun(r.runId).orElseThrow(() -> new NotFoundException("run '" + r.runId + "' does not exist"));
      lineage = lineageOf(run);
    }
    byte[] bytes;
    String source;
    String flavor = r.flavor;
    if (r.tribuoModel != null) {
      bytes = protobuf(r.tribuoModel);
      source = "object:" + r.tribuoModel.getClass().getName();
    } else if (r.file != null) {
      try {
        bytes = Files.readAllBytes(r.file);
      } catch (IOException e) {
        throw new NotFoundException("cannot read model file " + r.file + ": " + e.getMessage());
      }
      source = r.file.toAbsolutePath().toUri().toString();
    } else {
      try (InputStream in = artifacts().open(r.runId, r.artifactPath)) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new StorageException("cannot read artifact '" + r.artifactPath + "' of run " + r.runId + ": " + e.getMessage(), e);
      }
      source = "runs:/" + r.runId + "/" + r.artifactPath;
    }
    if (flavor == null) {
      flavor = r.artifactPath != null && r.artifactPath.endsWith(".tribuo") || r.file != null && r.file.toString().endsWith(".tribuo")
          ? ModelVersion.TRIBUO_PROTOBUF : ModelVersion.GENERIC;
    }
    String sha = sha256(bytes);
    Map<String, String> tags = new LinkedHashMap<>(r.tags);
    ModelVersionStatus status = ModelVersionStatus.READY;
    ModelSignature signature = r.signature;
    if (flavor.equals(ModelVersion.TRIBUO_PROTOBUF)) {
      try {
        Model<?> parsed = r.tribuoModel != null ? r.tribuoModel : Model.deserializeFromStream(new ByteArrayInputStream(bytes));
        if (signature == null) {
          signature = signatureOf(parsed, r.inputExample);
        }
      } catch (IOException | RuntimeException e) {
        status = ModelVersionStatus.FAILED_REGISTRATION;
        tags.put("mlops.registration_error", String.valueOf(e.getMessage()).substring(0, Math.min(4000, String.valueOf(e.getMessage()).length())));
      }
    }
    if (signature == null) {
      signature = new ModelSignature(List.of(), List.of(), r.inputExample);
    }
    artifacts().put(BLOB_NAMESPACE, "blobs/" + sha, new ByteArrayInputStream(bytes));
    ModelCard card = prefill(r.card, lineage);
    final Lineage lin = lineage;
    final String fl = flavor;
    final ModelVersionStatus st = status;
    final ModelSignature sig = signature;
    return change(c -> {
      RegisteredModel m = c.tx.model(r.model).orElse(null);
      if (m == null) {
        if (!access.allows(c.actor, Action.CREATE_MODEL, r.model)) {
          throw new AccessDeniedException(c.actor + " may not create model '" + r.model + "'");
        }
        m = new RegisteredModel(r.model, "", c.time, c.time, Map.of(), 1);
        c.audit("MODEL_CREATED", r.model, "", "", "created by the first registration");
        c.event(r.model, "MODEL_CREATED", "");
      }
      int number = m.nextVersion();
      c.tx.putModel(new RegisteredModel(m.name(), m.description(), m.creationTime(), c.time, m.tags(), number + 1));
      ModelVersion v = new ModelVersion(r.model, number, st, fl, source, sha, bytes.length, r.description, tags, sig, lin, card, c.actor,
          c.time, c.time);
      c.tx.putVersion(v);
      c.audit("VERSION_REGISTERED", r.model + "/" + number, "", "sha256=" + sha + ";source=" + source + ";status=" + st, "");
      c.event(r.model, "VERSION_REGISTERED", "version=" + number + ";sha256=" + sha);
      return v;
    });
  }

  private Optional<TrackingStore> trackingStore() {
    try {
      return Optional.of(backend.store(TrackingStore.class));
    } catch (MlopsException e) {
      return Optional.empty();
    }
  }

  private ArtifactStore artifacts() {
    return backend.store(ArtifactStore.class);
  }

  private static Lineage lineageOf(Run run) {
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

  private static ModelCard prefill(ModelCard card, Lineage lineage) {
    List<String> training = lineage.datasets().stream().filter(d -> d.endsWith("(" + DatasetInput.TRAINING + ")")).toList();
    return new ModelCard(card.intendedUse(), card.limitations(), card.trainingData().isEmpty() ? training : card.trainingData(),
        card.evaluationMetrics().isEmpty() ? lineage.metrics() : card.evaluationMetrics(), card.fairnessAnalysis(),
        card.ethicalConsiderations(), card.owners());
  }

  static ModelSignature signatureOf(Model<?> model, String example) {
    List<FeatureSpec> inputs = new ArrayList<>();
    for (VariableInfo info : model.getFeatureIDMap()) {
      String type = info.getClass().getSimpleName().startsWith("Categorical") ? "categorical" : "double";
      inputs.add(new FeatureSpec(info.getName(), type));
    }
    List<String> outputs = new ArrayList<>();
    for (Object o : model.getOutputIDInfo().getDomain()) {
      outputs.add(((Output<?>) o).getSerializableForm(false));
    }
    java.util.Collections.sort(outputs);
    return new ModelSignature(inputs, outputs, example);
  }

  private static byte[] protobuf(Model<?> model) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      model.serializeToStream(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A version. @throws NotFoundException if the model or version does not exist */
  public ModelVersion getVersion(String name, int version) {
    return store.transaction(tx -> requireVersion(tx, name, version));
  }

  private static ModelVersion requireVersion(RegistryStore.Tx tx, String name, int version) {
    requireModel(tx, name);
    return tx.version(name, version).orElseThrow(() -> new NotFoundException("version " + version + " of model '" + name
        + "' does not exist"));
  }

  /** All versions of a model, by number. */
  public List<ModelVersion> versions(String name) {
    return store.transaction(tx -> {
      requireModel(tx, name);
      return tx.versions(name);
    });
  }

  /** Sets a version tag. */
  public void setVersionTag(String name, int version, String key, String value) {
    Map<String, String> t = checkTags(Map.of(key, value));
    check(Action.TAG, name);
    change(c -> {
      ModelVersion v = requireVersion(c.tx, name, version);
      Map<String, String> tags = new LinkedHashMap<>(v.tags());
      String before = tags.put(key, t.get(key));
      c.tx.putVersion(v.with(v.description(), tags, v.card(), c.time));
      c.audit("VERSION_TAG_SET", name + "/" + version, before == null ? "" : key + "=" + before, key + "=" + value, "");
      c.event(name, "VERSION_TAG_SET", "version=" + version + ";key=" + key);
      return null;
    });
  }

  /** Replaces a version's model card. */
  public void updateCard(String name, int version, ModelCard card) {
    Validation.notNull("card", card);
    check(Action.UPDATE_MODEL, name);
    change(c -> {
      ModelVersion v = requireVersion(c.tx, name, version);
      c.tx.putVersion(v.with(v.description(), v.tags(), card, c.time));
      c.audit("CARD_UPDATED", name + "/" + version, "", "", "");
      return null;
    });
  }

  /** A version's model card, with lineage filling empty training-data and metric sections. */
  public ModelCard card(String name, int version) {
    ModelVersion v = getVersion(name, version);
    return prefill(v.card(), v.lineage());
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
    check(Action.DELETE, name);
    change(c -> {
      requireVersion(c.tx, name, version);
      for (Map.Entry<String, Integer> a : c.tx.aliases(name).entrySet()) {
        if (a.getValue() == version) {
          c.tx.deleteAlias(name, a.getKey());
          c.audit("ALIAS_DELETED", name + "@" + a.getKey(), "version=" + version, "", "version deleted");
          c.event(name, "ALIAS_DELETED", "alias=" + a.getKey() + ";version=" + version);
        }
      }
      c.tx.deleteVersion(name, version);
      c.audit("VERSION_DELETED", name + "/" + version, "version=" + version, "", "");
      c.event(name, "VERSION_DELETED", "version=" + version);
      return null;
    });
  }

  /**
   * Resolves {@code models:/NAME@ALIAS}, {@code models:/NAME/VERSION} or {@code models:/NAME/latest}.
   *
   * @throws InvalidArgumentException for a malformed URI
   * @throws NotFoundException if the model, alias or version does not exist
   */
  public ModelVersion resolve(String uri) {
    ModelUri u = ModelUri.parse(uri);
    return store.transaction(tx -> {
      requireModel(tx, u.name());
      if (u.alias() != null) {
        Integer v = tx.aliases(u.name()).get(u.alias());
        if (v == null) {
          throw new NotFoundException("alias '" + u.alias() + "' of model '" + u.name() + "' does not exist");
        }
        return requireVersion(tx, u.name(), v);
      }
      if (u.version() < 0) {
        List<ModelVersion> all = tx.versions(u.name());
        if (all.isEmpty()) {
          throw new NotFoundException("model '" + u.name() + "' has no versions");
        }
        return all.get(all.size() - 1);
      }
      return requireVersion(tx, u.name(), u.version());
    });
  }

  // ------------------------------------------------------------------ aliases

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

  /** The aliases of a model: alias to version. */
  public Map<String, Integer> aliases(String name) {
    return store.transaction(tx -> {
      requireModel(tx, name);
      return tx.aliases(name);
    });
  }

  /**
   * Points an alias at a version, atomically (readers see the old or the new target).
   *
   * @throws AccessDeniedException if the alias is protected (it moves only through an approved
   *     promotion request, or {@link #overrideProtectedAlias}); the refusal is audited
   */
  public void setAlias(String name, String alias, int version) {
    checkAlias(alias);
    if (protectedAliases.containsKey(alias)) {
      String msg = "alias '" + alias + "' is protected: request a promotion (requestPromotion) to move it";
      change(c -> {
        c.audit("DENIED", name + "@" + alias, "", "MOVE_ALIAS version=" + version, msg);
        return null;
      });
      throw new AccessDeniedException(msg);
    }
    check(Action.MOVE_ALIAS, name);
    change(c -> {
      moveAlias(c, name, alias, version, "");
      return null;
    });
  }

  /**
   * Moves a protected alias without a promotion request, for emergencies (a rollback). Needs
   * {@link Action#MOVE_PROTECTED_ALIAS}; the reason is mandatory and audited.
   */
  public void overrideProtectedAlias(String name, String alias, int version, String reason) {
    checkAlias(alias);
    Validation.name("reason", reason, 5000);
    check(Action.MOVE_PROTECTED_ALIAS, name);
    change(c -> {
      moveAlias(c, name, alias, version, "override: " + reason);
      return null;
    });
  }

  private void moveAlias(Change c, String name, String alias, int version, String reason) {
    requireVersion(c.tx, name, version);
    Integer before = c.tx.aliases(name).get(alias);
    c.tx.putAlias(name, alias, version);
    c.audit("ALIAS_MOVED", name + "@" + alias, before == null ? "" : "version=" + before, "version=" + version, reason);
    c.event(name, "ALIAS_MOVED", "alias=" + alias + ";version=" + version + (before == null ? "" : ";previous=" + before));
  }

  /** Deletes an alias. */
  public void deleteAlias(String name, String alias) {
    checkAlias(alias);
    check(protectedAliases.containsKey(alias) ? Action.MOVE_PROTECTED_ALIAS : Action.MOVE_ALIAS, name);
    change(c -> {
      requireModel(c.tx, name);
      Integer before = c.tx.aliases(name).get(alias);
      if (before == null) {
        throw new NotFoundException("alias '" + alias + "' of model '" + name + "' does not exist");
      }
      c.tx.deleteAlias(name, alias);
      c.audit("ALIAS_DELETED", name + "@" + alias, "version=" + before, "", "");
      c.event(name, "ALIAS_DELETED", "alias=" + alias + ";version=" + before);
      return null;
    });
  }

  // ------------------------------------------------------------------ governance

  /** Whether an alias needs a promotion request, and how many approvals. */
  public Optional<Integer> requiredApprovals(String alias) {
    return Optional.ofNullable(protectedAliases.get(alias));
  }

  private List<GateResult> evaluateGates(RegistryStore.Tx tx, String name, String alias, ModelVersion candidate, String phase, long time) {
    List<GateResult> out = new ArrayList<>();
    Integer holderVersion = tx.aliases(name).get(alias);
    Optional<ModelVersion> holder = holderVersion == null ? Optional.empty() : tx.version(name, holderVersion);
    Gate.Context ctx = new Gate.Context(candidate, holder, metricsOf(candidate), holder.map(this::metricsOf).orElse(Map.of()));
    for (Gate g : gates.getOrDefault(alias, List.of())) {
      Gate.Outcome o;
      try {
        o = g.evaluate(ctx);
      } catch (RuntimeException e) {
        o = new Gate.Outcome(false, "gate failed: " + e);
      }
      out.add(new GateResult(g.describe(), o.passed(), o.detail(), phase, time));
    }
    return out;
  }

  /** The source run's latest metrics, read live when a tracking store is present, else the lineage snapshot. */
  private Map<String, Double> metricsOf(ModelVersion v) {
    if (!v.lineage().runId().isEmpty()) {
      Optional<Run> run = trackingStore().flatMap(ts -> ts.getRun(v.lineage().runId()));
      if (run.isPresent()) {
        return lineageOf(run.get()).metrics();
      }
    }
    return v.lineage().metrics();
  }

  /**
   * Asks for a protected alias to point at a version. The gates run now; if any fails the request
   * is recorded REJECTED with the results. Otherwise it stays OPEN for approvers.
   */
  public PromotionRequest requestPromotion(String name, String alias, int version, String reason) {
    checkAlias(alias);
    if (!protectedAliases.containsKey(alias)) {
      throw InvalidArgumentException.of("alias", alias, "is not protected; move it with setAlias");
    }
    check(Action.REQUEST_PROMOTION, name);
    return change(c -> {
      ModelVersion v = requireVersion(c.tx, name, version);
      if (v.status() != ModelVersionStatus.READY) {
        throw new ConflictException("version " + version + " of '" + name + "' is " + v.status() + " and cannot be promoted");
      }
      List<GateResult> results = evaluateGates(c.tx, name, alias, v, "request", c.time);
      boolean passed = results.stream().allMatch(GateResult::passed);
      PromotionRequest r = new PromotionRequest(UUID.randomUUID().toString(), name, alias, version, c.actor, reason == null ? "" : reason,
          passed ? PromotionRequest.Status.OPEN : PromotionRequest.Status.REJECTED, List.of(), results, c.time, passed ? -1 : c.time);
      c.tx.putRequest(r);
      c.audit("REQUEST_OPENED", name + "@" + alias, "", "request=" + r.id() + ";version=" + version + ";gates=" + summary(results), reason);
      c.event(name, "REQUEST_OPENED", "request=" + r.id() + ";alias=" + alias + ";version=" + version);
      if (!passed) {
        c.audit("REQUEST_REJECTED", name + "@" + alias, "request=" + r.id(), "gates failed: " + summary(results), "policy gates");
        c.event(name, "REQUEST_REJECTED", "request=" + r.id() + ";alias=" + alias + ";version=" + version);
      }
      return r;
    });
  }

  private static String summary(List<GateResult> results) {
    StringBuilder sb = new StringBuilder();
    for (GateResult g : results) {
      sb.append(sb.length() == 0 ? "" : ", ").append(g.passed() ? "PASS " : "FAIL ").append(g.gate()).append(" (").append(g.detail()).append(')');
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }

  /**
   * Approves an open request. The requester cannot approve their own request. When the approvals
   * reach the alias's requirement the gates run again; if they pass, the alias moves in the same
   * transaction and the request is APPROVED, otherwise it is REJECTED.
   *
   * @throws AccessDeniedException for self-approval or an actor without the approve right (audited)
   * @throws ConflictException if the request is not open
   */
  public PromotionRequest approve(String requestId, String comment) {
    return decide(requestId, true, comment);
  }

  /** Rejects an open request. */
  public PromotionRequest reject(String requestId, String comment) {
    return decide(requestId, false, comment);
  }

  private PromotionRequest decide(String requestId, boolean approve, String comment) {
    Validation.notNull("request id", requestId);
    PromotionRequest current = request(requestId).orElseThrow(() -> new NotFoundException("promotion request '" + requestId + "' does not exist"));
    check(Action.APPROVE, current.model());
    String actor = actor();
    if (current.requester().equals(actor)) {
      String msg = actor + " requested promotion " + requestId + " and cannot decide it";
      change(c -> {
        c.audit("DENIED", current.model() + "@" + current.alias(), "", "APPROVE", msg);
        return null;
      });
      throw new AccessDeniedException(msg);
    }
    return change(c -> {
      PromotionRequest r = c.tx.request(requestId).orElseThrow();
      if (r.status() != PromotionRequest.Status.OPEN) {
        throw new ConflictException("promotion request " + requestId + " is " + r.status() + ", not OPEN");
      }
      if (r.decisions().stream().anyMatch(d -> d.actor().equals(c.actor))) {
        throw new ConflictException(c.actor + " has already decided promotion request " + requestId);
      }
      List<PromotionRequest.Decision> decisions = new ArrayList<>(r.decisions());
      decisions.add(new PromotionRequest.Decision(c.actor, approve, comment == null ? "" : comment, c.time));
      String target = r.model() + "@" + r.alias();
      if (!approve) {
        PromotionRequest done = new PromotionRequest(r.id(), r.model(), r.alias(), r.version(), r.requester(), r.reason(),
            PromotionRequest.Status.REJECTED, decisions, r.gates(), r.createdAt(), c.time);
        c.tx.putRequest(done);
        c.audit("REQUEST_REJECTED", target, "request=" + r.id(), "rejected by " + c.actor, comment);
        c.event(r.model(), "REQUEST_REJECTED", "request=" + r.id() + ";alias=" + r.alias() + ";version=" + r.version());
        return done;
      }
      c.audit("REQUEST_APPROVAL", target, "request=" + r.id(), "approvals=" + (r.approvals() + 1), comment);
      int needed = protectedAliases.getOrDefault(r.alias(), 1);
      if (r.approvals() + 1 < needed) {
        PromotionRequest pending = new PromotionRequest(r.id(), r.model(), r.alias(), r.version(), r.requester(), r.reason(),
            PromotionRequest.Status.OPEN, decisions, r.gates(), r.createdAt(), -1);
        c.tx.putRequest(pending);
        return pending;
      }
      ModelVersion v = requireVersion(c.tx, r.model(), r.version());
      List<GateResult> results = evaluateGates(c.tx, r.model(), r.alias(), v, "approval", c.time);
      List<GateResult> all = new ArrayList<>(r.gates());
      all.addAll(results);
      boolean passed = results.stream().allMatch(GateResult::passed);
      PromotionRequest done = new PromotionRequest(r.id(), r.model(), r.alias(), r.version(), r.requester(), r.reason(),
          passed ? PromotionRequest.Status.APPROVED : PromotionRequest.Status.REJECTED, decisions, all, r.createdAt(), c.time);
      c.tx.putRequest(done);
      if (passed) {
        c.audit("REQUEST_APPROVED", target, "request=" + r.id(), "gates=" + summary(results), comment);
        c.event(r.model(), "REQUEST_APPROVED", "request=" + r.id() + ";alias=" + r.alias() + ";version=" + r.version());
        moveAlias(c, r.model(), r.alias(), r.version(), "promotion request " + r.id());
      } else {
        c.audit("REQUEST_REJECTED", target, "request=" + r.id(), "gates failed at approval: " + summary(results), "policy gates");
        c.event(r.model(), "REQUEST_REJECTED", "request=" + r.id() + ";alias=" + r.alias() + ";version=" + r.version());
      }
      return done;
    });
  }

  /** A promotion request. */
  public Optional<PromotionRequest> request(String id) {
    return store.transaction(tx -> tx.request(id));
  }

  /** The promotion requests of a model, oldest first. */
  public List<PromotionRequest> requests(String name) {
    return store.transaction(tx -> tx.requests(name));
  }

  // ------------------------------------------------------------------ audit

  /**
   * Audit entries, oldest first, filtered by model (null for any), actor (null for any) and a time
   * range in epoch ms (inclusive from, exclusive to).
   */
  public List<AuditEntry> audit(String model, String actor, long fromTime, long toTime) {
    List<AuditEntry> out = new ArrayList<>();
    long after = 0;
    while (true) {
      List<AuditEntry> page = store.audit(after, 10_000);
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
   * directly in the store, and names the entry. Pass a head hash recorded earlier (or null) to also
   * detect removal of the newest entries.
   */
  public AuditChain.Verification verifyAudit(String expectedHead) {
    List<AuditEntry> all = new ArrayList<>();
    long after = Long.MIN_VALUE;
    while (true) {
      List<AuditEntry> page = store.audit(after, 10_000);
      if (page.isEmpty()) {
        break;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
    return AuditChain.verify(all, expectedHead);
  }

  // ------------------------------------------------------------------ loading

  /**
   * Loads a Tribuo model by URI, checking its SHA-256 against the registered digest before
   * deserializing. Loaded models are cached by digest (bounded), and resolved URIs in memory until
   * an event changes the model, so a repeated load of {@code models:/NAME@ALIAS} costs a map lookup.
   *
   * @throws IntegrityException if the stored bytes do not match the registered digest (both digests are named)
   * @throws InvalidArgumentException if the version is not a Tribuo model, is Java-serialized without an allow-list filter,
   *     or does not produce {@code outputType}
   */
  @SuppressWarnings("unchecked")
  public <T extends Output<T>> Model<T> load(String uri, Class<T> outputType) {
    Model<?> cached = byUri.get(uri);
    if (cached == null) {
      ModelVersion v = resolve(uri);
      if (v.status() != ModelVersionStatus.READY) {
        throw InvalidArgumentException.of("model", uri, "version " + v.version() + " is " + v.status());
      }
      cached = byDigest.get(v.sha256(), sha -> deserialize(v));
      byUri.put(uri, cached);
    }
    if (!cached.validate(outputType)) {
      throw InvalidArgumentException.of("output type", outputType.getSimpleName(), "model " + uri + " does not produce it");
    }
    return (Model<T>) cached;
  }

  /** The stored bytes of a version, verified against its digest. */
  public byte[] bytes(String name, int version) {
    return verifiedBytes(getVersion(name, version));
  }

  private byte[] verifiedBytes(ModelVersion v) {
    byte[] bytes;
    try (InputStream in = artifacts().open(BLOB_NAMESPACE, "blobs/" + v.sha256())) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("cannot read the bytes of " + v.uri() + ": " + e.getMessage(), e);
    }
    String actual = sha256(bytes);
    if (!actual.equals(v.sha256())) {
      throw new IntegrityException("model " + v.uri() + " is corrupted: registered SHA-256 " + v.sha256() + ", stored bytes have "
          + actual + "; refusing to load");
    }
    return bytes;
  }

  private Model<?> deserialize(ModelVersion v) {
    byte[] bytes = verifiedBytes(v);
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xAC && (bytes[1] & 0xff) == 0xED) {
      if (javaSerialFilter == null) {
        throw InvalidArgumentException.of("model", v.uri(), "holds Java-serialized bytes, which are refused; enable them with "
            + "ModelRegistry.Builder.allowJavaSerialization(filter) and an allow-list filter");
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
        in.setObjectInputFilter(javaSerialFilter);
        Object o = in.readObject();
        if (!(o instanceof Model<?> m)) {
          throw InvalidArgumentException.of("model", v.uri(), "deserialized to " + o.getClass().getName() + ", not a Tribuo model");
        }
        return m;
      } catch (IOException | ClassNotFoundException e) {
        throw InvalidArgumentException.of("model", v.uri(), "Java deserialization refused or failed: " + e.getMessage());
      }
    }
    if (!v.flavor().equals(ModelVersion.TRIBUO_PROTOBUF)) {
      throw InvalidArgumentException.of("model", v.uri(), "has flavor " + v.flavor() + "; load() reads tribuo-protobuf (use bytes())");
    }
    try {
      return Model.deserializeFromStream(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw InvalidArgumentException.of("model", v.uri(), "is not a readable Tribuo protobuf model: " + e.getMessage());
    }
  }

  /** Stops event polling and closes the backend if this registry opened it. */
  @Override
  public void close() {
    poller.shutdownNow();
    if (ownsBackend) {
      backend.close();
    }
  }

  /** Builder of {@link ModelRegistry}; reusable. */
  public static final class Builder extends EntryPointBuilder<Builder> {
    private AccessPolicy access = AccessPolicy.ALLOW_ALL;
    private final Map<String, Integer> protectedAliases = new LinkedHashMap<>();
    private final Map<String, List<Gate>> gates = new LinkedHashMap<>();
    private ObjectInputFilter javaSerialFilter;
    private long cacheSize = 64;
    private Duration pollInterval = Duration.ofSeconds(1);

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }





    /** The access policy (default: allow all). */
    public Builder accessPolicy(AccessPolicy policy) {
      this.access = Validation.notNull("access policy", policy);
      return this;
    }

    /** Makes an alias protected: it moves only through a promotion request with {@code approvals} approvals. */
    public Builder protectAlias(String alias, int approvals) {
      checkAlias(alias);
      protectedAliases.put(alias, Validation.positive("approvals", approvals));
      return this;
    }

    /** Adds a gate that promotions to {@code alias} must pass. */
    public Builder gate(String alias, Gate gate) {
      checkAlias(alias);
      gates.computeIfAbsent(alias, k -> new ArrayList<>()).add(Validation.notNull("gate", gate));
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
      if (interval.isNegative() || interval.isZero()) {
        throw InvalidArgumentException.of("event poll interval", interval, "must be positive");
      }
      this.pollInterval = interval;
      return this;
    }

    /** Builds the registry. */
    public ModelRegistry build() {
      return new ModelRegistry(this);
    }
  }
}
