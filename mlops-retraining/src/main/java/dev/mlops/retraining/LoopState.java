package dev.mlops.retraining;

import dev.mlops.api.internal.Listeners;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What one loop instance remembers while it runs, shared by the loop and its worker: the retrainings it began, the
 * leases it lost and why, the promotion whose references its monitors hold, its listeners, the lease thread and how to
 * ask the worker for another pass. Thread-safe.
 */
final class LoopState {
  /** Renews held leases and does nothing else, so that neither polling nor the worker can delay a renewal. */
  final ScheduledExecutorService leaseTimer;
  private final Listeners<Consumer<Retraining>> listeners;
  private final Runnable drain;
  private final Set<String> begunHere = ConcurrentHashMap.newKeySet();
  private final Map<Long, String> leaseLosses = new ConcurrentHashMap<>();
  private volatile @Nullable String appliedReference;

  LoopState(String loop, ScheduledExecutorService leaseTimer, Runnable drain) {
    this.leaseTimer = leaseTimer;
    this.listeners = new Listeners<>("retraining listener of loop " + loop);
    this.drain = drain;
  }

  void addListener(Consumer<Retraining> listener) {
    listeners.add(listener);
  }

  /** Calls the listeners with {@code r}, each failure isolated. */
  void publish(Retraining r) {
    listeners.fire(l -> l.accept(r), "retraining " + r.id());
  }

  /** Asks the worker for a pass (never on the caller's thread). */
  void requestDrain() {
    drain.run();
  }

  /** Notes a retraining this instance began, so that if its lease lapses this instance knows it was still alive. */
  void begin(String retrainingId) {
    begunHere.add(retrainingId);
  }

  boolean begunHere(String retrainingId) {
    return begunHere.contains(retrainingId);
  }

  /** Notes why this instance lost the lease of {@code epoch}. */
  void leaseLost(long epoch, String why) {
    leaseLosses.put(epoch, why);
  }

  /** Why this instance lost the lease of {@code epoch}, or null if it did not. */
  @Nullable String leaseLoss(long epoch) {
    return leaseLosses.get(epoch);
  }

  /** How many leases this instance lost while it held them. */
  int leaseLosses() {
    return leaseLosses.size();
  }

  /** Notes that the watched monitors hold the references of retraining {@code id}. */
  void markReferenceApplied(String id) {
    appliedReference = id;
  }

  /** Whether the watched monitors hold the references of retraining {@code id}. */
  boolean referenceApplied(@Nullable String id) {
    return id != null && id.equals(appliedReference);
  }
}
