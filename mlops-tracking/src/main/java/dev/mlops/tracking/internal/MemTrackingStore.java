package dev.mlops.tracking.internal;

import dev.mlops.api.internal.SharedByName;
import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.ConflictException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Page;
import dev.mlops.api.search.Evaluator;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.search.RunAccessor;
import dev.mlops.api.spi.SortKey;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The in-process tracking store of {@code mem:NAME} backends. One lock guards all state. */
public final class MemTrackingStore implements TrackingStore {
  private static final SharedByName<MemTrackingStore> SHARED = new SharedByName<>(MemTrackingStore::new);

  private final String name;
  private final Map<String, Experiment> experiments = new LinkedHashMap<>();
  private final Map<String, Set<String>> runsDeletedWithExperiment = new HashMap<>();
  private final Map<String, MutableRun> runs = new LinkedHashMap<>();

  private static final class MutableRun {
    RunInfo info;
    final Map<String, String> params = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    final Map<String, Metric> latest = new LinkedHashMap<>();
    final Map<String, List<Metric>> history = new HashMap<>();
    final List<DatasetInput> inputs = new ArrayList<>();

    Run snapshot() {
      return new Run(info, params, latest, tags, inputs);
    }
  }

  private MemTrackingStore(String name) {
    this.name = name;
  }

  /** The store of {@code mem:name}: shared by every backend of that name until the last closes it. */
  public static MemTrackingStore open(String name) {
    return SHARED.acquire(name);
  }

  @Override
  public void close() {
    SHARED.release(name);
  }

  @Override
  public synchronized Experiment createExperiment(Experiment e) {
    if (experiments.containsKey(e.id())) {
      throw new AlreadyExistsException("experiment id '" + e.id() + "' already exists");
    }
    for (Experiment x : experiments.values()) {
      if (x.name().equals(e.name())) {
        throw new AlreadyExistsException("experiment '" + e.name() + "' already exists"
            + (x.lifecycleStage() == LifecycleStage.DELETED ? " (deleted; restore it or choose another name)" : ""));
      }
    }
    experiments.put(e.id(), e);
    return e;
  }

  @Override
  public synchronized Optional<Experiment> getExperiment(String id) {
    return Optional.ofNullable(experiments.get(id));
  }

  @Override
  public synchronized Optional<Experiment> getExperimentByName(String n) {
    return experiments.values().stream().filter(e -> e.name().equals(n)).findFirst();
  }

  @Override
  public synchronized List<Experiment> listExperiments(ViewType view) {
    return experiments.values().stream().filter(e -> view.includes(e.lifecycleStage()))
        .sorted(Comparator.comparingLong(Experiment::creationTime).thenComparing(Experiment::id)).toList();
  }

  private Experiment experiment(String id) {
    Experiment e = experiments.get(id);
    if (e == null) {
      throw new NotFoundException("experiment '" + id + "' does not exist");
    }
    return e;
  }

  @Override
  public synchronized void renameExperiment(String id, String newName, long time) {
    Experiment e = experiment(id);
    for (Experiment x : experiments.values()) {
      if (x.name().equals(newName) && !x.id().equals(id)) {
        throw new AlreadyExistsException("experiment '" + newName + "' already exists");
      }
    }
    experiments.put(id, new Experiment(id, newName, e.artifactLocation(), e.lifecycleStage(), e.creationTime(), time, e.tags()));
  }

  @Override
  public synchronized void setExperimentLifecycle(String id, LifecycleStage stage, long time) {
    Experiment e = experiment(id);
    experiments.put(id, new Experiment(id, e.name(), e.artifactLocation(), stage, e.creationTime(), time, e.tags()));
    if (stage == LifecycleStage.DELETED) {
      Set<String> ids = runsDeletedWithExperiment.computeIfAbsent(id, k -> new HashSet<>());
      for (MutableRun r : runs.values()) {
        if (r.info.experimentId().equals(id) && r.info.lifecycleStage() == LifecycleStage.ACTIVE) {
          r.info = withStage(r.info, LifecycleStage.DELETED);
          ids.add(r.info.runId());
        }
      }
    } else {
      for (String runId : runsDeletedWithExperiment.getOrDefault(id, Set.of())) {
        MutableRun r = runs.get(runId);
        r.info = withStage(r.info, LifecycleStage.ACTIVE);
      }
      runsDeletedWithExperiment.remove(id);
    }
  }

  private static RunInfo withStage(RunInfo i, LifecycleStage stage) {
    return new RunInfo(i.runId(), i.experimentId(), i.runName(), i.status(), i.user(), i.startTime(), i.endTime(), stage,
        i.artifactUri(), i.parentRunId());
  }

  @Override
  public synchronized void setExperimentTag(String id, String key, String value, long time) {
    Experiment e = experiment(id);
    Map<String, String> tags = new LinkedHashMap<>(e.tags());
    tags.put(key, value);
    experiments.put(id, new Experiment(id, e.name(), e.artifactLocation(), e.lifecycleStage(), e.creationTime(), time, tags));
  }

