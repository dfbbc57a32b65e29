package dev.mlops.serving;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The last {@code capacity} answered requests, by request id, for feedback to join: first in, first
 * out. An answer is registered on the caller's thread before {@code predict} returns, and leaves
 * only when {@code capacity} answers registered after it have taken its place, so a label for any
 * of the last {@code capacity} answers always joins, whatever the load.
 *
 * <p>Not a cache: a size-bounded cache (Caffeine's included) chooses which entry to evict by how
 * likely it is to be read again and may evict an entry it has just admitted, which refused labels
 * for answers given a moment before. Here each answer takes the next slot of a ring (one atomic
 * increment) and replaces the answer registered {@code capacity} slots earlier. Lock-free.
 */
final class FeedbackWindow {
  /**
   * A served request remembered until its feedback arrives: who answered, and what; {@code labelled}
   * is set by the first label that joins it, so a label delivered twice (a retried call) counts once
   * in the variant's figures.
   */
  record Issued(String id, long seq, Variant<?> variant, String output, double score, AtomicBoolean labelled) {
    /** Whether this call is the first to label the request: false for a repeated label. */
    boolean firstLabel() {
      return labelled.compareAndSet(false, true);
    }
  }

  private final int capacity;
  private final ConcurrentHashMap<String, Issued> byId;
  private final AtomicReferenceArray<@Nullable Issued> ring;
  private final AtomicLong next = new AtomicLong();

  FeedbackWindow(int capacity) {
    this.capacity = capacity;
    this.byId = new ConcurrentHashMap<>(capacity);
    this.ring = new AtomicReferenceArray<>(capacity);
  }

  /** Registers an answer; the answer registered {@code capacity} answers before it leaves the window. */
  void add(String id, Variant<?> variant, String output, double score) {
    long seq = next.getAndIncrement();
    Issued issued = new Issued(id, seq, variant, output, score, new AtomicBoolean());
    byId.put(id, issued);
    int slot = (int) (seq % capacity);
    while (true) {
      Issued there = ring.get(slot);
      if (there != null && there.seq() > seq) {
        // this thread was held so long that a full window of newer answers passed it: it is already out
        byId.remove(id, issued);
        return;
      }
      if (ring.compareAndSet(slot, there, issued)) {
        if (there != null) {
          byId.remove(there.id(), there);
        }
        return;
      }
    }
  }

  /** The answer with this id, or null when it is unknown or left the window. */
  @Nullable Issued get(String id) {
    return byId.get(id);
  }
}
