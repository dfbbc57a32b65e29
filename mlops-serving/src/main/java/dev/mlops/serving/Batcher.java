package dev.mlops.serving;

import dev.mlops.api.internal.DaemonThreads;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.Prediction;

/**
 * One variant's micro-batcher over a bounded queue (full: {@link CapacityException}); each batch is
 * predicted with one call. Two ways of running the batches:
 * <ul>
 *   <li>with no delay ({@link Batching#noDelay}), the callers run them themselves (combining): a
 *       caller that finds no batch running becomes the leader, predicts what is queued (its own
 *       request among it) in batches until its own answer is in, then wakes the oldest waiting caller
 *       to lead the next; the others wait for their answers. No thread hands a request to another
 *       before the model runs, so a batch costs one wake-up per follower and none for the leader;</li>
 *   <li>with a delay (fixed or adaptive), one dispatcher thread gathers requests for up to the delay
 *       and predicts each batch.</li>
 * </ul>
 * Requests of one batch that started on different versions (a swap happened meanwhile) are
 * predicted by the version each started with.
 */
final class Batcher<T extends Output<T>> implements AutoCloseable {
  private final String endpoint;
  private final ServingMetrics metrics;
  private final Batching config;
  private final ConcurrentLinkedQueue<Pending<T>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final int capacity;
  private final boolean combining;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final @Nullable Thread dispatcher;
  private volatile boolean running = true;
  private volatile long delayNanos;
  private double ewmaBatchNanos = Double.NaN;

  /** A request waiting for its batch: answered once, by whichever thread predicts its batch. */
  private static final class Pending<T extends Output<T>> {
    final Example<T> example;
    final Variant.Active<T> active;
    final Thread waiter;
    private @Nullable Prediction<T> value;
    private @Nullable RuntimeException error;
    private volatile boolean done;

    Pending(Example<T> example, Variant.Active<T> active, Thread waiter) {
      this.example = example;
      this.active = active;
      this.waiter = waiter;
    }

    void answer(@Nullable Prediction<T> v, @Nullable RuntimeException e) {
      value = v;
      error = e;
      done = true; // publishes value and error
      if (waiter != Thread.currentThread()) {
        LockSupport.unpark(waiter);
      }
    }

    Prediction<T> result() {
      if (error != null) {
        throw error;
      }
      return java.util.Objects.requireNonNull(value);
    }
  }

  Batcher(Scope<T> scope, Variant<T> variant, Batching config) {
    this.endpoint = scope.endpoint();
    this.metrics = scope.metrics();
    this.config = config;
    this.capacity = Math.max(config.maxBatchSize() * 4, 1024);
    this.combining = config.maxDelay().isZero() && !config.adaptive();
    this.delayNanos = config.adaptive() ? 0 : config.maxDelay().toNanos();
    this.dispatcher = combining ? null : DaemonThreads.start("mlops-endpoint-" + endpoint + "-batch-" + variant.name, this::run);
  }

  Prediction<T> predict(Example<T> example, Variant.Active<T> active) {
    Pending<T> p = new Pending<>(example, active, Thread.currentThread());
    if (!running || !admit(p)) {
      throw new CapacityException("endpoint '" + endpoint + "' is at capacity: its batch queue of " + capacity + " requests is full");
    }
    while (!p.done) {
      if (combining && leading.compareAndSet(false, true)) {
        try {
          lead(p);
        } finally {
          leading.set(false);
          wakeOldest();
        }
        continue;
      }
      LockSupport.park(this);
      if (Thread.interrupted() && !p.done) {
        Thread.currentThread().interrupt();
        if (queue.remove(p)) { // not taken into a batch yet: nobody predicts it now
          queued.decrementAndGet();
        }
        if (combining) {
          wakeOldest(); // this caller may have been the one woken to lead: pass that on
        }
        throw new EndpointUnavailableException("interrupted while waiting for a batch of endpoint '" + endpoint + "'");
      }
    }
    return p.result();
  }

