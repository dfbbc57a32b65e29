package dev.mlops.serving;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, lock-free hand-off from request threads to one background worker: {@link #offer}
 * never blocks (a full queue drops the item and counts it), and the worker calls the consumer
 * item by item, isolating its failures. Used for shadow traffic and prediction logging.
 */
final class Handoff<E> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Handoff.class);

  private static final int SPINS = 64;
  private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;
  private final Consumer<E> consumer;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder done = new LongAdder();
  private final Thread worker;
  private volatile boolean waiting;
  private volatile boolean running = true;

  Handoff(String name, int capacity, Consumer<E> consumer) {
    this.capacity = capacity;
    this.consumer = consumer;
    this.worker = new Thread(this::run, name);
    worker.setDaemon(true);
    worker.start();
  }

  /** Queues an item for the worker; false (and counted) when the queue is full or closed. Never blocks. */
  boolean offer(E item) {
    if (!running || size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      dropped.increment();
      return false;
    }
    queue.offer(item);
    if (waiting) {
      LockSupport.unpark(worker);
    }
    return true;
  }

  private void run() {
    int idle = 0;
    while (running || !queue.isEmpty()) {
      E item = queue.poll();
      if (item == null) {
        // spin a little before parking: under steady traffic the next item is microseconds away, and
        // waking a parked worker costs the producer far more than the spin costs this thread
        if (++idle < SPINS) {
          Thread.onSpinWait();
          continue;
        }
        waiting = true;
        if (queue.isEmpty() && running) {
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
        }
        waiting = false;
        idle = 0;
        continue;
      }
      idle = 0;
      size.decrementAndGet();
      try {
        consumer.accept(item);
      } catch (RuntimeException | Error e) {
        failed.increment();
        LOG.debug("{} failed on an item", worker.getName(), e);
      } finally {
        done.increment();
      }
    }
  }

  int depth() {
    return size.get();
  }

  long dropped() {
    return dropped.sum();
  }

  long failed() {
    return failed.sum();
  }

  long processed() {
    return done.sum();
  }

  /** Waits until the queue is empty and its last item is processed, up to {@code timeoutMillis}; whether it is. */
  boolean awaitIdle(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (size.get() == 0 && queue.isEmpty()) {
        // the worker may still be inside the consumer for the last item
        long before = done.sum();
        LockSupport.parkNanos(2_000_000);
        if (size.get() == 0 && done.sum() == before) {
          return true;
        }
      } else {
        LockSupport.parkNanos(1_000_000);
      }
    }
    return false;
  }

  /** Stops taking items, lets the worker finish what is queued (up to a few seconds) and ends it. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(worker);
    try {
      worker.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Nullable Thread thread() {
    return worker;
  }
}
