package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.retraining.RetrainingStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A retraining loop's stored history, read from a storage backend without building the loop: for a
 * web page, a report job or another process. Holds what the loop wrote there: its retrainings (the
 * promotions among them), every trigger it received with what it decided, and the points at which it
 * was resumed after a pause. This class is the one owner of how that is laid out in the
 * {@link RetrainingStore} (record formats, trigger keys, markers); nothing outside it reads the
 * stored JSON or the keys. Reads the store at each call and never writes; thread-safe.
 *
 * <pre>{@code
 * LoopHistory churn = LoopHistory.open(backend, "churn");
 * for (LoopHistory.Entry<Retraining> r : churn.retrainings()) {
 *   r.value().ifPresent(retraining -> System.out.println(retraining));
 * }
 * }</pre>
 */
public final class LoopHistory {
  /** The key prefix of a resume point (stored beside the triggers, never a trigger itself). */
  private static final String RESUME = "resume:";
  /** The marker of a trigger closed, without a retraining, by the promotion of the retraining it names. */
  private static final String SUPERSEDED = "superseded:";

  private final RetrainingStore store;
  private final String loop;

  private LoopHistory(RetrainingStore store, String loop) {
    this.store = store;
    this.loop = loop;
  }

  /** The history in a retraining store, for the loop's own reads. */
  static LoopHistory of(RetrainingStore store, String loop) {
    return new LoopHistory(store, loop);
  }

  /**
   * The history of the loop {@code loop} in {@code backend} (empty if it never stored anything).
   *
   * @throws InvalidArgumentException if either argument is null, the name is not a loop's name, or the backend keeps no
   *     retraining loops
   */
  public static LoopHistory open(StorageBackend backend, String loop) {
    Validation.notNull("backend", backend);
    String name = Validation.key("loop name", loop);
    if (!backend.offers(RetrainingStore.class)) {
      throw InvalidArgumentException.of("backend", backend, "must offer a retraining store");
    }
    return new LoopHistory(backend.store(RetrainingStore.class), name);
  }

  /** The names of the loops that stored anything in {@code backend}, sorted; none if it keeps no retraining loops. */
  public static List<String> loops(StorageBackend backend) {
    Validation.notNull("backend", backend);
    return backend.offers(RetrainingStore.class) ? backend.store(RetrainingStore.class).loops() : List.of();
  }

  /**
   * A stored record: its value, or why it cannot be read (written by an incompatible version, damaged). Exactly one of
   * {@code value} and {@code problem} is present.
   *
   * @param key the retraining's id, or the trigger's idempotency key
   * @param time epoch ms: when the retraining began, when the trigger arrived
   * @param value the record, if it can be read
   * @param problem why it cannot be read, if it cannot
   * @param <T> {@link Retraining} or {@link TriggerResult}
   */
  public record Entry<T>(String key, long time, Optional<T> value, Optional<String> problem) {
    /** The value, or a {@link StorageException} saying why it cannot be read. */
    T require() {
      return value.orElseThrow(() -> new StorageException("cannot read the stored record " + key + ": " + problem.orElse("")));
    }
  }

  /** The loop's name. */
  public String loop() {
    return loop;
  }

  /** Every retraining, oldest first. */
  public List<Entry<Retraining>> retrainings() {
    List<Entry<Retraining>> out = new ArrayList<>();
    for (RetrainingStore.StoredRetraining s : store.retrainings(loop, 0, Integer.MAX_VALUE)) {
      out.add(retraining(s));
    }
    return out;
  }

  /** One retraining, if stored. */
  public Optional<Entry<Retraining>> retraining(String id) {
    return store.retraining(loop, Validation.notNull("id", id)).map(LoopHistory::retraining);
  }

  /** The retrainings that promoted their challenger (the registry's alias moved to it), oldest first; unreadable ones left out. */
  public List<Retraining> promotions() {
    return retrainings().stream().flatMap(e -> e.value().stream()).filter(r -> r.state() == Retraining.State.PROMOTED).toList();
  }

  /**
   * Every trigger received, oldest first, with what the loop decided; a trigger queued while a retraining ran that then
   * promoted a new champion reads {@link TriggerResult.Outcome#SUPERSEDED}. Duplicates are not stored (only reported to
   * the caller that offered them), and resume points are not triggers ({@link #resumes()}).
   */
  public List<Entry<TriggerResult>> triggers() {
    List<Entry<TriggerResult>> out = new ArrayList<>();
    for (RetrainingStore.StoredTrigger s : store.triggers(loop, false, 0, Integer.MAX_VALUE)) {
      if (!s.key().startsWith(RESUME)) {
        out.add(trigger(s));
      }
    }
    return out;
  }

