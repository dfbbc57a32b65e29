package dev.mlops.mlflow;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Imports one MLflow run at a time (see {@link MlflowImporter}): checks all of it before writing,
 * then creates it with its params and tags, appends the metric points not yet there, logs its
 * inputs, copies its artifacts, sets its status and times, and marks it imported last.
 */
final class RunImport {
  /** Metric points per store call: MLflow's own batch limit. */
  private static final int BATCH = RunRoutes.MAX_METRICS;
  private final Tracker tracker;
  private final TrackingStore store;
  private final ArtifactStore artifacts;
  private final MlflowSource source;
  private final Tally tally;
  private final boolean dryRun;
  private final Consumer<String> progress;

  RunImport(Tracker tracker, MlflowSource source, Tally tally, boolean dryRun, Consumer<String> progress) {
    this.tracker = tracker;
    this.store = tracker.store();
    this.artifacts = tracker.artifacts();
    this.source = source;
    this.tally = tally;
    this.dryRun = dryRun;
    this.progress = progress;
  }

  /** Whether some of the runs is not yet imported whole. */
  boolean anyIncomplete(List<MlflowSource.SourceRun> runs) {
    return runs.stream().anyMatch(r -> store.getRun(r.id()).map(x -> !x.tags().containsKey(MlflowImporter.RUN_TAG)).orElse(true));
  }

  /** What is checked before a run is written. */
  private record Checked(List<Metric> metrics, List<DatasetInput> inputs, Map<String, Path> files) {}

  void importRun(String experimentId, MlflowSource.SourceRun r) {
    String item = "run " + r.id() + " ('" + r.info().runName() + "')";
    Optional<Run> existing = store.getRun(r.id());
    if (existing.isPresent() && !existing.get().info().experimentId().equals(experimentId)) {
      tally.leftOut(item + ": the id is taken by a run of experiment " + existing.get().info().experimentId() + " in the target store");
      return;
    }
    if (existing.isPresent() && existing.get().tags().containsKey(MlflowImporter.RUN_TAG)) {
      tally.already("runs", 1);
      // a run deleted in MLflow is marked imported before it is deleted here: finish an import stopped in between
      // (an active MLflow run found deleted here was deleted with its experiment, or by someone since: left as it is)
      if (!dryRun && r.info().lifecycleStage() == LifecycleStage.DELETED && existing.get().info().lifecycleStage() == LifecycleStage.ACTIVE) {
        store.setRunLifecycle(r.id(), LifecycleStage.DELETED);
      }
      return;
    }
    Checked c;
    try {
      c = check(r);
    } catch (InvalidArgumentException | MlflowError e) {
      tally.leftOut(item + ": " + e.getMessage());
      return;
    }
    Map<String, List<Metric>> byKey = new LinkedHashMap<>();
    c.metrics().forEach(m -> byKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m));
    tally.imported("runs", 1);
    tally.imported("params", r.params().size());
    tally.imported("tags", r.tags().size());
    tally.imported("dataset inputs", c.inputs().size());
    tally.imported("artifact files", c.files().size());
    if (c.files().isEmpty() && source.artifactDir(r).isEmpty() && !r.info().artifactUri().isEmpty()) {
      tally.leftOut(item + ": artifacts at " + r.info().artifactUri() + " are not reachable from here; the run keeps that URI as a reference");
    }
    if (dryRun) {
      tally.imported("metric points", c.metrics().size());
      return;
    }
    RunInfo s = r.info();
    String artifactUri = source.artifactDir(r).isPresent() ? ArtifactRoutes.uri(new RunInfo(s.runId(), experimentId, s.runName(), s.status(),
        s.user(), s.startTime(), s.endTime(), LifecycleStage.ACTIVE, "", s.parentRunId())) : s.artifactUri();
    if (existing.isEmpty()) {
      store.createRun(new RunInfo(s.runId(), experimentId, s.runName(), s.status(), s.user(), s.startTime(), s.endTime(), LifecycleStage.ACTIVE,
          artifactUri, s.parentRunId()), r.tags(), r.params());
    } else {
      if (existing.get().info().lifecycleStage() != LifecycleStage.ACTIVE) {
        store.setRunLifecycle(r.id(), LifecycleStage.ACTIVE);
      }
      store.logBatch(r.id(), List.of(), r.params(), r.tags());
    }
    appendMetrics(r.id(), byKey, existing.isPresent());
    progress.accept("metrics " + r.id());
    if (!c.inputs().isEmpty()) {
      store.logInputs(r.id(), c.inputs());
    }
    for (Map.Entry<String, Path> f : c.files().entrySet()) {
      try (InputStream in = Files.newInputStream(f.getValue())) {
        artifacts.put(r.id(), f.getKey(), in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read artifact " + f.getValue() + " of run " + r.id() + ": " + e.getMessage(), e);
      }
    }
    store.updateRun(r.id(), s.status(), s.endTime(), s.runName().isEmpty() ? null : s.runName());
    store.logBatch(r.id(), List.of(), Map.of(), Map.of(MlflowImporter.RUN_TAG, source.describe()));
    if (s.lifecycleStage() == LifecycleStage.DELETED) {
      store.setRunLifecycle(r.id(), LifecycleStage.DELETED);
    }
    progress.accept("run " + r.id());
  }

  /** Appends, per key, the points beyond those a previous, interrupted import already wrote (points are written in MLflow's order). */
  private void appendMetrics(String runId, Map<String, List<Metric>> byKey, boolean resumed) {
    List<Metric> batch = new ArrayList<>(BATCH);
    for (Map.Entry<String, List<Metric>> e : byKey.entrySet()) {
      int have = resumed ? tracker.metricHistory(runId, e.getKey()).size() : 0;
      List<Metric> points = e.getValue();
      tally.already("metric points", Math.min(have, points.size()));
      for (Metric m : points.subList(Math.min(have, points.size()), points.size())) {
        batch.add(m);
        tally.imported("metric points", 1);
        if (batch.size() == BATCH) {
          store.logBatch(runId, batch, Map.of(), Map.of());
          batch = new ArrayList<>(BATCH);
        }
      }
    }
    if (!batch.isEmpty()) {
      store.logBatch(runId, batch, Map.of(), Map.of());
    }
  }

  private Checked check(MlflowSource.SourceRun r) {
    Validation.maxLength("run name", r.info().runName(), Validation.MAX_RUN_NAME_LENGTH);
    r.params().forEach((k, v) -> {
      Validation.key("param key", k);
      Validation.maxLength("param '" + k + "' value", v, Validation.MAX_PARAM_VALUE_LENGTH);
    });
    r.tags().forEach((k, v) -> {
      Validation.key("tag key", k);
      Validation.maxLength("tag '" + k + "' value", v, Validation.MAX_TAG_VALUE_LENGTH);
    });
    List<Metric> metrics = source.metrics(r);
    List<DatasetInput> inputs = source.inputs(r);
    Map<String, Path> files = new TreeMap<>();
    Optional<Path> dir = source.artifactDir(r);
    if (dir.isPresent()) {
      try (Stream<Path> s = Files.walk(dir.get())) {
        for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
          String rel = dir.get().relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
          files.put(ArtifactPaths.normalize(rel), f);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the artifacts " + dir.get() + " of run " + r.id() + ": " + e.getMessage(), e);
      }
    }
    return new Checked(metrics, inputs, files);
  }
}
