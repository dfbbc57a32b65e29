package dev.mlops.retraining;

import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.retraining.RetrainingStore.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the lease of one worker pass alive from the moment it is taken until the pass releases it. Renewals run every
 * quarter of the time to live on the loop's lease thread, which does nothing else: neither the polling timer (a slow
 * performance signal, a long history read) nor the worker (training, evaluation, a rollout that waits) can delay them.
 * A renewal that finds the lease expired or in another holder's hands never takes a new one: the lease is lost, the
 * reason is kept, and every later fenced write of the pass fails with it.
 */
final class LeaseKeeper implements AutoCloseable {
  private final LoopConfig<?> config;
  private final LoopState state;
  private final RetrainingStore store;
  private final long ttl;
  private final long period;
  private Lease lease;
  private long renewedAt;
  private @Nullable String lost;
  private boolean closed;
  private @Nullable ScheduledFuture<?> renewals;

  private LeaseKeeper(LoopConfig<?> config, LoopState state, Lease taken, long takenAt) {
    this.config = config;
    this.state = state;
    this.store = config.store();
    this.ttl = config.leaseTtl().toMillis();
    this.period = period(config.leaseTtl());
    this.lease = taken;
    this.renewedAt = takenAt;
  }

  /** How often a held lease is renewed: a quarter of its time to live. */
  static long period(Duration ttl) {
    return Math.max(1, ttl.toMillis() / 4);
  }

  /** Starts keeping {@code taken}, taken at {@code takenAt} (the loop's clock): the first renewal is a period later. */
  static LeaseKeeper start(LoopConfig<?> config, LoopState state, Lease taken, long takenAt) {
    LeaseKeeper k = new LeaseKeeper(config, state, taken, takenAt);
    synchronized (k) {
      k.renewals = state.leaseTimer.scheduleWithFixedDelay(k::renewQuietly, k.period, k.period, TimeUnit.MILLISECONDS);
    }
    return k;
  }

  /** The lease as last renewed. */
  synchronized Lease lease() {
    return lease;
  }

  /**
   * Renews the lease now and checks it is still this pass's: every side effect outside the store is preceded by this.
   *
   * @throws Worker.LeaseLost if it expired or passed to another holder
   */
  synchronized Lease renew() {
    if (lost != null) {
      throw new Worker.LeaseLost(lost);
    }
    long now = config.clock().millis();
    Optional<Lease> stored = store.lease(config.name());
    if (stored.isPresent() && ours(stored.get()) && stored.get().until() > now) {
      Optional<Lease> renewed = store.acquire(config.name(), config.holder(), now, ttl);
      if (renewed.isPresent() && renewed.get().epoch() == lease.epoch()) {
        lease = renewed.get();
        renewedAt = now;
        return lease;
      }
      // it expired between the read and the renewal: a fresh epoch is not this pass's to keep
      renewed.ifPresent(store::release);
      stored = store.lease(config.name());
    }
    throw lose(stored, now);
  }

  /**
   * The failure of a fenced write the store refused: the lease was lost. Says why (expired while this holder worked, or
   * taken by another holder), checking the store if no renewal noticed it yet.
   */
  synchronized Worker.LeaseLost lost() {
    return lost != null ? new Worker.LeaseLost(lost) : lose(store.lease(config.name()), config.clock().millis());
  }

  private boolean ours(Lease l) {
    return l.epoch() == lease.epoch() && l.holder().equals(lease.holder());
  }

  private Worker.LeaseLost lose(Optional<Lease> stored, long now) {
    String why;
    if (stored.isPresent() && !ours(stored.get())) {
      why = "the lease of loop " + config.name() + " (epoch " + lease.epoch() + ") passed to " + stored.get().holder() + " under epoch "
          + stored.get().epoch();
    } else {
      why = "the lease of loop " + config.name() + " (epoch " + lease.epoch() + ") expired at " + Instant.ofEpochMilli(lease.until())
          + " while its holder " + config.holder() + " was still working: it was last renewed at " + Instant.ofEpochMilli(renewedAt)
          + " and found expired at " + Instant.ofEpochMilli(now) + " (time to live " + config.leaseTtl() + ", renewed every " + period
          + " ms when its thread runs)";
    }
    lost = why;
    state.leaseLost(lease.epoch(), why);
    cancel();
    return new Worker.LeaseLost(why);
  }

  private synchronized void renewQuietly() {
    if (closed || lost != null) {
      return;
    }
    try {
      renew();
    } catch (Worker.LeaseLost e) {
      RetrainingLoop.LOG.error("retraining loop {}: {}; the retraining in progress will not write again", config.name(), e.getMessage());
    } catch (RuntimeException e) {
      // the store may be unreachable for a moment: the next renewal tries again while the lease lasts
      RetrainingLoop.LOG.warn("retraining loop {}: renewing the lease (epoch {}) failed: {}", config.name(), lease.epoch(), e.toString());
    }
  }

  private synchronized void cancel() {
    if (renewals != null) {
      renewals.cancel(false);
    }
  }

  /** Stops renewing; a renewal in progress completes first. */
  @Override
  public synchronized void close() {
    closed = true;
    cancel();
  }
}
