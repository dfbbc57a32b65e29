package dev.mlops.tracking;

import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.EntryPointBuilder;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Page;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.tracking.internal.AsyncMetricWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The entry point of experiment tracking: experiments, runs, search and comparison over one
 * {@link StorageBackend}.
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.builder().storage("file:./mlops").build();
 *      ActiveRun run = tracker.startRun("churn")) {
 *   run.logParam("lr", "0.1");
 *   run.logMetric("accuracy", 0.93);
 * }
 * }</pre>
 *
 * <p>Thread-safe: one tracker serves any number of threads and runs. Every synchronous call has
 * reached the store when it returns (on {@code file:}, it survives the process being killed).
 * Metric points logged while {@link Builder#asyncLogging(int)} is on are queued and written in
 * batches; {@link #flush()} and {@link #close()} wait for them and report storage failures, and a
 * shutdown hook flushes them at a normal JVM exit.
 *
 * <p>One concept, the facade of tracking: package-private parts make new runs (id, name, system
 * tags, artifact location) and copy artifacts to local files, and the store or the asynchronous
 * writer stores metric points. Its length is its public API's documentation and its nested
 * {@link RunStarter}, {@link RunBody}, {@link RunFunction} and {@link Builder}, which stay nested
 * ({@code Tracker.RunStarter}, ...) for source compatibility.
 */
public final class Tracker implements AutoCloseable {
  /** The id of the default experiment, created on first use. */
  public static final String DEFAULT_EXPERIMENT_ID = "0";
  /** The name of the default experiment. */
  public static final String DEFAULT_EXPERIMENT_NAME = "Default";

  private final StorageBackend backend;
  private final boolean ownsBackend;
  private final TrackingStore store;
  private final Clock clock;
  private final Supplier<String> principal;
  private final AsyncMetricWriter async;
  private final Thread shutdownHook;
  private final SecureRandom random = new SecureRandom();
  private final RunCreation runs;

  private Tracker(Builder b) {
    EntryPointBuilder.Settings settings = b.resolveSettings();
    this.backend = settings.backend();
    this.ownsBackend = settings.ownsBackend();
    this.store = backend.store(TrackingStore.class);
    this.clock = settings.clock();
    this.principal = settings.principal();
    this.runs = new RunCreation(store, backend, b.captureSystemTags, b.workDir, random);
    if (b.asyncCapacity > 0) {
      this.async = new AsyncMetricWriter(store, b.asyncCapacity, b.asyncBatch);
      this.shutdownHook = new Thread(() -> {
        try {
          async.flush();
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(Tracker.class).error("metrics not written at JVM exit", e);
        }
      }, "mlops-tracker-flush");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      this.async = null;
      this.shutdownHook = null;
    }
  }

  /** A builder; {@code Tracker.builder().build()} tracks into {@code file:./mlops}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The backend this tracker writes to. */
  public StorageBackend backend() {
    return backend;
  }

  /** The tracking store (for advanced use and tests). */
  public TrackingStore store() {
    return store;
  }

  /** The artifact store of the backend. */
  public ArtifactStore artifacts() {
    return backend.store(ArtifactStore.class);
  }

  long now() {
    return clock.millis();
  }

  String user() {
    String u = principal.get();
    return u == null || u.isBlank() ? "unknown" : u;
  }

  // ---------------------------------------------------------------- experiments

  /**
   * Creates an experiment.
   *
   * @throws InvalidArgumentException if the name is blank, over 500 characters or has control characters
   * @throws AlreadyExistsException if the name is taken, by a deleted experiment too
   */
  public Experiment createExperiment(String name, Map<String, String> tags) {
    Validation.name("experiment name", name, Validation.MAX_EXPERIMENT_NAME_LENGTH);
    Map<String, String> t = checkTags(tags, Validation.MAX_EXPERIMENT_TAG_VALUE_LENGTH, "experiment tag");
    long now = now();
    String id = Long.toString(now, 36) + HexFormat.of().toHexDigits((short) random.nextInt());
    return store.createExperiment(new Experiment(id, name, "runs:/", LifecycleStage.ACTIVE, now, now, t));
  }

  /** Creates an experiment with no tags. */
  public Experiment createExperiment(String name) {
    return createExperiment(name, Map.of());
  }

  /** The experiment with this name, created if absent (safe when several threads or processes race). */
  public Experiment getOrCreateExperiment(String name) {
    Optional<Experiment> e = store.getExperimentByName(name);
    if (e.isPresent()) {
      return e.get();
    }
    try {
      if (name.equals(DEFAULT_EXPERIMENT_NAME)) {
        long now = now();
        return store.createExperiment(new Experiment(DEFAULT_EXPERIMENT_ID, name, "runs:/", LifecycleStage.ACTIVE, now, now, Map.of()));
      }
      return createExperiment(name);
    } catch (AlreadyExistsException race) {
      return store.getExperimentByName(name).orElseThrow(() -> race);
    }
  }

  /** The default experiment ("Default", id "0"), created on first use. */
  public Experiment defaultExperiment() {
    return store.getExperiment(DEFAULT_EXPERIMENT_ID).orElseGet(() -> getOrCreateExperiment(DEFAULT_EXPERIMENT_NAME));
  }

  /** An experiment by id. */
  public Optional<Experiment> getExperiment(String id) {
    return store.getExperiment(Validation.notNull("experiment id", id));
  }

  /** An experiment by name. */
  public Optional<Experiment> getExperimentByName(String name) {
    return store.getExperimentByName(Validation.notNull("experiment name", name));
  }

  /** Experiments, active ones unless the view says otherwise. */
  public List<Experiment> listExperiments(ViewType view) {
    return store.listExperiments(Validation.notNull("view", view));
  }

  /** Renames an experiment. @throws NotFoundException if it does not exist @throws AlreadyExistsException if the name is taken */
  public void renameExperiment(String id, String newName) {
    Validation.name("experiment name", newName, Validation.MAX_EXPERIMENT_NAME_LENGTH);
    store.renameExperiment(id, newName, now());
  }

  /** Soft-deletes an experiment and its runs; its name stays reserved until it is restored. */
  public void deleteExperiment(String id) {
    if (DEFAULT_EXPERIMENT_ID.equals(id)) {
      throw InvalidArgumentException.of("experiment id", id, "the default experiment cannot be deleted");
    }
    store.setExperimentLifecycle(id, LifecycleStage.DELETED, now());
  }

  /** Restores a soft-deleted experiment and the runs deleted with it. */
  public void restoreExperiment(String id) {
    store.setExperimentLifecycle(id, LifecycleStage.ACTIVE, now());
  }

  /** Sets an experiment tag. */
  public void setExperimentTag(String id, String key, String value) {
    Validation.key("experiment tag key", key);
    Validation.maxLength("experiment tag '" + key + "' value", Validation.notNull("experiment tag value", value),
        Validation.MAX_EXPERIMENT_TAG_VALUE_LENGTH);
    store.setExperimentTag(id, key, value, now());
  }

  private Experiment resolveExperiment(String nameOrId) {
    Optional<Experiment> e = store.getExperiment(nameOrId);
    if (e.isEmpty()) {
      e = store.getExperimentByName(nameOrId);
    }
    return e.orElseThrow(() -> new NotFoundException("experiment '" + nameOrId + "' does not exist (by id or name)"));
  }

  // ---------------------------------------------------------------- runs

  /** The store this tracker writes to, with secrets masked: {@code Tracker[file:./mlops]}. */
  @Override
  public String toString() {
    return "Tracker[" + backend.storageUri() + (async != null ? ", async logging" : "") + "]";
  }

  /** Starts a run in the named experiment (created if absent) with a generated name. */
  public ActiveRun startRun(String experimentName) {
    return newRun().experiment(experimentName).start();
  }

  /** A builder for a new run. */
  public RunStarter newRun() {
    return new RunStarter(this);
  }

  /**
   * Runs {@code body} in a new run of {@code experimentName} and ends it: FINISHED when the body
   * returns, FAILED with the exception recorded in the tag {@code mlops.failure} when it throws (the
   * exception is rethrown). A body that throws no checked exception needs no {@code throws} clause:
   * <pre>{@code tracker.run("churn", run -> train(run));}</pre>
   *
   * @param <E> the checked exception the body may throw ({@code RuntimeException} when none)
   */
  public <E extends Exception> void run(String experimentName, RunBody<E> body) throws E {
    newRun().experiment(experimentName).run(body);
  }

  /**
   * Like {@link #run(String, RunBody)} for a body that returns a value, which this method returns:
   * <pre>{@code Model<Label> model = tracker.call("churn", run -> train(run));}</pre>
   */
  public <T, E extends Exception> T call(String experimentName, RunFunction<T, E> body) throws E {
    return newRun().experiment(experimentName).call(body);
  }

  /** Code run inside a run by {@link #run} and {@link RunStarter#run}. */
  @FunctionalInterface
  public interface RunBody<E extends Exception> {
    /** Does the work of the run; throwing ends the run FAILED. */
    void accept(ActiveRun run) throws E;
  }

  /** Code run inside a run that returns a value, by {@link #call} and {@link RunStarter#call}. */
  @FunctionalInterface
  public interface RunFunction<T, E extends Exception> {
    /** Does the work of the run and returns its result; throwing ends the run FAILED. */
    T apply(ActiveRun run) throws E;
  }

  /**
   * Options of a new run; {@link #start()} creates it. Reusable.
   */
  public static final class RunStarter {
    private final Tracker tracker;
    private String experiment;
    private String name;
    private String parentRunId = "";
    private final Map<String, String> tags = new LinkedHashMap<>();

    private RunStarter(Tracker tracker) {
      this.tracker = tracker;
    }

    /** The experiment, by name (created if absent) or id; the default experiment when not set. */
    public RunStarter experiment(String nameOrId) {
      this.experiment = Validation.notNull("experiment", nameOrId);
      return this;
    }

    /** The run's name; generated when not set. */
    public RunStarter name(String runName) {
      this.name = Validation.name("run name", runName, Validation.MAX_RUN_NAME_LENGTH);
      return this;
    }

    /** Makes this run a child of {@code parentRunId}. */
    public RunStarter parent(String parentRunId) {
      this.parentRunId = Validation.id("parent run id", parentRunId);
      return this;
    }

    /** An initial tag. */
    public RunStarter tag(String key, String value) {
      Validation.key("tag key", key);
      Validation.maxLength("tag '" + key + "' value", Validation.notNull("tag value", value), Validation.MAX_TAG_VALUE_LENGTH);
      tags.put(key, value);
      return this;
    }

    /** Creates the run, RUNNING, with system tags captured. */
    public ActiveRun start() {
      return tracker.create(this);
    }

    /** Starts the run, runs {@code body}, and ends it FINISHED, or FAILED when the body throws. */
    public <E extends Exception> void run(RunBody<E> body) throws E {
      call(run -> {
        body.accept(run);
        return null;
      });
    }

    /**
     * Starts the run, runs {@code body}, ends it FINISHED and returns the body's value, or ends it
     * FAILED when the body throws.
     */
    public <T, E extends Exception> T call(RunFunction<T, E> body) throws E {
      ActiveRun run = start();
      T result;
      try {
        result = body.apply(run);
      } catch (Exception | Error e) {
        run.fail(e);
        throw e;
      }
      run.end(RunStatus.FINISHED);
      return result;
    }
  }

  private ActiveRun create(RunStarter s) {
    Experiment exp;
    if (s.experiment == null) {
      exp = defaultExperiment();
    } else {
      Optional<Experiment> byId = store.getExperiment(s.experiment);
      exp = byId.isPresent() ? byId.get() : getOrCreateExperiment(s.experiment);
    }
    if (exp.lifecycleStage() == LifecycleStage.DELETED) {
      throw InvalidArgumentException.of("experiment", exp.name(), "is deleted; restore it before starting runs in it");
    }
    String user = user();
    return new ActiveRun(this, runs.create(exp, s.name, s.parentRunId, s.tags, user, now()));
  }

  /**
   * Resumes logging into an existing run; a run that had ended is set RUNNING again.
   *
   * @throws NotFoundException if the run does not exist
   */
  public ActiveRun resumeRun(String runId) {
    Run r = getRun(runId);
    if (r.info().status() != RunStatus.RUNNING) {
      store.updateRun(runId, RunStatus.RUNNING, -1, null);
    }
    return new ActiveRun(this, runId);
  }

  /** A run with its data. @throws NotFoundException if it does not exist */
  public Run getRun(String runId) {
    Validation.notNull("run id", runId);
    return store.getRun(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' does not exist"));
  }

  /** Soft-deletes a run. */
  public void deleteRun(String runId) {
    store.setRunLifecycle(runId, LifecycleStage.DELETED);
  }

  /** Restores a soft-deleted run. */
  public void restoreRun(String runId) {
    store.setRunLifecycle(runId, LifecycleStage.ACTIVE);
  }

  /** The full history of a metric, in logged order, reading every page. */
  public List<Metric> metricHistory(String runId, String key) {
    flushIfAsync();
    List<Metric> out = new ArrayList<>();
    String token = null;
    do {
      Page<Metric> p = store.getMetricHistory(runId, key, 25_000, token);
      out.addAll(p.items());
      token = p.nextPageToken().orElse(null);
    } while (token != null);
    return out;
  }

  /** One page of a metric's history. */
  public Page<Metric> metricHistory(String runId, String key, int maxResults, String pageToken) {
    Validation.positive("maxResults", maxResults);
    return store.getMetricHistory(runId, key, maxResults, pageToken);
  }

  // ---------------------------------------------------------------- artifacts

  /**
   * Copies an artifact file, or every file below an artifact directory, to {@code target} (a file
   * path for a file, a directory for a directory), streaming the bytes. Returns the files written.
   * Refuses to write through a symbolic link below {@code target} (an existing folder or file that
   * is a link could send the bytes elsewhere); see {@link #downloadArtifacts(String, String, Path, boolean)}.
   *
   * @throws NotFoundException if there is no such artifact
   * @throws InvalidArgumentException if a path to be written passes through a symbolic link
   */
  public List<Path> downloadArtifacts(String runId, String artifactPath, Path target) {
    return downloadArtifacts(runId, artifactPath, target, false);
  }

  /**
   * As {@link #downloadArtifacts(String, String, Path)}; with {@code followLinks}, existing
   * symbolic links below {@code target} are written through.
   */
  public List<Path> downloadArtifacts(String runId, String artifactPath, Path target, boolean followLinks) {
    Validation.notNull("target", target);
    return ArtifactDownloads.download(artifacts(), runId, artifactPath, target, followLinks);
  }

  // ---------------------------------------------------------------- search

  /**
   * Searches runs.
   *
   * @throws InvalidArgumentException for a filter or ORDER BY that does not parse (the message names
   *     the position and what was expected), or a page token of another query
   * @throws NotFoundException if a named experiment does not exist
   */
  public Page<Run> searchRuns(RunQuery query) {
    Expr filter = FilterParser.parse(query.filter());
    List<OrderBy> order = OrderBy.parseAll(query.orderBy());
    List<String> ids = new ArrayList<>();
    for (String e : query.experiments()) {
      ids.add(resolveExperiment(e).id());
    }
    flushIfAsync();
    return store.searchRuns(ids, filter, order, query.view(), query.maxResults(), query.pageToken());
  }

  /** Every run that matches, reading all pages. */
  public List<Run> searchAll(RunQuery query) {
    List<Run> out = new ArrayList<>();
    RunQuery q = query;
    while (true) {
      Page<Run> p = searchRuns(q);
      out.addAll(p.items());
      if (p.nextPageToken().isEmpty()) {
        return out;
      }
      q = q.page(p.nextPageToken().get());
    }
  }

  /** The active run of the experiment with the best latest value of {@code metric}, if any run logged it (NaN never wins). */
  public Optional<Run> bestRun(String experiment, String metric, boolean maximize) {
    Validation.key("metric", metric);
    String k = "metrics.`" + metric + "`";
    Page<Run> p = searchRuns(RunQuery.builder().experiments(experiment).filter(k + " IS NOT NULL")
        .orderBy(k + (maximize ? " DESC" : " ASC")).maxResults(1).build());
    return p.items().stream().filter(r -> !Double.isNaN(r.metric(metric).orElse(Double.NaN))).findFirst();
  }

  /**
   * Compares runs side by side.
   *
   * @throws NotFoundException if a run does not exist
   */
  public RunComparison compare(List<String> runIds) {
    if (runIds.isEmpty()) {
      throw InvalidArgumentException.of("runIds", runIds, "must name at least one run");
    }
    List<Run> runs = new ArrayList<>();
    for (String id : runIds) {
      runs.add(getRun(id));
    }
    return new RunComparison(runs);
  }

  // ---------------------------------------------------------------- logging plumbing used by ActiveRun

  void logMetric(String runId, Metric m) {
    if (async != null) {
      async.submit(runId, m);
    } else {
      store.logBatch(runId, List.of(m), Map.of(), Map.of());
    }
  }

  boolean isAsync() {
    return async != null;
  }

  private void flushIfAsync() {
    if (async != null) {
      async.flush();
    }
  }

  /**
   * Waits until every queued metric point is stored.
   *
   * @throws dev.mlops.api.MlopsException the first storage failure of the asynchronous writer since the last flush
   */
  public void flush() {
    flushIfAsync();
  }

  static Map<String, String> checkTags(Map<String, String> tags, int maxValue, String what) {
    Validation.notNull(what + "s", tags);
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      Validation.key(what + " key", e.getKey());
      Validation.maxLength(what + " '" + e.getKey() + "' value", Validation.notNull(what + " value", e.getValue()), maxValue);
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** Flushes queued metrics and closes the backend if this tracker opened it. */
  @Override
  public void close() {
    try {
      if (async != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
        async.close();
      }
    } finally {
      if (ownsBackend) {
        backend.close();
      }
    }
  }

  /** Builder of {@link Tracker}; reusable. */
  public static final class Builder extends EntryPointBuilder<Builder> {
    private boolean captureSystemTags = true;
    private Path workDir = Path.of("");
    private int asyncCapacity;
    private int asyncBatch = 100_000;

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    Settings resolveSettings() {
      return settings();
    }





    /** Whether runs get system tags (git, host, JVM, ...). On by default. */
    public Builder captureSystemTags(boolean capture) {
      this.captureSystemTags = capture;
      return this;
    }

    /** The directory whose git state is recorded; the working directory by default. */
    public Builder workDir(Path dir) {
      this.workDir = Validation.notNull("workDir", dir);
      return this;
    }

    /**
     * Turns on asynchronous metric logging with a queue of {@code capacity} points. When the queue is
     * full, logging blocks until the background writer has made room: memory stays bounded and no
     * point is dropped. Params and tags stay synchronous (they can conflict).
     */
    public Builder asyncLogging(int capacity) {
      this.asyncCapacity = Validation.positive("async capacity", capacity);
      return this;
    }

    /** The most points the background writer stores in one call (default 100,000). */
    public Builder asyncBatchSize(int points) {
      this.asyncBatch = Validation.positive("async batch size", points);
      return this;
    }

    /** Builds the tracker. */
    public Tracker build() {
      return new Tracker(this);
    }
  }
}
