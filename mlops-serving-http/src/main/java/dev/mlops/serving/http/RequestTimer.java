package dev.mlops.serving.http;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One server's bound on how long a request may take to arrive, headers and body together: the JDK
 * server reads a request on a worker of the executor this wraps, so each task gets a deadline when
 * it starts, and a task still reading at its deadline has its worker interrupted, which closes the
 * connection (the JDK server's channels are interruptible) and frees the worker. Once the handler
 * has the whole body ({@link #received()}), the deadline no longer applies: a slow model is not cut
 * off. Unlike the JDK's {@code sun.net.httpserver.maxReqTime}, which every JDK server in the JVM
 * shares (the UI's too), this applies to one server only.
 */
final class RequestTimer {
  private static final int READING = 0;
  private static final int HANDLING = 1;
  private static final int CUT = 2;
  private static final int DONE = 3;

  private final ScheduledExecutorService timer;
  private final long millis;
  private final ThreadLocal<Watch> current = new ThreadLocal<>();

  RequestTimer(ScheduledExecutorService timer, long millis) {
    this.timer = timer;
    this.millis = millis;
  }

  /** The workers, each task on them timed. */
  Executor wrap(Executor workers) {
    return task -> workers.execute(() -> run(task));
  }

  private void run(Runnable task) {
    Watch w = new Watch(Thread.currentThread());
    ScheduledFuture<?> cutoff = timer.schedule(w::cut, millis, TimeUnit.MILLISECONDS);
    current.set(w);
    try {
      task.run();
    } finally {
      cutoff.cancel(false);
      w.finish();
      current.remove();
      // an interrupt the timer delivered is not carried into the worker's next task
      Thread.interrupted();
    }
  }

  /**
   * Marks the current request as received in full; false when its deadline came first (its
   * connection is being closed and it is not to be answered).
   */
  boolean received() {
    Watch w = current.get();
    return w == null || w.received();
  }

  private static final class Watch {
    private final Thread worker;
    private int state = READING;

    Watch(Thread worker) {
      this.worker = worker;
    }

    synchronized void cut() {
      if (state == READING) {
        state = CUT;
        worker.interrupt();
      }
    }

    synchronized boolean received() {
      if (state == READING) {
        state = HANDLING;
        return true;
      }
      return false;
    }

    synchronized void finish() {
      state = DONE;
    }
  }
}
