package dev.mlops.tracking.internal;

import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageException;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.TrackingStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes metric points in the background, in batches. {@link #submit} returns as soon as the point
 * is queued. The queue is bounded: when it is full, {@code submit} blocks until the writer has made
 * room (back-pressure, so memory stays bounded and no point is ever dropped). {@link #flush} waits
 * until every point submitted before it is stored and throws the first storage failure since the
 * last flush. One daemon thread per writer.
 */
public final class AsyncMetricWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncMetricWriter.class);

  private record Pending(String runId, Metric metric) {}

  private final TrackingStore store;
  private final ArrayBlockingQueue<Pending> queue;
  private final int maxBatch;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicReference<MlopsException> failure = new AtomicReference<>();
  private final Object progress = new Object();
  private final Thread thread;
  private volatile boolean closing;

  /** A writer with a queue of {@code capacity} points, writing at most {@code maxBatch} per store call. */
  public AsyncMetricWriter(TrackingStore store, int capacity, int maxBatch) {
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxBatch = maxBatch;
    this.thread = new Thread(this::loop, "mlops-async-metrics");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues one point; blocks while the queue is full. */
  public void submit(String runId, Metric metric) {
    if (closing) {
      throw new StorageException("asynchronous metric logging is closed");
    }
    submitted.incrementAndGet();
    try {
      queue.put(new Pending(runId, metric));
    } catch (InterruptedException e) {
      submitted.decrementAndGet();
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for room in the metric queue", e);
    }
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>(Math.min(maxBatch, 65_536));
    while (true) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        write(batch);
      } catch (InterruptedException e) {
        if (closing && queue.isEmpty()) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.error("unexpected failure in the asynchronous metric writer", e);
        failure.compareAndSet(null, new StorageException("asynchronous metric logging failed: " + e, e));
      } finally {
        processed.addAndGet(batch.size());
        batch.clear();
        synchronized (progress) {
          progress.notifyAll();
        }
      }
    }
  }

  private void write(List<Pending> batch) {
    Map<String, List<Metric>> byRun = new LinkedHashMap<>();
    for (Pending p : batch) {
      byRun.computeIfAbsent(p.runId(), k -> new ArrayList<>()).add(p.metric());
    }
    for (Map.Entry<String, List<Metric>> e : byRun.entrySet()) {
      try {
        store.logBatch(e.getKey(), e.getValue(), Map.of(), Map.of());
      } catch (MlopsException ex) {
        LOG.warn("asynchronous logging of {} points to run {} failed: {}", e.getValue().size(), e.getKey(), ex.getMessage());
        failure.compareAndSet(null, ex);
      }
    }
  }

  /**
   * Waits until every point submitted before this call is stored.
   *
   * @throws MlopsException the first storage failure since the last flush (its points were not stored)
   */
  public void flush() {
    long target = submitted.get();
    synchronized (progress) {
      while (processed.get() < target) {
        if (!thread.isAlive()) {
          throw new StorageException("asynchronous metric writer stopped with " + (target - processed.get()) + " points unwritten");
        }
        try {
          progress.wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StorageException("interrupted while flushing metrics", e);
        }
      }
    }
    MlopsException f = failure.getAndSet(null);
    if (f != null) {
      throw f;
    }
  }

  /** Points queued and not yet written. */
  public long pending() {
    return submitted.get() - processed.get();
  }

  /** Flushes, then stops the writer thread. */
  @Override
  public void close() {
    try {
      flush();
    } finally {
      closing = true;
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