  /** When the loop was resumed after a pause ({@link RetrainingLoop#resume()}), oldest first: failures before one no longer count. */
  public List<Instant> resumes() {
    return store.triggers(loop, false, 0, Integer.MAX_VALUE).stream().filter(s -> s.key().startsWith(RESUME))
        .map(s -> Instant.ofEpochMilli(s.time())).sorted().toList();
  }

  // ------------------------------------------------------------------ the loop's writes and its own reads

  /** Every retraining as a record, oldest first. */
  List<Retraining> records() {
    return retrainings().stream().map(Entry::require).toList();
  }

  /**
   * Whether a loop pausing after {@code maxFailures} failed attempts in a row is paused on {@code records} (a history
   * already read): its last {@code maxFailures} attempts since the last resume all failed.
   */
  boolean paused(List<Retraining> records, int maxFailures) {
    if (maxFailures <= 0) {
      return false;
    }
    List<Instant> resumes = resumes();
    long resumed = resumes.isEmpty() ? Long.MIN_VALUE : resumes.get(resumes.size() - 1).toEpochMilli();
    List<Retraining> h = records.stream().filter(r -> r.created() >= resumed && r.state().terminal()).toList();
    return h.size() >= maxFailures && h.subList(h.size() - maxFailures, h.size()).stream().allMatch(r -> r.state().failure());
  }

  /** The triggers no retraining took yet, oldest first (at most {@code limit}). */
  List<RetrainingStore.StoredTrigger> pending(int limit) {
    return store.triggers(loop, true, 0, limit);
  }

  /** The trigger a pending entry holds. */
  static Trigger pendingTrigger(RetrainingStore.StoredTrigger s) {
    return LoopJson.read(s.json(), LoopJson.Entry.class).trigger();
  }

  /** The store's form of a trigger and what the loop decided, taken already ({@code marker}) unless it is queued. */
  RetrainingStore.StoredTrigger stored(TriggerResult decided, @org.jspecify.annotations.Nullable String marker) {
    Trigger t = decided.trigger();
    return new RetrainingStore.StoredTrigger(loop, t.key(), t.time(), LoopJson.write(new LoopJson.Entry(t, decided.outcome(), decided.detail())),
        marker);
  }

  /** The store's form of a retraining. */
  RetrainingStore.StoredRetraining stored(Retraining r) {
    return new RetrainingStore.StoredRetraining(loop, r.id(), r.created(), r.updated(), r.state().name(), r.epoch(), LoopJson.write(r));
  }

  /** A resume point at {@code now}. */
  RetrainingStore.StoredTrigger resumePoint(long now) {
    return new RetrainingStore.StoredTrigger(loop, RESUME + now + ":" + UUID.randomUUID(), now, "{}", "resume");
  }

  /** The marker closing triggers answered by the promotion of retraining {@code id}. */
  static String supersededBy(String id) {
    return SUPERSEDED + id;
  }

  private static Entry<Retraining> retraining(RetrainingStore.StoredRetraining s) {
    try {
      return new Entry<>(s.id(), s.created(), Optional.of(LoopJson.read(s.json(), Retraining.class)), Optional.empty());
    } catch (StorageException e) {
      return new Entry<>(s.id(), s.created(), Optional.empty(), Optional.of(e.getMessage()));
    }
  }

  private static Entry<TriggerResult> trigger(RetrainingStore.StoredTrigger s) {
    try {
      LoopJson.Entry e = LoopJson.read(s.json(), LoopJson.Entry.class);
      String taken = s.retraining();
      TriggerResult r = taken != null && taken.startsWith(SUPERSEDED)
          ? new TriggerResult(TriggerResult.Outcome.SUPERSEDED, e.trigger(), "queued before retraining "
              + taken.substring(SUPERSEDED.length()) + " promoted a new champion: it was about the replaced one")
          : new TriggerResult(e.outcome(), e.trigger(), e.detail());
      return new Entry<>(s.key(), s.time(), Optional.of(r), Optional.empty());
    } catch (StorageException e) {
      return new Entry<>(s.key(), s.time(), Optional.empty(), Optional.of(e.getMessage()));
    }
  }

  @Override
  public String toString() {
    return "LoopHistory[" + loop + "]";
  }
}