  private boolean admit(Pending<T> p) {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      return false;
    }
    queue.add(p);
    if (!combining) {
      LockSupport.unpark(dispatcher);
    }
    return true;
  }

  private @Nullable Pending<T> take() {
    Pending<T> p = queue.poll();
    if (p != null) {
      queued.decrementAndGet();
    }
    return p;
  }

  /** As the leader: predicts the queue's requests, oldest first, in batches, until {@code own} is answered. */
  private void lead(Pending<T> own) {
    List<Pending<T>> batch = new ArrayList<>(Math.min(config.maxBatchSize(), 64));
    while (!own.done) {
      Pending<T> p;
      while (batch.size() < config.maxBatchSize() && (p = take()) != null) {
        batch.add(p);
      }
      if (batch.isEmpty()) {
        return; // cannot happen while this thread leads: a request is answered before its leader lets go
      }
      dispatch(batch);
      batch.clear();
    }
  }

  /** Wakes the oldest waiting caller, if any, to lead the next batch (a leader always checks after letting go). */
  private void wakeOldest() {
    Pending<T> oldest = queue.peek();
    if (oldest != null) {
      LockSupport.unpark(oldest.waiter);
    }
  }

  /** The dispatcher of a batcher with a delay: gathers for up to the delay, then predicts. */
  private void run() {
    List<Pending<T>> batch = new ArrayList<>(Math.min(config.maxBatchSize(), 64));
    while (running || !queue.isEmpty()) {
      Pending<T> first = take();
      if (first == null) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
        continue;
      }
      batch.add(first);
      long deadline = System.nanoTime() + delayNanos;
      while (batch.size() < config.maxBatchSize()) {
        Pending<T> next = take();
        if (next != null) {
          batch.add(next);
          continue;
        }
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
          break;
        }
        LockSupport.parkNanos(this, wait); // a new request unparks this thread
      }
      dispatch(batch);
      batch.clear();
    }
  }

  private void dispatch(List<Pending<T>> batch) {
    try {
      predictAll(batch);
    } finally {
      // an Error on the way (or a bug) must not leave a caller waiting forever
      for (Pending<T> p : batch) {
        if (!p.done) {
          p.answer(null, new IllegalStateException("the batch of endpoint '" + endpoint + "' ended without an answer for this request"));
        }
      }
    }
  }

  private void predictAll(List<Pending<T>> batch) {
    long start = System.nanoTime();
    Map<Variant.Active<T>, List<Pending<T>>> byVersion = new IdentityHashMap<>();
    for (Pending<T> p : batch) {
      byVersion.computeIfAbsent(p.active, k -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<Variant.Active<T>, List<Pending<T>>> g : byVersion.entrySet()) {
      List<Pending<T>> group = g.getValue();
      List<Example<T>> examples = new ArrayList<>(group.size());
      for (Pending<T> p : group) {
        examples.add(p.example);
      }
      List<Prediction<T>> out;
      try {
        out = g.getKey().model.predictBatch(examples);
        if (out.size() != group.size()) {
          throw new IllegalStateException("the model answered a batch of " + group.size() + " requests with " + out.size() + " predictions");
        }
      } catch (RuntimeException e) {
        for (Pending<T> p : group) {
          p.answer(null, e);
        }
        continue;
      }
      for (int i = 0; i < group.size(); i++) {
        group.get(i).answer(out.get(i), null);
      }
    }
    metrics.batch(endpoint, batch.size());
    if (config.adaptive()) {
      long cost = System.nanoTime() - start;
      ewmaBatchNanos = Double.isNaN(ewmaBatchNanos) ? cost : 0.8 * ewmaBatchNanos + 0.2 * cost;
      delayNanos = Math.min(config.maxDelay().toNanos(), (long) (ewmaBatchNanos / 2));
    }
  }

  int depth() {
    return queued.get();
  }

  @Override
  public void close() {
    running = false;
    if (dispatcher != null) {
      LockSupport.unpark(dispatcher);
      try {
        dispatcher.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
