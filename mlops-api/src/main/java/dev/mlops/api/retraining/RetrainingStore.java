package dev.mlops.api.retraining;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The storage SPI of continuous training, keyed by loop name: one lease per loop (a time-limited
 * lock carrying an epoch, the fencing token), a queue of triggers deduplicated by idempotency key,
 * and the history of retrainings. Shared stores ({@code file:}, PostgreSQL) make these visible to
 * every process on the store, which is what lets a fleet of JVMs run one loop.
 *
 * <p>Times are epoch milliseconds from the caller's clock: processes sharing a store need clocks
 * agreeing to well within the lease's time to live. Every write that follows from holding the lease
 * ({@link #begin}, {@link #update}, {@link #requeue}) is <em>fenced</em>: it is applied only if the
 * given lease is still the current one and unexpired at {@code now}, in the same transaction as the
 * check, so a holder whose lease passed to another process cannot write. Thread-safe.
 */
public interface RetrainingStore extends AutoCloseable {

  /**
   * A loop's lease.
   *
   * @param loop the loop's name
   * @param holder who holds it (one id per loop instance)
   * @param epoch incremented on every change of hands, the fencing token
   * @param until when it expires unless renewed, epoch milliseconds
   */
  record Lease(String loop, String holder, long epoch, long until) {}

  /**
   * A trigger in the queue.
   *
   * @param loop the loop's name
   * @param key the idempotency key: a second trigger with the same key is a duplicate
   * @param time when it arrived
   * @param json the trigger itself, opaque to the store
   * @param retraining the retraining that took it, or null while pending
   */
  record StoredTrigger(String loop, String key, long time, String json, @Nullable String retraining) {}

  /**
   * One retraining.
   *
   * @param loop the loop's name
   * @param id its id, unique in the loop
   * @param created when it began
   * @param updated its last write (a heartbeat while it runs)
   * @param state its state name
   * @param epoch the lease epoch it ran under
   * @param json its whole record, opaque to the store
   */
  record StoredRetraining(String loop, String id, long created, long updated, String state, long epoch, String json) {}

  /**
   * Takes the lease if it is free or expired at {@code now} (a new epoch), or extends it if
   * {@code holder} already holds it unexpired (same epoch).
   *
   * @return the lease now held, or empty if another holder's lease is unexpired
   */
  Optional<Lease> acquire(String loop, String holder, long now, long ttlMillis);

  /** Ends the lease early if it is still {@code lease}; false if it had already passed to someone else. */
  boolean release(Lease lease);

  /** The loop's lease as stored, expired or not. */
  Optional<Lease> lease(String loop);

  /** Queues a trigger; false (and nothing written) if a trigger with the same key exists. */
  boolean addTrigger(StoredTrigger trigger);

  /** The loop's triggers with {@code time >= fromTime}, oldest first; with {@code pendingOnly}, only those no retraining took. */
  List<StoredTrigger> triggers(String loop, boolean pendingOnly, long fromTime, int limit);

  /**
   * Fenced: records a new retraining and marks the pending triggers {@code triggerKeys} as taken by it.
   *
   * @return false (nothing written) if {@code lease} is not current at {@code now}, or a trigger was already taken
   */
  boolean begin(Lease lease, long now, StoredRetraining retraining, List<String> triggerKeys);

  /** Fenced: replaces a retraining's state, update time and record. False (nothing written) if {@code lease} is not current at {@code now}. */
  boolean update(Lease lease, long now, StoredRetraining retraining);

  /**
   * Fenced: closes the still-pending triggers {@code triggerKeys} without a retraining, marking them
   * {@code marker} (for example superseded by a promotion). False if {@code lease} is not current.
   */
  boolean close(Lease lease, long now, List<String> triggerKeys, String marker);

  /** Fenced: returns the triggers a retraining took to the queue (after it was killed). False if {@code lease} is not current. */
  boolean requeue(Lease lease, long now, String retrainingId);

  /** The loop's retrainings created at or after {@code fromTime}, oldest first. */
  List<StoredRetraining> retrainings(String loop, long fromTime, int limit);

  /** The names of the loops with anything stored (a lease, a trigger or a retraining), sorted. */
  List<String> loops();

  /** One retraining. */
  Optional<StoredRetraining> retraining(String loop, String id);

  @Override
  void close();
}
