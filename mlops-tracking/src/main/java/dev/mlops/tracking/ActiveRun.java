package dev.mlops.tracking;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.tracking.internal.SystemTags;
import dev.mlops.tracking.internal.TribuoCapture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluation;

/**
 * A run being logged to. Thread-safe: many threads may log to one run.
 *
 * <p>Closing ends the run FINISHED unless it already ended (for example through {@link #fail}).
 * Java's try-with-resources does not tell {@code close()} whether its block threw, so to end the
 * run FAILED on an exception either call {@link #fail(Throwable)} in a catch block or run the code
 * with {@link Tracker#run(String, Tracker.RunBody)}, which does it for you.
 */
public final class ActiveRun implements AutoCloseable {
  private final Tracker tracker;
  private final String runId;
  private volatile boolean ended;

  ActiveRun(Tracker tracker, String runId) {
    this.tracker = tracker;
    this.runId = runId;
  }

  /** The run's id. */
  public String id() {
    return runId;
  }

  /** The tracker this run logs through. */
  public Tracker tracker() {
    return tracker;
  }

  /** The run as stored now. */
  public Run get() {
    tracker.flush();
    return tracker.getRun(runId);
  }

  /**
   * Logs a write-once param; the same value again is a no-op.
   *
   * @throws dev.mlops.api.ConflictException if the param already has another value
   */
  public ActiveRun logParam(String key, Object value) {
    return logParams(Map.of(key, value));
  }

