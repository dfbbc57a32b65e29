package dev.mlops.serving;

import dev.mlops.api.internal.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jctools.queues.MpscArrayQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded, lock-free hand-offs from request threads to one background worker thread per endpoint.
 * Each {@link Lane} (shadow traffic, prediction logging) has its own bounded queue (JCTools'
 * multi-producer single-consumer array queue: an offer is one CAS, no allocation, and fails at
 * once when the queue is full) and its own consumer; {@link Lane#offer} never blocks (a full lane
 * refuses the item, and the caller counts what it dropped by kind). The worker takes one item from each lane in
 * turn, isolating the consumers' failures. One thread serves every lane so that background work
 * competes with request threads for one core at most, not one per kind of work.
 *
 * <p>The worker also keeps to a share of one core ({@code share}, 1 for no limit): it may work
 * without pause for a few milliseconds ({@link #BURST_NANOS}), then it works at most {@code share}
 * of the wall-clock time, parking between items to pay back what it used; producers do not wake it
 * during such a pause, so its lanes fill and drop (counted) rather than the worker taking a caller's
 * core. The time counted is wall-clock time spent in the consumers, an upper bound of the CPU
 * time they used.
 */
final class Handoff implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Handoff.class);

  private static final int SPINS = 64;
  private static final int SKIP_WHEN_FULL = 32;
  private final List<Lane<?>> lanes = new ArrayList<>();
  private final String name;
  private Lane<?>[] order = new Lane<?>[0];
  private Thread worker;
  /** Awake, napping (a short timed park after recent work: producers do not wake it unless a lane fills) or asleep. */
  private volatile int rest;
  private static final int AWAKE = 0;
  private static final int NAPPING = 1;
  private static final int ASLEEP = 2;
  /** Naps of {@link #NAP_NANOS} without work before the worker sleeps until woken. */
  private static final int NAPS = 100;
  private static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** Set before the worker polls, cleared only after a pass over every lane found nothing: idle when clear and empty. */
  private volatile boolean busy;
  private volatile boolean running = true;
  /** Paused to keep to its share of a core: producers do not wake it. */
  private static final int PACING = 3;
  /** Work the worker may do without a pause, and the most its unused share builds up to. */
  static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
  /** Passes over the lanes between two readings of the clock while the worker is busy. */
  private static final int PASSES_PER_READING = 16;
  private final double share;

  /** A hand-off whose worker takes at most {@code share} of one core (in (0, 1]; 1: no limit). */
  Handoff(String name, double share) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1]: " + share);
    }
    this.name = name;
    this.share = share;
  }

  /** A lane of at least {@code capacity} items (rounded up to a power of two) for {@code consumer}; before {@link #start}. */
  <E> Lane<E> lane(int capacity, Consumer<E> consumer) {
    if (worker != null) {
      throw new IllegalStateException("lanes are added before the worker starts");
    }
    Lane<E> lane = new Lane<>(this, capacity, consumer);
    lanes.add(lane);
    return lane;
  }

  /** Starts the worker when any lane was added; idempotent. */
  Handoff start() {
    if (worker == null && !lanes.isEmpty()) {
      order = lanes.toArray(new Lane<?>[0]);
      worker = DaemonThreads.start(name, this::run);
    }
    return this;
  }

  /** One kind of background work: its queue and consumer. */
  static final class Lane<E> {
    private final Handoff owner;
    private final MpscArrayQueue<E> queue;
    private final Consumer<E> consumer;
    private final int half;
    /**
     * Offers still to drop after the lane was found full, until the worker finds it empty; racy by
     * design (a lost update only changes how many are skipped).
     */
    private int skip;

    private Lane(Handoff owner, int capacity, Consumer<E> consumer) {
      this.owner = owner;
      this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
      this.half = queue.capacity() / 2;
      this.consumer = consumer;
    }

    /**
     * Whether the next offer would be dropped without looking at the queue (the lane was found full
     * and has not been drained since); when true, that offer is counted as made, so that a caller
     * can drop its item before building it.
     */
    boolean skipping() {
      if (skip > 0) {
        skip--;
        return true;
      }
      return false;
    }

    /** Queues an item for the worker; false when the lane is full or closed (the item is dropped). Never blocks. */
    boolean offer(E item) {
      // once the lane was found full, the next offers drop without touching the queue: a failed
      // offer reads the index the worker keeps writing, which costs a cache miss per request
      if (skip > 0) {
        skip--;
        return false;
      }
      if (!owner.running || !queue.offer(item)) {
        skip = SKIP_WHEN_FULL;
        return false;
      }
      // waking a parked thread is a system call: a napping worker wakes by itself within a
      // millisecond, so it is woken only when this lane is half full; a sleeping one always
      int rest = owner.rest;
      if (rest == ASLEEP || rest == NAPPING && queue.size() > half) {
        LockSupport.unpark(owner.worker);
      }
      return true;
    }

    /** Runs one queued item; whether there was one. */
    private boolean runOne(String worker) {
      E item = queue.relaxedPoll();
      if (item == null) {
        // the lane is drained: offers that were still to be skipped would drop into an empty queue
        if (skip != 0) {
          skip = 0;
        }
        return false;
      }
      try {
        consumer.accept(item);
      } catch (RuntimeException | Error e) {
        // the consumers count their own failures (a shadow's errors, labels that missed)
        LOG.debug("{} failed on an item", worker, e);
      }
      return true;
    }

    int depth() {
      return queue.size();
    }
  }

  private boolean empty() {
    for (Lane<?> l : order) {
      if (!l.queue.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private void run() {
    int idle = 0;
    int naps = 0;
    Pacer pacer = share < 1 ? new Pacer(share, System.nanoTime()) : null;
    int passes = 0;
    // when the current stretch of work began, if the worker is in one
    long burst = 0;
    boolean working = false;
    while (running || !empty()) {
      if (!busy) {
        busy = true;
      }
      long start = working ? burst : System.nanoTime();
      boolean any = false;
      for (Lane<?> l : order) {
        any |= l.runOne(name);
      }
      if (any) {
        idle = 0;
        naps = 0;
        burst = start;
        working = true;
        if (++passes == PASSES_PER_READING) {
          passes = 0;
          burst = account(burst, pacer);
        }
        continue;
      }
      if (working) {
        account(burst, pacer);
        working = false;
        passes = 0;
      }
      busy = false;
      // spin a little before parking: under steady traffic the next item is microseconds away
      if (++idle < SPINS) {
        Thread.onSpinWait();
        continue;
      }
      idle = 0;
      boolean nap = naps++ < NAPS;
      rest = nap ? NAPPING : ASLEEP;
      if (empty() && running) {
        LockSupport.parkNanos(this, nap ? NAP_NANOS : TimeUnit.MILLISECONDS.toNanos(50));
      }
      rest = AWAKE;
    }
    busy = false;
  }

  /**
   * Charges the work done since {@code since} to the pacer (none: no limit) and pauses for as long
   * as the share requires; the time the next stretch of work starts from.
   */
  private long account(long since, @Nullable Pacer pacer) {
    long now = System.nanoTime();
    if (pacer == null || !running) {
      return now;
    }
    long pause = pacer.worked(now, now - since);
    if (pause <= 0) {
      return now;
    }
    rest = PACING;
    long until = now + pause;
    for (long left = pause; left > 0 && running; left = until - System.nanoTime()) {
      LockSupport.parkNanos(this, left);
    }
    rest = AWAKE;
    return System.nanoTime();
  }

  /**
   * A worker's budget of work: it fills at {@code share} of the wall-clock time up to
   * {@link #BURST_NANOS}, and the work done is taken from it; in debt, the worker pauses until the
   * budget is back to zero. Not thread-safe: the worker's own.
   */
  static final class Pacer {
    private final double share;
    private long budget = BURST_NANOS;
    private long filledAt;

    /** A full budget at {@code now} (nanoseconds of the clock later calls use). */
    Pacer(double share, long now) {
      this.share = share;
      this.filledAt = now;
    }

    /** Takes {@code worked} nanoseconds of work, at {@code now}; how long to pause (0: none). */
    long worked(long now, long worked) {
      budget = Math.min(BURST_NANOS, budget + (long) ((now - filledAt) * share)) - worked;
      filledAt = now;
      return budget >= 0 ? 0 : (long) (-budget / share);
    }
  }

  /** Waits until every lane is empty and its last item is processed, up to {@code timeoutMillis}; whether they are. */
  boolean awaitIdle(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (!busy && empty()) {
        return true;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return false;
  }

  /** Stops taking items, lets the worker finish what is queued (up to a few seconds) and ends it. */
  @Override
  public void close() {
    running = false;
    Thread w = worker;
    if (w == null) {
      return;
    }
    LockSupport.unpark(w);
    try {
      w.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
