package dev.mlops.serving;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.Prediction;

/**
 * One variant's micro-batcher: a bounded queue (full: {@link CapacityException}) and one
 * dispatcher thread that gathers requests into batches and predicts each batch with one call.
 * Requests of one batch that started on different versions (a swap happened meanwhile) are
 * predicted by the version each started with.
 */
final class Batcher<T extends Output<T>> implements AutoCloseable {
  private final Endpoint<T> endpoint;
  private final Batching config;
  private final ArrayBlockingQueue<Pending<T>> queue;
  private final int capacity;
  private final Thread dispatcher;
  private volatile boolean running = true;
  private volatile long delayNanos;
  private double ewmaBatchNanos = Double.NaN;

  private record Pending<T extends Output<T>>(Example<T> example, Variant.Active<T> active, CompletableFuture<Prediction<T>> result) {}

  Batcher(Endpoint<T> endpoint, Variant<T> variant, Batching config) {
    this.endpoint = endpoint;
    this.config = config;
    this.capacity = Math.max(config.maxBatchSize() * 4, 1024);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.delayNanos = config.adaptive() ? 0 : config.maxDelay().toNanos();
    this.dispatcher = new Thread(this::run, "mlops-endpoint-" + endpoint.name() + "-batch-" + variant.name);
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  Prediction<T> predict(Example<T> example, Variant.Active<T> active) {
    Pending<T> p = new Pending<>(example, active, new CompletableFuture<>());
    if (!running || !queue.offer(p)) {
      throw new CapacityException("endpoint '" + endpoint.name() + "' is at capacity: its batch queue of " + capacity + " requests is full");
    }
    try {
      return p.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EndpointUnavailableException("interrupted while waiting for a batch of endpoint '" + endpoint.name() + "'");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void run() {
    List<Pending<T>> batch = new ArrayList<>(config.maxBatchSize());
    while (running || !queue.isEmpty()) {
      try {
        Pending<T> first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + delayNanos;
        while (batch.size() < config.maxBatchSize()) {
          long wait = deadline - System.nanoTime();
          if (wait <= 0) {
            queue.drainTo(batch, config.maxBatchSize() - batch.size());
            break;
          }
          Pending<T> next = queue.poll(wait, TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        dispatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void dispatch(List<Pending<T>> batch) {
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
      try {
        List<Prediction<T>> out = g.getKey().loaded().model().predict(examples);
        for (int i = 0; i < group.size(); i++) {
          group.get(i).result.complete(out.get(i));
        }
      } catch (RuntimeException e) {
        for (Pending<T> p : group) {
          p.result.completeExceptionally(e);
        }
      }
    }
    endpoint.metrics.batch(endpoint.name(), batch.size());
    if (config.adaptive()) {
      long cost = System.nanoTime() - start;
      ewmaBatchNanos = Double.isNaN(ewmaBatchNanos) ? cost : 0.8 * ewmaBatchNanos + 0.2 * cost;
      delayNanos = Math.min(config.maxDelay().toNanos(), (long) (ewmaBatchNanos / 2));
    }
  }

  int depth() {
    return queue.size();
  }

  @Override
  public void close() {
    running = false;
    try {
      dispatcher.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
