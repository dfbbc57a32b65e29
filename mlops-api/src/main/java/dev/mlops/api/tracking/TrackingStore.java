package dev.mlops.api.tracking;

import org.jspecify.annotations.Nullable;
import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.ConflictException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Page;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.OrderBy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The storage SPI of experiment tracking. Stores are thin: arguments arrive validated by
 * {@code Tracker}; the store keeps them durably and atomically. Every method is thread-safe, and
 * a store shared by several processes (file, PostgreSQL) keeps these guarantees across them.
 *
 * <p>Implementations pass {@code dev.mlops.testkit.TrackingStoreContract}.
 */
public interface TrackingStore extends AutoCloseable {

  /**
   * Creates an experiment.
   *
   * @throws AlreadyExistsException if the id or the name is taken (deleted experiments keep their name)
   */
  Experiment createExperiment(Experiment experiment);

  /** An experiment by id, deleted ones included. */
  Optional<Experiment> getExperiment(String id);

  /** An experiment by exact name, deleted ones included. */
  Optional<Experiment> getExperimentByName(String name);

  /** Experiments in the view, ordered by creation time then id. */
  List<Experiment> listExperiments(ViewType view);

  /**
   * Renames an experiment.
   *
   * @throws NotFoundException if it does not exist
   * @throws AlreadyExistsException if the new name is taken
   */
  void renameExperiment(String id, String newName, long time);

  /**
   * Soft-deletes or restores an experiment; its runs follow (runs deleted on their own stay deleted on restore).
   *
   * @throws NotFoundException if it does not exist
   */
  void setExperimentLifecycle(String id, LifecycleStage stage, long time);

  /** Sets an experiment tag. @throws NotFoundException if the experiment does not exist */
  void setExperimentTag(String id, String key, String value, long time);

  /**
   * Creates a run with its initial tags and params (atomically).
   *
   * @throws NotFoundException if the experiment does not exist
   * @throws AlreadyExistsException if the run id is taken
   */
  void createRun(RunInfo info, Map<String, String> tags, Map<String, String> params);

  /** A run with all its data, deleted ones included. */
  Optional<Run> getRun(String runId);

  /**
   * Updates a run's status and end time (-1 for none), and its name when {@code runName} is not null.
   *
   * @throws NotFoundException if the run does not exist
   */
  void updateRun(String runId, RunStatus status, long endTime, String runName);

  /** Soft-deletes or restores a run. @throws NotFoundException if it does not exist */
  void setRunLifecycle(String runId, LifecycleStage stage);

  /**
   * Logs metrics, params and tags to one run atomically: all or nothing. Params are write-once:
   * logging a param again with the same value is a no-op, with another value a conflict.
   *
   * @throws NotFoundException if the run does not exist
   * @throws ConflictException if a param already has another value, or the run is deleted (nothing is written)
   */
  void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags);

  /**
   * Deletes a run tag.
   *
   * @throws NotFoundException if the run or the tag does not exist
   */
  void deleteTag(String runId, String key);

  /**
   * Records dataset inputs of a run; logging the same dataset (name and digest) with the same context again is a no-op.
   *
   * @throws NotFoundException if the run does not exist
   */
  void logInputs(String runId, List<DatasetInput> inputs);

  /**
   * One page of a metric's full history, in the order the points were logged.
   *
   * @param pageToken null for the first page, else the token of the previous page
   * @throws NotFoundException if the run does not exist
   */
  Page<Metric> getMetricHistory(String runId, String key, int maxResults, @Nullable String pageToken);

  /**
   * Searches runs of the given experiments.
   *
   * @param filter a parsed filter ({@link dev.mlops.api.search.FilterParser})
   * @param orderBy keys, with run id ascending as the final tie-breaker
   * @param pageToken null for the first page, else the token of the previous page of the same query
   */
  Page<Run> searchRuns(List<String> experimentIds, Expr filter, List<OrderBy> orderBy, ViewType view,
      int maxResults, @Nullable String pageToken);

  @Override
  void close();
}
