package dev.mlops.registry;

import dev.mlops.api.internal.Validation;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events and subscriptions of one registry. Every stored event after the last one seen is fetched
 * in sequence order, right after this JVM commits a change and, for changes of other JVMs sharing
 * the store, every poll interval. Each fetched event first takes effect synchronously in this JVM
 * ({@code onFetched}: the loader's cache forgets what the event changed, before the committing
 * call returns), then is delivered to listeners on the delivery executor, one event at a time and
 * in order, never on the committing thread (unless a same-thread executor was chosen).
 */
final class RegistryEvents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final int PAGE = 1000;

  private final RegistryStore store;
  private final Consumer<RegistryEvent> onFetched;
  private final Executor delivery;
  private final @Nullable ExecutorService ownedDelivery;
  private final ScheduledExecutorService scheduler;
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private final List<ScheduledFuture<?>> subscriptions = new CopyOnWriteArrayList<>();
  private final Queue<RegistryEvent> pending = new ArrayDeque<>();
  private boolean draining;
  private long fetchedSeq;
  private volatile boolean closed;

  RegistryEvents(RegistryStore store, Consumer<RegistryEvent> onFetched, @Nullable Executor executor, Duration pollInterval) {
    this.store = store;
    this.onFetched = onFetched;
    if (executor == null) {
      this.ownedDelivery = Executors.newSingleThreadExecutor(daemon("mlops-registry-listeners"));
      this.delivery = ownedDelivery;
    } else {
      this.ownedDelivery = null;
      this.delivery = executor;
    }
    // start after the newest stored event: listeners hear of changes from now on
    this.fetchedSeq = store.lastEventSeq();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("mlops-registry-events"));
    long ms = pollInterval.toMillis();
    scheduler.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return dev.mlops.api.internal.DaemonThreads.named(name);
  }

  /** The newest event this JVM has taken into account. */
  synchronized long fetchedSeq() {
    return fetchedSeq;
  }

  /** Called after this JVM commits: fetches and applies the new events now. */
  void afterCommit() {
    fetch();
  }

  private void poll() {
    try {
      fetch();
    } catch (RuntimeException e) {
      LOG.warn("polling registry events failed: {}", e.getMessage());
    }
  }

  private synchronized void fetch() {
    while (true) {
      List<RegistryEvent> page = store.events(fetchedSeq, PAGE);
      if (page.isEmpty()) {
        return;
      }
      for (RegistryEvent e : page) {
        try {
          onFetched.accept(e);
        } catch (RuntimeException ex) {
          LOG.warn("applying registry event {} failed", e.seq(), ex);
        }
        fetchedSeq = e.seq();
        enqueue(e);
      }
    }
  }

  private void enqueue(RegistryEvent e) {
    if (listeners.isEmpty()) {
      return;
    }
    synchronized (pending) {
      pending.add(e);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      delivery.execute(this::drain);
    } catch (RejectedExecutionException ex) {
      synchronized (pending) {
        draining = false;
        pending.clear();
      }
      if (!closed) {
        LOG.warn("registry event delivery refused by its executor: {}", ex.getMessage());
      }
    }
  }

  /** Delivers queued events one at a time, in order; one drain runs at a time whatever the executor. */
  private void drain() {
    while (true) {
      RegistryEvent e;
      synchronized (pending) {
        e = pending.poll();
        if (e == null) {
          draining = false;
          return;
        }
      }
      for (RegistryListener l : listeners) {
        try {
          l.onEvent(e);
        } catch (Exception ex) {
          LOG.warn("registry listener failed on event {} ({})", e.seq(), e.type(), ex);
        }
      }
    }
  }

  void addListener(RegistryListener listener) {
    listeners.add(Validation.notNull("listener", listener));
  }

  void removeListener(RegistryListener listener) {
    listeners.remove(listener);
  }

  /** A durable subscription polled on the registry's scheduler; see {@link ModelRegistry#subscribe}. */
  AutoCloseable subscribe(String consumer, Duration interval, RegistryListener listener) {
    ScheduledFuture<?> f = scheduler.scheduleWithFixedDelay(() -> {
      try {
        long cursor = store.cursor(consumer);
        for (RegistryEvent e : store.events(cursor, PAGE)) {
          try {
            listener.onEvent(e);
          } catch (Exception ex) {
            LOG.warn("subscriber {} failed on event {}; will retry", consumer, e.seq(), ex);
            return;
          }
          store.saveCursor(consumer, e.seq());
        }
      } catch (RuntimeException e) {
        LOG.warn("subscription {} poll failed: {}", consumer, e.getMessage());
      }
    }, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    subscriptions.add(f);
    return () -> {
      f.cancel(false);
      subscriptions.remove(f);
    };
  }

  @Override
  public void close() {
    closed = true;
    for (ScheduledFuture<?> f : subscriptions) {
      f.cancel(false);
    }
    scheduler.shutdownNow();
    if (ownedDelivery != null) {
      ownedDelivery.shutdown();
    }
  }
}