  @Override
  public synchronized void createRun(RunInfo info, Map<String, String> tags, Map<String, String> params) {
    experiment(info.experimentId());
    if (runs.containsKey(info.runId())) {
      throw new AlreadyExistsException("run '" + info.runId() + "' already exists");
    }
    MutableRun r = new MutableRun();
    r.info = info;
    r.tags.putAll(tags);
    r.params.putAll(params);
    runs.put(info.runId(), r);
  }

  private MutableRun run(String runId) {
    MutableRun r = runs.get(runId);
    if (r == null) {
      throw new NotFoundException("run '" + runId + "' does not exist");
    }
    return r;
  }

  @Override
  public synchronized Optional<Run> getRun(String runId) {
    MutableRun r = runs.get(runId);
    return r == null ? Optional.empty() : Optional.of(r.snapshot());
  }

  @Override
  public synchronized void updateRun(String runId, RunStatus status, long endTime, String runName) {
    MutableRun r = run(runId);
    RunInfo i = r.info;
    r.info = new RunInfo(i.runId(), i.experimentId(), runName == null ? i.runName() : runName, status, i.user(), i.startTime(),
        endTime, i.lifecycleStage(), i.artifactUri(), i.parentRunId());
  }

  @Override
  public synchronized void setRunLifecycle(String runId, LifecycleStage stage) {
    MutableRun r = run(runId);
    r.info = withStage(r.info, stage);
  }

  @Override
  public synchronized void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
    MutableRun r = run(runId);
    if (r.info.lifecycleStage() == LifecycleStage.DELETED) {
      throw new ConflictException("run '" + runId + "' is deleted; restore it before logging");
    }
    for (Map.Entry<String, String> p : params.entrySet()) {
      String old = r.params.get(p.getKey());
      if (old != null && !old.equals(p.getValue())) {
        throw new ConflictException("param '" + p.getKey() + "' of run '" + runId + "' already has value '" + old
            + "'; params are write-once (tried '" + p.getValue() + "')");
      }
    }
    r.params.putAll(params);
    r.tags.putAll(tags);
    for (Metric m : metrics) {
      r.history.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
      Metric old = r.latest.get(m.key());
      if (old == null || m.isAtOrAfter(old)) {
        r.latest.put(m.key(), m);
      }
    }
  }

  @Override
  public synchronized void deleteTag(String runId, String key) {
    MutableRun r = run(runId);
    if (r.tags.remove(key) == null) {
      throw new NotFoundException("tag '" + key + "' of run '" + runId + "' does not exist");
    }
  }

  @Override
  public synchronized void logInputs(String runId, List<DatasetInput> inputs) {
    MutableRun r = run(runId);
    for (DatasetInput in : inputs) {
      boolean dup = r.inputs.stream().anyMatch(x -> x.context().equals(in.context())
          && x.dataset().name().equals(in.dataset().name()) && x.dataset().digest().equals(in.dataset().digest()));
      if (!dup) {
        r.inputs.add(in);
      }
    }
  }

  @Override
  public synchronized Page<Metric> getMetricHistory(String runId, String key, int maxResults, String pageToken) {
    List<Metric> h = run(runId).history.getOrDefault(key, List.of());
    int from = HistoryToken.decodeOffset(pageToken);
    int to = Math.min(h.size(), from + maxResults);
    List<Metric> items = from >= h.size() ? List.of() : List.copyOf(h.subList(from, to));
    return new Page<>(items, to < h.size() ? Optional.of(HistoryToken.encodeOffset(to)) : Optional.empty());
  }

  @Override
  public synchronized Page<Run> searchRuns(List<String> experimentIds, Expr filter, List<OrderBy> orderBy, ViewType view,
      int maxResults, String pageToken) {
    String fp = SortKey.fingerprint(experimentIds, filter, orderBy, view);
    SortKey after = pageToken == null ? null : SortKey.fromToken(pageToken, fp, orderBy.size());
    Set<String> exps = new HashSet<>(experimentIds);
    List<Run> matches = new ArrayList<>();
    for (MutableRun r : runs.values()) {
      if ((exps.isEmpty() || exps.contains(r.info.experimentId())) && view.includes(r.info.lifecycleStage())) {
        Run snap = r.snapshot();
        if (Evaluator.test(filter, RunAccessor.of(snap))) {
          matches.add(snap);
        }
      }
    }
    if (maxResults <= 0) {
      throw InvalidArgumentException.of("maxResults", maxResults, "must be positive");
    }
    SortKey.PageSlice<Run> slice = SortKey.page(matches, orderBy, r -> SortKey.of(orderBy, RunAccessor.of(r), r.id()), after, maxResults);
    return new Page<>(slice.rows(), slice.next() == null ? Optional.empty() : Optional.of(slice.next().toToken(fp)));
  }
}
