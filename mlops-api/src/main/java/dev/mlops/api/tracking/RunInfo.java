package dev.mlops.api.tracking;

import java.util.Optional;

/**
 * A run's fixed and lifecycle fields.
 *
 * @param runId 32 hex characters
 * @param experimentId the experiment it belongs to
 * @param runName a human name (generated when none is given)
 * @param status the run's status
 * @param user who started it
 * @param startTime epoch milliseconds
 * @param endTime epoch milliseconds, or -1 while the run has not ended
 * @param lifecycleStage active or soft-deleted
 * @param artifactUri where its artifacts go
 * @param parentRunId the parent run for nested runs, or empty string
 */
public record RunInfo(String runId, String experimentId, String runName, RunStatus status, String user,
    long startTime, long endTime, LifecycleStage lifecycleStage, String artifactUri, String parentRunId) {

  /** The end time, if the run has ended. */
  public Optional<Long> end() {
    return endTime < 0 ? Optional.empty() : Optional.of(endTime);
  }

  /** The parent run's id, for a nested run. */
  public Optional<String> parent() {
    return parentRunId == null || parentRunId.isEmpty() ? Optional.empty() : Optional.of(parentRunId);
  }

  /** A short form with ISO-8601 times, for logs: {@code RunInfo[3f2a... 'brave-owl' FINISHED, ...]}. */
  @Override
  public String toString() {
    return "RunInfo[" + runId + " '" + runName + "' " + status + ", experiment " + experimentId + ", user " + user
        + ", started " + java.time.Instant.ofEpochMilli(startTime)
        + (endTime < 0 ? "" : ", ended " + java.time.Instant.ofEpochMilli(endTime))
        + (lifecycleStage == LifecycleStage.ACTIVE ? "" : ", " + lifecycleStage)
        + (parentRunId == null || parentRunId.isEmpty() ? "" : ", parent " + parentRunId) + "]";
  }
}
