package dev.mlops.api.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The storage SPI of the model registry. It offers one atomic operation, {@link #transaction}: the
 * work sees a consistent state, its writes become visible together, and transactions never
 * interleave, across threads and, for shared stores, across processes. Every rule (version
 * numbering, alias moves, approvals, the audit chain) lives in {@code ModelRegistry} and runs inside
 * such a transaction, so a store is a small, typed key-value layer.
 *
 * <p>Implementations pass {@code dev.mlops.testkit.RegistryStoreContract}.
 */
public interface RegistryStore extends AutoCloseable {

  /** Runs {@code work} atomically and exclusively; an exception rolls every write back. */
  <T> T transaction(Function<Tx, T> work);

  /** Audit entries with {@code seq > afterSeq}, in storage order, at most {@code limit}. */
  List<AuditEntry> audit(long afterSeq, int limit);

  /** Events with {@code seq > afterSeq}, in order, at most {@code limit}. */
  List<RegistryEvent> events(long afterSeq, int limit);

  /** The stored cursor of a durable listener, 0 if none. */
  long cursor(String consumer);

  /** Stores the cursor of a durable listener. */
  void saveCursor(String consumer, long seq);

  @Override
  void close();

  /** The operations available inside a transaction. */
  interface Tx {
    Optional<RegisteredModel> model(String name);

    List<RegisteredModel> models();

    void putModel(RegisteredModel model);

    /** Deletes a model with its versions, aliases and requests. */
    void deleteModel(String name);

    Optional<ModelVersion> version(String name, int version);

    /** Versions of a model, by number. */
    List<ModelVersion> versions(String name);

    void putVersion(ModelVersion version);

    void deleteVersion(String name, int version);

    /** Aliases of a model: alias to version. */
    Map<String, Integer> aliases(String name);

    void putAlias(String name, String alias, int version);

    void deleteAlias(String name, String alias);

    Optional<PromotionRequest> request(String id);

    /** Requests of a model, in creation order. */
    List<PromotionRequest> requests(String name);

    void putRequest(PromotionRequest request);

    /** The last audit entry, if any. */
    Optional<AuditEntry> lastAudit();

    /** Appends an entry; its seq must be the last seq + 1. */
    void appendAudit(AuditEntry entry);

    /** Appends an event; the store assigns and returns its seq. */
    long appendEvent(String model, String type, String payload, long time);
  }
}
