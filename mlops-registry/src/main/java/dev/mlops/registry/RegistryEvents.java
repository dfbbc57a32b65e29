package dev.mlops.registry;

import dev.mlops.api.internal.Validation;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * the store, every poll interval (or when {@link #pollNow()} is called, with manual polling). Each
 * fetched event first takes effect synchronously in this JVM ({@code onFetched}: the loader's cache
 * forgets what the event changed, before the committing call returns), then is delivered to
 * listeners on the delivery executor, one event at a time and in order, never on the committing
 * thread (unless a same-thread executor was chosen).
 */
final class RegistryEvents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final int PAGE = 1000;
  /** How long {@link #close()} waits for a delivery in progress to return. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final RegistryStore store;
  private final Consumer<RegistryEvent> onFetched;
  private final Executor delivery;
  private final @Nullable ExecutorService ownedDelivery;
  /** Polls in the background; null with manual polling. */
  private final @Nullable ScheduledExecutorService scheduler;
  /** The threads this registry started, which must not wait for themselves when a listener closes the registry. */
  private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Queue<RegistryEvent> pending = new ArrayDeque<>();
  private boolean draining;
  private long fetchedSeq;
  private volatile boolean closed;

  /** {@code pollInterval} null: no background polling, only {@link #pollNow()}. */
  RegistryEvents(RegistryStore store, Consumer<RegistryEvent> onFetched, @Nullable Executor executor, @Nullable Duration pollInterval) {
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
    if (pollInterval == null) {
      this.scheduler = null;
    } else {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("mlops-registry-events"));
      long ms = pollInterval.toMillis();
      scheduler.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  private java.util.concurrent.ThreadFactory daemon(String name) {
    java.util.concurrent.ThreadFactory named = dev.mlops.api.internal.DaemonThreads.named(name);
    return r -> {
      Thread t = named.newThread(r);
      ownThreads.add(t);
      return t;
    };
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

  /**
   * Does now, on the calling thread, what a poll does: fetches the events other processes stored
   * (handed to the delivery executor), then runs every durable subscription once. A storage
   * failure reaches the caller; a subscriber's exception is logged and its events are delivered
   * again by the next poll.
   */
  void pollNow() {
    if (closed) {
      throw new IllegalStateException("the registry is closed");
    }
    fetch();
    for (Subscription s : subscriptions) {
      s.poll();
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

  /**
   * A durable subscription, polled every {@code interval} on the registry's scheduler (with
   * manual polling, by {@link #pollNow()} only); see {@link ModelRegistry#subscribe}.
   */
  AutoCloseable subscribe(String consumer, Duration interval, RegistryListener listener) {
    if (closed) {
      throw new IllegalStateException("the registry is closed");
    }
    Subscription s = new Subscription(consumer, listener);
    subscriptions.add(s);
    if (scheduler != null) {
      s.future = scheduler.scheduleWithFixedDelay(s::pollLogged, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    }
    return s;
  }

  /** One consumer's subscription: one poll at a time, and none after it is closed. */
  private final class Subscription implements AutoCloseable {
    private final String consumer;
    private final RegistryListener listener;
    private volatile @Nullable ScheduledFuture<?> future;
    private volatile boolean stopped;

    Subscription(String consumer, RegistryListener listener) {
      this.consumer = consumer;
      this.listener = listener;
    }

    /** Delivers the events after the stored cursor, advancing it past each one the listener returned from. */
    synchronized void poll() {
      if (stopped || closed) {
        return;
      }
      long cursor = store.cursor(consumer);
      for (RegistryEvent e : store.events(cursor, PAGE)) {
        if (stopped || closed) {
          return;
        }
        try {
          listener.onEvent(e);
        } catch (Exception ex) {
          LOG.warn("subscriber {} failed on event {}; will retry", consumer, e.seq(), ex);
          return;
        }
        store.saveCursor(consumer, e.seq());
      }
    }

    void pollLogged() {
      try {
        poll();
      } catch (RuntimeException e) {
        LOG.warn("subscription {} poll failed: {}", consumer, e.getMessage());
      }
    }

    /**
     * Stops polling: a poll in progress on another thread delivers no further event and is waited
     * for, so the listener is not called after this returns.
     */
    @Override
    public void close() {
      stopped = true;
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
      subscriptions.remove(this);
      synchronized (this) {
        LOG.debug("subscription {} closed", consumer);
      }
    }
  }

  /**
   * Stops polling, subscriptions and delivery. Events already handed to the delivery executor are
   * still delivered; when this returns (after at most {@link #CLOSE_WAIT}), the registry's own
   * threads have stopped calling listeners and subscribers, unless it is one of them that closes it.
   */
  @Override
  public void close() {
    closed = true;
    for (Subscription s : subscriptions) {
      ScheduledFuture<?> f = s.future;
      if (f != null) {
        f.cancel(false);
      }
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (ownedDelivery != null) {
      ownedDelivery.shutdown();
    }
    if (!ownThreads.contains(Thread.currentThread())) {
      awaitTermination(scheduler);
      awaitTermination(ownedDelivery);
    }
  }

  private static void awaitTermination(@Nullable ExecutorService executor) {
    if (executor == null) {
      return;
    }
    try {
      if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("a registry listener or subscriber was still running {} s after close()", CLOSE_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
