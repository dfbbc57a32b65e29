package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The per-server request timer, its deadline fired by hand: the timer's scheduled cut-offs are
 * captured instead of run, so no test waits for time to pass.
 */
class RequestTimerTest {
  /** A scheduler that hands each deadline to the test instead of running it. */
  static final class CapturedDeadlines extends ScheduledThreadPoolExecutor {
    final BlockingQueue<Runnable> deadlines = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> delays = new LinkedBlockingQueue<>();

    CapturedDeadlines() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      deadlines.add(command);
      delays.add(unit.toMillis(delay));
      return super.schedule(() -> { }, 1, TimeUnit.DAYS);
    }
  }

  final CapturedDeadlines scheduler = new CapturedDeadlines();
  final ExecutorService worker = Executors.newSingleThreadExecutor();
  final RequestTimer timer = new RequestTimer(scheduler, 1500);

  @AfterEach
  void stop() {
    worker.shutdownNow();
    scheduler.shutdownNow();
  }

  @Test
  @DisplayName("a request still arriving at its deadline has its worker interrupted; the interrupt is not carried into the next task")
  void cutWhileReading() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    AtomicBoolean receivedAfterCut = new AtomicBoolean(true);
    timer.wrap(worker).execute(() -> {
      reading.countDown();
      try {
        new CountDownLatch(1).await();   // a read that never completes
      } catch (InterruptedException e) {
        receivedAfterCut.set(timer.received());
        interrupted.countDown();
      }
    });
    assertTrue(reading.await(30, TimeUnit.SECONDS));
    assertEquals(1500L, scheduler.delays.take(), "the deadline is the server's requestTimeout");
    scheduler.deadlines.take().run();
    assertTrue(interrupted.await(30, TimeUnit.SECONDS), "the worker was interrupted");
    assertFalse(receivedAfterCut.get(), "a request cut off is not to be answered");
    assertFalse(worker.submit(() -> Thread.currentThread().isInterrupted()).get(), "the next task starts without the interrupt");
  }

  @Test
  @DisplayName("requestTimeout refuses zero, negative and over-a-day durations, naming the field, the value and the rule")
  void requestTimeoutChecked() {
    try (dev.mlops.registry.ModelRegistry registry = dev.mlops.registry.ModelRegistry.builder().storage("mem:timer-" + System.nanoTime())
        .build(); dev.mlops.serving.ModelServer server = dev.mlops.serving.ModelServer.builder().registry(registry).build()) {
      ServingHttpServer.Builder b = ServingHttpServer.builder(server);
      for (java.time.Duration bad : java.util.List.of(java.time.Duration.ZERO, java.time.Duration.ofSeconds(-1), java.time.Duration.ofDays(2))) {
        dev.mlops.api.InvalidArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(dev.mlops.api.InvalidArgumentException.class,
            () -> b.requestTimeout(bad));
        assertTrue(e.getMessage().contains("requestTimeout") && e.getMessage().contains(bad.toString())
            && e.getMessage().contains("must be positive and at most a day"), e.getMessage());
      }
    }
  }

  @Test
  @DisplayName("once the body is in, the deadline passes without touching the worker: a slow model is not cut off")
  void notCutOnceReceived() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    CountDownLatch deadlinePassed = new CountDownLatch(1);
    AtomicBoolean interruptedWhileAnswering = new AtomicBoolean(true);
    CountDownLatch answered = new CountDownLatch(1);
    timer.wrap(worker).execute(() -> {
      assertTrue(timer.received());
      received.countDown();
      try {
        deadlinePassed.await();            // the model "answers" after the deadline
        interruptedWhileAnswering.set(Thread.currentThread().isInterrupted());
      } catch (InterruptedException e) {
        interruptedWhileAnswering.set(true);
      }
      answered.countDown();
    });
    assertTrue(received.await(30, TimeUnit.SECONDS));
    scheduler.deadlines.take().run();
    deadlinePassed.countDown();
    assertTrue(answered.await(30, TimeUnit.SECONDS));
    assertFalse(interruptedWhileAnswering.get());
  }
}
