package dev.mlops.mlflow;

import dev.mlops.api.EntryPointBuilder;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Moves an existing MLflow store into this library's store: experiments (names, tags, lifecycle),
 * runs with their ids, names, status, times, params, tags, every metric point (steps, timestamps,
 * NaN and infinities as MLflow returns them), dataset inputs and artifacts, then registered models,
 * versions, their tags, aliases and stages.
 *
 * <pre>{@code
 * MlflowImporter.Report report = MlflowImporter.builder()
 *     .from("sqlite:/home/me/mlflow.db")       // or file:/home/me/mlruns, postgresql://user:pw@host/db
 *     .storage("file:./mlops")
 *     .build()
 *     .run();
 * System.out.println(report.summary());
 * }</pre>
 *
 * <p><b>What maps to what.</b> An experiment keeps its MLflow id unless the target store already
 * uses that id for another name (then it gets a new id); MLflow's {@code Default} ("0") becomes the
 * library's default experiment. Runs keep their ids. The tag {@value #EXPERIMENT_TAG} on an
 * experiment holds its MLflow id, and {@value #RUN_TAG} marks a run imported whole: they are the
 * mapping a re-import reads (an experiment is the same when its MLflow id and its name are; a
 * second MLflow store's experiment of the same id and another name gets an id of its own). A run's artifacts are copied when their directory is reachable from
 * here (a file store's {@code RUN/artifacts/}, or a local {@code artifact_uri} of a database store),
 * and the run's artifact URI becomes the server's {@code mlflow-artifacts:} URI; otherwise the run
 * keeps MLflow's artifact URI as a reference and the report says so. MLflow's {@code SCHEDULED}
 * status, which this library has not, becomes {@code RUNNING}. A registered model keeps its name;
 * a version is registered from its run's imported artifact (the model directory's model file, as
 * the server registers one) and carries the tag {@value #VERSION_TAG} with its MLflow number; a
 * version whose bytes are not among the imported artifacts (MLflow 3's {@code models:/m-...}
 * logged models, artifacts on a remote store) is not imported, and the report says why. Aliases
 * move as they are; the stages {@code Staging} and {@code Production} become the aliases the server
 * maps them onto ({@code staging} and {@code production}); {@code Archived} and {@code None} have none.
 *
 * <p><b>Idempotent and resumable.</b> Each store call is atomic; a run is marked imported only after
 * everything of it is written, and a re-run completes a run it finds unmarked: its params and tags
 * are set again (the same values change nothing), only the metric points beyond those already
 * there are appended, inputs are logged again (a no-op for the same dataset), artifacts are written
 * again. Running the import twice changes nothing the second time. An item the target refuses (a
 * name over the library's limits, an experiment name the target already uses for an experiment not
 * imported from MLflow, a run id taken by a run of another experiment) is left out with a
 * message naming the item, the value and the rule; nothing of it is written.
 *
 * <p>{@link Builder#dryRun(boolean)} reads the source and reports what would be imported, writing
 * nothing. Not thread-safe: one import at a time per target store.
 */
public final class MlflowImporter {
  /** Experiment tag: the experiment's id in the MLflow store it was imported from. */
  public static final String EXPERIMENT_TAG = "mlops.mlflow.experiment_id";
  /** Run tag: the run was imported whole (its value is the MLflow store it came from). */
  public static final String RUN_TAG = "mlops.mlflow.imported";
  /** Model version tag: the version's number in the MLflow store it was imported from. */
  public static final String VERSION_TAG = "mlops.mlflow.version";
  /** Registered model tag: the model was created by an import. */
  public static final String MODEL_TAG = "mlops.mlflow.imported";

  private final String from;
  private final @Nullable Path artifactRoot;
  private final boolean dryRun;
  private final EntryPointBuilder.Settings settings;
  private final Consumer<String> progress;
  private final Consumer<ModelRegistry.Builder> configureRegistry;

  private MlflowImporter(Builder b) {
    this.from = b.from;
    this.artifactRoot = b.artifactRoot;
    this.dryRun = b.dryRun;
    this.progress = b.progress;
    this.configureRegistry = b.registry;
    this.settings = b.resolve();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the source and writes what is not in the target yet.
   *
   * @return what was imported, what was already there and what was left out, with the reasons
   * @throws InvalidArgumentException if the source URI names no MLflow store
   * @throws dev.mlops.api.StorageException if the source or the target cannot be read or written;
   *     what was written before stays consistent and a re-run completes it
   */
  public Report run() {
    StorageBackend backend = settings.backend();
    if (dryRun && backend.scheme().equals("file") && !java.nio.file.Files.exists(java.nio.file.Path.of(backend.location(), "mlops.db"))) {
      // a dry run into a store that does not exist yet counts against an empty one and creates nothing
      if (settings.ownsBackend()) {
        backend.close();
      }
      backend = StorageBackend.open("mem:mlflow-dry-run-" + java.util.UUID.randomUUID());
    }
    boolean owns = settings.ownsBackend() || backend != settings.backend();
    try (MlflowSource source = MlflowSource.open(from, artifactRoot);
         Tracker tracker = Tracker.builder().storage(backend).clock(settings.clock()).principal(settings.principal()).captureSystemTags(false).build();
         ModelRegistry registry = registry(backend)) {
      Tally tally = new Tally(source.describe(), dryRun);
      RunImport runs = new RunImport(tracker, source, tally, dryRun, progress);
      for (Experiment e : source.experiments()) {
        importExperiment(tracker, source, runs, e, tally);
      }
      new ModelImport(registry, new RegistryRoutes(registry, tracker.artifacts(), new LoggedModels(tracker.artifacts()), settings.clock()), tracker.store(), tally, dryRun).importAll(source.models());
      return tally.report();
    } finally {
      if (owns) {
        backend.close();
      }
    }
  }

  private ModelRegistry registry(StorageBackend backend) {
    ModelRegistry.Builder rb = ModelRegistry.builder();
    configureRegistry.accept(rb);
    return rb.storage(backend).clock(settings.clock()).principal(settings.principal()).build();
  }

  private void importExperiment(Tracker tracker, MlflowSource source, RunImport runs, Experiment e, Tally tally) {
    String item = "experiment '" + e.name() + "' (MLflow id " + e.id() + ")";
    List<MlflowSource.SourceRun> sourceRuns = source.runs(e.id());
    Optional<String> refusal = Tally.refusal(() -> {
      Validation.name("experiment name", e.name(), Validation.MAX_EXPERIMENT_NAME_LENGTH);
      e.tags().forEach((k, v) -> {
        Validation.key("experiment tag key", k);
        Validation.maxLength("experiment tag '" + k + "' value", v, Validation.MAX_EXPERIMENT_TAG_VALUE_LENGTH);
      });
    });
    TrackingStore store = tracker.store();
    Experiment target = find(tracker, e).orElse(null);
    if (refusal.isEmpty() && target == null) {
      Optional<Experiment> byName = store.getExperimentByName(e.name());
      if (byName.isPresent()) {
        refusal = Optional.of("the name is taken by experiment " + byName.get().id() + " of the target store, which was not imported from MLflow");
      }
    }
    if (refusal.isPresent()) {
      tally.leftOut(item + ": " + refusal.get() + "; its " + sourceRuns.size() + " runs are left out too");
      return;
    }
    if (target == null) {
      tally.imported("experiments", 1);
      tally.imported("tags", e.tags().size());
      if (!dryRun) {
        Map<String, String> tags = new LinkedHashMap<>(e.tags());
        tags.put(EXPERIMENT_TAG, e.id());
        String id = e.id();
        for (int n = 2; store.getExperiment(id).isPresent(); n++) {
          id = "mlflow-" + e.id() + (n == 2 ? "" : "-" + n);
        }
        target = store.createExperiment(new Experiment(id, e.name(), "runs:/", LifecycleStage.ACTIVE, e.creationTime(), e.lastUpdateTime(), tags));

      }
    } else {
      tally.already("experiments", 1);
      for (Map.Entry<String, String> t : e.tags().entrySet()) {
        if (t.getValue().equals(target.tags().get(t.getKey()))) {
          tally.already("tags", 1);
        } else {
          tally.imported("tags", 1);
          if (!dryRun) {
            store.setExperimentTag(target.id(), t.getKey(), t.getValue(), e.lastUpdateTime());
          }
        }
      }
      if (!target.tags().containsKey(EXPERIMENT_TAG) && !dryRun) {
        store.setExperimentTag(target.id(), EXPERIMENT_TAG, e.id(), target.lastUpdateTime());
      }
    }
    String targetId = target == null ? e.id() : target.id();
    boolean restored = false;
    if (target != null && target.lifecycleStage() == LifecycleStage.DELETED && !dryRun && runs.anyIncomplete(sourceRuns)) {
      store.setExperimentLifecycle(targetId, LifecycleStage.ACTIVE, target.lastUpdateTime());
      restored = true;
    }
    for (MlflowSource.SourceRun r : sourceRuns) {
      runs.importRun(targetId, r);
    }
    if (!dryRun && (restored || target.lifecycleStage() != e.lifecycleStage())) {
      store.setExperimentLifecycle(targetId, e.lifecycleStage(), e.lastUpdateTime());
    }
  }

  /** The experiment imported from {@code e} before (its MLflow id and name), or the target's own default experiment for MLflow's Default. */
  private static Optional<Experiment> find(Tracker tracker, Experiment e) {
    for (Experiment x : tracker.store().listExperiments(ViewType.ALL)) {
      if (e.id().equals(x.tags().get(EXPERIMENT_TAG)) && e.name().equals(x.name())) {
        return Optional.of(x);
      }
    }
    if (e.id().equals(Tracker.DEFAULT_EXPERIMENT_ID)) {
      return tracker.store().getExperiment(e.id()).filter(x -> x.name().equals(e.name()));
    }
    return Optional.empty();
  }

  /**
   * What an import did: per kind ({@code experiments}, {@code runs}, {@code params}, {@code tags},
   * {@code metric points}, {@code dataset inputs}, {@code artifact files}, {@code registered models},
   * {@code model versions}, {@code aliases}), how many were imported (for a dry run: would be) and
   * how many were already there; and each item left out, with the reason.
   */
  public record Report(String source, boolean dryRun, Map<String, Long> imported, Map<String, Long> alreadyThere, List<String> leftOut) {
    /** The canonical constructor: collections are copied and immutable. */
    public Report {
      imported = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(imported));
      alreadyThere = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(alreadyThere));
      leftOut = List.copyOf(leftOut);
    }

    /** How many of a kind were imported (0 for none). */
    public long imported(String kind) {
      return imported.getOrDefault(kind, 0L);
    }

    /** A text for people: one line per kind, then the items left out. */
    public String summary() {
      StringBuilder s = new StringBuilder(dryRun ? "dry run, nothing written; would import from " : "imported from ").append(source).append('\n');
      java.util.Set<String> kinds = new java.util.LinkedHashSet<>(imported.keySet());
      kinds.addAll(alreadyThere.keySet());
      for (String k : kinds) {
        s.append(String.format("  %-17s %8d %s, %d already there%n", k, imported(k), dryRun ? "to import" : "imported", alreadyThere.getOrDefault(k, 0L)));
      }
      if (!leftOut.isEmpty()) {
        s.append("left out (").append(leftOut.size()).append("):\n");
        leftOut.forEach(l -> s.append("  ").append(l).append('\n'));
      }
      return s.toString();
    }
  }

  /** Builds an importer: the source ({@link #from}) is required; the target store defaults to {@code file:./mlops}. */
  public static final class Builder extends EntryPointBuilder<Builder> {
    private @Nullable String from;
    private @Nullable Path artifactRoot;
    private boolean dryRun;
    private Consumer<String> progress = step -> { };
    private Consumer<ModelRegistry.Builder> registry = r -> { };

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * The MLflow store to read: {@code sqlite:/PATH/mlflow.db}, {@code postgresql://USER:PASSWORD@HOST/DB}
     * (or {@code jdbc:postgresql://...}), {@code file:/PATH/mlruns} or a plain path to an {@code mlruns} directory.
     *
     * @throws InvalidArgumentException if it is blank
     */
    public Builder from(String source) {
      if (source == null || source.isBlank()) {
        throw InvalidArgumentException.of("from", source == null ? "(none)" : "'" + source + "'", "must name an MLflow store");
      }
      this.from = source;
      return this;
    }

    /**
     * Where a database store's artifacts are now, when the runs' {@code artifact_uri} no longer points
     * there (the store was moved, or written on another machine): a run's artifacts are read from
     * {@code DIR/EXPERIMENT_ID/RUN_ID/artifacts}, MLflow's default layout ({@code ./mlruns} beside
     * {@code mlflow.db}). A file store's artifacts are found in the store itself.
     */
    public Builder artifactRoot(Path dir) {
      this.artifactRoot = Validation.notNull("artifact root", dir);
      return this;
    }

    /**
     * Configures the registry the import writes through, as {@link MlflowServer.Builder#registry}
     * does the server's: its access policy, flavors and protected aliases. A protected alias is the
     * registry's configuration, not the store's: give the import what the services on this store
     * use, and an MLflow alias or stage that would move a protected alias is left out (the refusal
     * audited), to be moved by an approved promotion request. Its store, clock and principal are
     * the importer's.
     */
    public Builder registry(Consumer<ModelRegistry.Builder> configure) {
      this.registry = Validation.notNull("registry", configure);
      return this;
    }

    /** Read and count only; write nothing (default false). */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /** Called after each step (a run's metrics, a whole run), with the step's name: for tests of a failure midway. */
    Builder progress(Consumer<String> progress) {
      this.progress = progress;
      return this;
    }

    EntryPointBuilder.Settings resolve() {
      return settings();
    }

    /** The importer. @throws InvalidArgumentException if no source was given */
    public MlflowImporter build() {
      if (from == null) {
        throw InvalidArgumentException.of("from", "(none)", "is required: call from(...)");
      }
      return new MlflowImporter(this);
    }
  }
}
