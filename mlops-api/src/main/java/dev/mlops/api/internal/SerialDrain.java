package dev.mlops.api.internal;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pass of work at a time, on any executor: its owner keeps what is to be done (a queue of
 * events, of closed windows, a flag) and calls {@link #request()} after adding to it; the drain
 * then runs {@code pass} on the executor, which takes everything the owner holds, in order. Passes
 * never overlap, whatever the executor (a pool of many threads, or {@code Runnable::run}), and
 * every {@code request()} is followed by a pass that starts after it: a request made while a pass
 * runs makes that thread run one more pass when it ends, rather than a second drain beside it.
 * Lock-free: a request is one compare-and-set when a drain is already under way.
 *
 * <p><b>When the executor refuses</b> ({@link RejectedExecutionException}), the work is neither
 * run on the requesting thread nor lost: no pass runs, the drain goes back to idle, the refusal is
 * counted ({@link #refusals()}) and logged at WARN, and whatever the owner holds waits for the next
 * {@code request()}, which asks the executor again. So a committing thread, a request thread or a
 * caller of {@code log} never runs listeners or analysis because an executor was shut down or
 * full. After {@link #close()} requests are ignored; what was asked for before still runs.
 *
 * <p>A pass that throws is logged at WARN and counted ({@link #failures()}); the drain goes on. With
 * a same-thread executor, a request made by the pass itself (a listener that commits again) does
 * not recurse: it is served by one more pass once the current one ends.
 */
public final class SerialDrain {
  private static final Logger LOG = LoggerFactory.getLogger(SerialDrain.class);
  private static final int IDLE = 0;
  /** A pass is queued on the executor or running. */
  private static final int SCHEDULED = 1;
  /** As {@link #SCHEDULED}, and a request came since the pass started: one more pass follows. */
  private static final int AGAIN = 2;

  private final String name;
  private final Executor executor;
  private final Runnable pass;
  private final Runnable drain = this::drain;
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final LongAdder refusals = new LongAdder();
  private final LongAdder failures = new LongAdder();
  /** Notified whenever the drain goes back to idle. */
  private final Object idle = new Object();
  private volatile boolean closed;

  /**
   * A drain named {@code name} (in its log lines) that runs {@code pass} on {@code executor}.
   *
   * @throws NullPointerException for a null argument
   */
  public SerialDrain(String name, Executor executor, Runnable pass) {
    this.name = Objects.requireNonNull(name, "name");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.pass = Objects.requireNonNull(pass, "pass");
  }

  /**
   * Asks for a pass that starts after this call: submits one to the executor when the drain is
   * idle, or makes the running pass's thread run one more. Never runs the pass on this thread
   * (unless the executor itself does), never blocks, never throws for a refusal (see the class
   * comment).
   */
  public void request() {
    while (!closed) {
      int s = state.get();
      if (s == AGAIN) {
        return;
      }
      if (s == SCHEDULED) {
        if (state.compareAndSet(SCHEDULED, AGAIN)) {
          return;
        }
        continue;
      }
      if (state.compareAndSet(IDLE, SCHEDULED)) {
        submit();
        return;
      }
    }
  }

  private void submit() {
    try {
      executor.execute(drain);
    } catch (RejectedExecutionException e) {
      refusals.increment();
      toIdle();
      if (!closed) {
        LOG.warn("{}: its executor refused a pass ({}); the work waits for the next request", name, e.getMessage());
      }
    }
  }

  private void drain() {
    while (true) {
      try {
        pass.run();
      } catch (RuntimeException | Error e) {
        failures.increment();
        LOG.warn("{}: a pass failed", name, e);
      }
      if (state.compareAndSet(SCHEDULED, IDLE)) {
        signalIdle();
        return;
      }
      // a request came while the pass ran: run one more on this thread
      state.set(SCHEDULED);
    }
  }

  private void toIdle() {
    state.set(IDLE);
    signalIdle();
  }

  private void signalIdle() {
    synchronized (idle) {
      idle.notifyAll();
    }
  }

  /** Whether no pass is queued or running. */
  public boolean isIdle() {
    return state.get() == IDLE;
  }

  /**
   * Waits until no pass is queued or running; true once idle, false when the timeout passes first.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (idle) {
      while (state.get() != IDLE) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    return true;
  }

  /** Passes the executor refused so far. */
  public long refusals() {
    return refusals.sum();
  }

  /** Passes that threw so far. */
  public long failures() {
    return failures.sum();
  }

  /**
   * Ignores further requests (and a refusal is no longer logged); a pass already queued or running
   * still runs, with the passes asked for before this call.
   */
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "SerialDrain[" + name + ", " + (isIdle() ? "idle" : "draining") + "]";
  }
}
