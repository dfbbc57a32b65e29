package dev.mlops.api.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The storage SPI of the model registry. Writes go through one atomic operation,
 * {@link #transaction}: the work sees a consistent state, its writes become visible together, and
 * write transactions never interleave, across threads and, for shared stores, across processes.
 * Reads go through {@link #read}: a consistent snapshot that takes no writers' lock, so a fleet of
 * services polling the registry never queues behind a writer or behind each other. Every rule
 * (version numbering, alias moves, approvals, the audit chain) lives in {@code ModelRegistry} and
 * runs inside such a transaction, so a store is a small, typed key-value layer.
 *
 * <p>Implementations pass {@code dev.mlops.testkit.RegistryStoreContract}.
 */
public interface RegistryStore extends AutoCloseable {

  /** Runs {@code work} atomically and exclusively; an exception rolls every write back and passes through. */
  <T> T transaction(Function<Tx, T> work);

  /**
   * Runs read-only {@code work} on a consistent snapshot (every read sees the same committed
   * state), without waiting for or blocking writers.
   */
  <T> T read(Function<View, T> work);

  /** Audit entries with {@code seq > afterSeq}, in storage order, at most {@code limit}. */
  List<AuditEntry> audit(long afterSeq, int limit);

  /** Events with {@code seq > afterSeq}, in order, at most {@code limit}. */
  List<RegistryEvent> events(long afterSeq, int limit);

  /** The sequence number of the newest event, 0 if there is none. */
  long lastEventSeq();

  /** The stored cursor of a durable listener, 0 if none. */
  long cursor(String consumer);

  /** Stores the cursor of a durable listener. */
  void saveCursor(String consumer, long seq);

  @Override
  void close();

  /** The reads available in a snapshot and inside a transaction. */
  interface View {
    /** A model by name. */
    Optional<RegisteredModel> model(String name);

    /** Every model, by name. */
    List<RegisteredModel> models();

    /** A version of a model. */
    Optional<ModelVersion> version(String name, int version);

    /** Versions of a model, by number. */
    List<ModelVersion> versions(String name);

    /** Aliases of a model: alias to version, by alias. */
    Map<String, Integer> aliases(String name);

    /** A promotion request by id. */
    Optional<PromotionRequest> request(String id);

    /** Requests of a model, in creation order. */
    List<PromotionRequest> requests(String name);

    /** The last audit entry, if any. */
    Optional<AuditEntry> lastAudit();
  }

  /** The operations available inside a transaction: every read plus the writes. */
  interface Tx extends View {
    /** Creates or replaces a model. */
    void putModel(RegisteredModel model);

    /** Deletes a model with its versions, aliases and requests. */
    void deleteModel(String name);

    /** Creates or replaces a version. */
    void putVersion(ModelVersion version);

    /** Deletes a version (its aliases are the caller's to delete first). */
    void deleteVersion(String name, int version);

    /** Points an alias at a version, creating or moving it. */
    void putAlias(String name, String alias, int version);

    /** Deletes an alias. */
    void deleteAlias(String name, String alias);

    /** Creates or replaces a promotion request. */
    void putRequest(PromotionRequest request);

    /** Appends an entry; its seq must be the last seq + 1 (a store refuses anything else). */
    void appendAudit(AuditEntry entry);

    /**
     * Appends an event (its own {@code seq} is ignored); the store assigns the next sequence
     * number, greater than every earlier one, and returns it. Store it with
     * {@link RegistryEventCodec} if the store is not in memory.
     */
    long appendEvent(RegistryEvent event);
  }
}
