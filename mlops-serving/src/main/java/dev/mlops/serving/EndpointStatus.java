package dev.mlops.serving;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What an endpoint is doing, for a readiness probe or a dashboard ({@link Endpoint#describe()}).
 *
 * @param endpoint the endpoint's name
 * @param state LOADING, READY, DEGRADED or FAILED
 * @param reason why it is not READY, or ""
 * @param variants every variant, routed ones first
 * @param inFlight requests being answered now
 * @param shadowQueue shadow requests waiting
 * @param logQueue prediction-log entries (rows and labels) waiting
 * @param shadowDropped shadow requests dropped because the queue was full
 * @param logging what prediction logging received and dropped, rows and labels apart
 * @param rejectedForCapacity requests refused at the concurrency or queue limit
 */
public record EndpointStatus(String endpoint, State state, String reason, List<VariantStatus> variants, int inFlight, int shadowQueue,
    int logQueue, long shadowDropped, Logging logging, long rejectedForCapacity) {
  /** Copies the variants; the list is immutable. */
  public EndpointStatus {
    variants = List.copyOf(variants);
  }

  /**
   * What prediction logging received and dropped since the endpoint was built. Rows and feedback
   * labels share one bounded queue but are counted apart, so the rows a monitor saw reconcile with
   * the requests answered: a monitor that logs every variant's requests saw
   * {@code rows - rowsDropped} rows once the queue is drained ({@link Endpoint#awaitBackgroundWork}).
   *
   * @param rows answered requests handed to logging (every request when the sample rate is 1)
   * @param rowsDropped of those, dropped because the queue was full: no monitor or prediction log saw them
   * @param labels feedback labels handed to the prediction logs
   * @param labelsDropped of those, dropped because the queue was full
   * @param labelsUnjoined labels that reached the prediction logs but found no logged prediction to join
   *     (its row was sampled out or dropped, or its window has left memory)
   */
  public record Logging(long rows, long rowsDropped, long labels, long labelsDropped, long labelsUnjoined) {
    /** Nothing logged: an endpoint without monitors or prediction logs. */
    public static final Logging NONE = new Logging(0, 0, 0, 0, 0);
  }

  /** An endpoint's health. */
  public enum State {
    /** The first load is under way. */
    LOADING,
    /** Every routed variant serves a loaded version. */
    READY,
    /** It answers, but a load failed (the previous version still serves) or a variant has nothing loaded. */
    DEGRADED,
    /** Nothing to answer with: the champion's first load failed, or the endpoint is closed. */
    FAILED
  }

  /**
   * One variant.
   *
   * @param name champion, canary, an arm's or a shadow's name
   * @param role PRIMARY, CANARY, ARM or SHADOW
   * @param uri the registry URI it follows
   * @param weight its share of traffic (0 for shadows and a rolled-back canary)
   * @param version the version it serves, or null before the first load
   * @param pendingVersion the version being loaded and warmed up to replace it (the previous one
   *     serves until then), or null
   * @param retainedVersions versions kept loaded for an instant rollback, newest first
   * @param requests requests it answered (or, for a shadow, compared)
   * @param errors requests that failed on it
   * @param p50Micros median latency, µs
   * @param p99Micros 99th percentile latency, µs
   * @param labelled requests whose outcome arrived as feedback
   * @param accuracy share of labelled requests it got right, NaN without feedback
   * @param meanReward mean bandit reward, NaN without rewards
   * @param agreement for a shadow: share of its answers equal to the answer returned, else NaN
   * @param meanScoreDifference for a shadow: mean |score difference| on the returned output, else NaN
   * @param loadProblem why its last load failed, or null
   */
  public record VariantStatus(String name, String role, String uri, double weight, @Nullable Integer version,
      @Nullable Integer pendingVersion, List<Integer> retainedVersions,
      long requests, long errors, double p50Micros, double p99Micros, long labelled, double accuracy, double meanReward, double agreement,
      double meanScoreDifference, @Nullable String loadProblem) {
    /** Copies the retained versions; the list is immutable. */
    public VariantStatus {
      retainedVersions = List.copyOf(retainedVersions);
    }

    @Override
    public String toString() {
      // latency quantiles of no requests are NaN: an idle variant says so instead
      String traffic = requests == 0 ? "no requests" : String.format(Locale.ROOT, "%d request%s, %d error%s, p50 %.0f µs, p99 %.0f µs",
          requests, requests == 1 ? "" : "s", errors, errors == 1 ? "" : "s", p50Micros, p99Micros);
      return String.format(Locale.ROOT, "%s %s v%s%s weight %.2f: %s%s%s%s%s", name,
          role.toLowerCase(Locale.ROOT), version == null ? "-" : version, pendingVersion == null ? "" : " (v" + pendingVersion + " loading)",
          weight, traffic,
          labelled > 0 ? String.format(Locale.ROOT, ", accuracy %.3f on %d label%s", accuracy, labelled, labelled == 1 ? "" : "s") : "",
          Double.isNaN(meanReward) ? "" : String.format(Locale.ROOT, ", mean reward %.3f", meanReward),
          Double.isNaN(agreement) ? "" : String.format(Locale.ROOT, ", agreement %.3f, mean score difference %.3f", agreement,
              meanScoreDifference),
          loadProblem == null ? "" : ", last load failed: " + loadProblem);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("endpoint " + endpoint + ": " + state + (reason.isEmpty() ? "" : " (" + reason + ")"));
    for (VariantStatus v : variants) {
      sb.append("\n  ").append(v);
    }
    if (shadowDropped + logging.rowsDropped() + logging.labelsDropped() + rejectedForCapacity > 0) {
      sb.append(String.format(Locale.ROOT, "%n  dropped: %d shadow requests, %d log rows, %d log labels; refused for capacity: %d",
          shadowDropped, logging.rowsDropped(), logging.labelsDropped(), rejectedForCapacity));
    }
    return sb.toString();
  }
}