  /** Logs several params atomically: all or none. */
  public ActiveRun logParams(Map<String, ?> params) {
    Validation.notNull("params", params);
    Map<String, String> p = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : params.entrySet()) {
      Validation.key("param key", e.getKey());
      String v = String.valueOf(Validation.notNull("param '" + e.getKey() + "' value", e.getValue()));
      Validation.maxLength("param '" + e.getKey() + "' value", v, Validation.MAX_PARAM_VALUE_LENGTH);
      p.put(e.getKey(), v);
    }
    tracker.store().logBatch(runId, List.of(), p, Map.of());
    return this;
  }

  /** Logs a metric point at step 0. */
  public ActiveRun logMetric(String key, double value) {
    return logMetric(key, value, 0);
  }

  /** Logs a metric point at a step, timestamped now. */
  public ActiveRun logMetric(String key, double value, long step) {
    tracker.logMetric(runId, new Metric(key, value, tracker.now(), step));
    return this;
  }

  /** Logs several metrics at one step, in one store call when synchronous. */
  public ActiveRun logMetrics(Map<String, ? extends Number> metrics, long step) {
    long now = tracker.now();
    List<Metric> points = new ArrayList<>();
    for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
      points.add(new Metric(e.getKey(), Validation.notNull("metric '" + e.getKey() + "' value", e.getValue()).doubleValue(), now, step));
    }
    if (tracker.isAsync()) {
      points.forEach(m -> tracker.logMetric(runId, m));
    } else {
      tracker.store().logBatch(runId, points, Map.of(), Map.of());
    }
    return this;
  }

  /** Sets a tag (last write wins). */
  public ActiveRun setTag(String key, String value) {
    return setTags(Map.of(key, value));
  }

  /** Sets several tags atomically. */
  public ActiveRun setTags(Map<String, String> tags) {
    tracker.store().logBatch(runId, List.of(), Map.of(), Tracker.checkTags(tags, Validation.MAX_TAG_VALUE_LENGTH, "tag"));
    return this;
  }

  /** Deletes a tag. @throws dev.mlops.api.NotFoundException if it is not set */
  public ActiveRun deleteTag(String key) {
    Validation.key("tag key", key);
    tracker.store().deleteTag(runId, key);
    return this;
  }

  /** Records a dataset as an input of this run, in a context such as {@link DatasetInput#TRAINING}. */
  public ActiveRun logInput(Dataset dataset, String context) {
    tracker.store().logInputs(runId, List.of(new DatasetInput(dataset, context)));
    return this;
  }

  /** Stores a file as an artifact at {@code artifactPath}; streamed, not read into memory. */
  public ArtifactInfo logArtifact(Path file, String artifactPath) {
    if (!Files.isRegularFile(file)) {
      throw InvalidArgumentException.of("artifact file", file, "is not a regular file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return tracker.artifacts().put(runId, artifactPath, in);
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Stores a file as an artifact under its own name. */
  public ArtifactInfo logArtifact(Path file) {
    return logArtifact(file, file.getFileName().toString());
  }

  /** Stores bytes from a stream as an artifact. */
  public ArtifactInfo logArtifact(String artifactPath, InputStream content) {
    return tracker.artifacts().put(runId, artifactPath, content);
  }

  /** Stores text (UTF-8) as an artifact. */
  public ArtifactInfo logText(String artifactPath, String text) {
    return logArtifact(artifactPath, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Stores every file below {@code dir} under {@code artifactDir} ("" for the root), all or
   * nothing: the whole tree is checked first (every name is a valid artifact path; no symbolic
   * link loops, dangling links, or links resolving outside {@code dir}), and nothing is stored if
   * any check fails; if storing fails midway, the files already stored by this call are removed.
   *
   * @throws InvalidArgumentException naming the offending path, before anything is stored
   */
  public List<ArtifactInfo> logArtifacts(Path dir, String artifactDir) {
    Validation.notNull("artifact directory", dir);
    if (!Files.isDirectory(dir)) {
      throw InvalidArgumentException.of("artifact directory", dir, "is not a directory");
    }
    String prefix = artifactDir == null || artifactDir.isEmpty() ? "" : ArtifactPaths.normalize(artifactDir, true) + "/";
    Map<String, Path> plan = ArtifactTree.plan(dir, prefix);
    List<ArtifactInfo> out = new ArrayList<>();
    try {
      for (Map.Entry<String, Path> e : plan.entrySet()) {
        out.add(logArtifact(e.getValue(), e.getKey()));
      }
      return out;
    } catch (RuntimeException e) {
      for (ArtifactInfo stored : out) {
        try {
          tracker.artifacts().delete(runId, stored.path());
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  /** Lists the artifacts directly under {@code dir} ("" for the root). */
  public List<ArtifactInfo> listArtifacts(String dir) {
    return tracker.artifacts().list(runId, dir);
  }

  /**
   * Logs a trained Tribuo model: the trainer's hyperparameters as params (flattened from its
   * provenance), its training data as a dataset input (unless the run already has a training input,
   * which then stands for it), Tribuo, Java and OS versions as tags, the full
   * provenance as {@code <artifactPath>/provenance.json} and the model in Tribuo's protobuf format as
   * {@code <artifactPath>/model.tribuo} (its SHA-256 also in the tag {@code mlops.model.sha256}).
   *
   * @return the model file's artifact info
   */
  public ArtifactInfo logModel(Model<?> model, String artifactPath) {
    return TribuoCapture.logModel(this, model, artifactPath);
  }

  /** Logs a classification evaluation's metrics under {@code prefix} (for example {@code "test_"}). */
  public ActiveRun logEvaluation(LabelEvaluation evaluation, String prefix) {
    return logMetrics(TribuoCapture.metrics(evaluation, prefix), 0);
  }

  /** Logs a regression evaluation's metrics (RMSE, MAE, R² averaged over dimensions, and per dimension). */
  public ActiveRun logEvaluation(RegressionEvaluation evaluation, String prefix) {
    return logMetrics(TribuoCapture.metrics(evaluation, prefix), 0);
  }

  /** Ends the run with a status (FINISHED, FAILED or KILLED), after flushing queued metrics. */
  public void end(RunStatus status) {
    if (!status.isTerminal()) {
      throw InvalidArgumentException.of("status", status, "must be FINISHED, FAILED or KILLED to end a run");
    }
    try {
      tracker.flush();
    } finally {
      tracker.store().updateRun(runId, status, tracker.now(), null);
      ended = true;
    }
  }

  /** Ends the run FAILED, recording the exception (class, message and stack trace) in the tag {@code mlops.failure}. */
  public void fail(Throwable error) {
    String text = describe(error);
    String suffix = "\n... (stack shortened)";
    if (text.length() > Validation.MAX_TAG_VALUE_LENGTH) {
      text = text.substring(0, Validation.MAX_TAG_VALUE_LENGTH - suffix.length()) + suffix;
    }
    try {
      setTag(SystemTags.FAILURE, text);
    } finally {
      end(RunStatus.FAILED);
    }
  }

  /** The exception's class, message and stack, causes included, as the JVM prints them. */
  static String describe(Throwable error) {
    StringBuilder sb = new StringBuilder();
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      sb.append(t == error ? "" : "Caused by: ").append(t).append('\n');
      for (StackTraceElement e : t.getStackTrace()) {
        sb.append("\tat ").append(e).append('\n');
      }
    }
    return sb.toString();
  }

  /** Whether {@link #end} or {@link #fail} was called through this handle. */
  public boolean isEnded() {
    return ended;
  }

  /** Ends the run FINISHED unless it already ended. */
  @Override
  public void close() {
    if (!ended) {
      end(RunStatus.FINISHED);
    }
  }

  /** The run's id: {@code ActiveRun[0f3a...]}; {@link #get()} reads its state. */
  @Override
  public String toString() {
    return "ActiveRun[" + runId + "]";
  }
}
