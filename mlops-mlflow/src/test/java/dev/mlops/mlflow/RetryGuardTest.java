package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mlops.testkit.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Retried writes: answered once within the window, a retry in flight waits, a failure is forgotten. */
class RetryGuardTest {
  private final FakeClock clock = new FakeClock(1_700_000_000_000L);
  private final RetryGuard guard = new RetryGuard(clock, Duration.ofMinutes(10).toMillis(), 1000);
  private final AtomicInteger writes = new AtomicInteger();

  private String write() {
    return "answer-" + writes.incrementAndGet();
  }

  @Test
  @DisplayName("the same request within the window gets the first answer and writes once; after the window it writes again")
  void sameRequestWritesOnce() {
    assertEquals("answer-1", guard.once("runs/log-batch", "{\"run_id\":\"a\"}", this::write));
    assertEquals("answer-1", guard.once("runs/log-batch", "{\"run_id\":\"a\"}", this::write));
    assertEquals("answer-2", guard.once("runs/log-batch", "{\"run_id\":\"b\"}", this::write), "another body is another request");
    assertEquals("answer-3", guard.once("runs/create", "{\"run_id\":\"a\"}", this::write), "another route is another request");
    clock.advance(Duration.ofMinutes(11).toMillis());
    assertEquals("answer-4", guard.once("runs/log-batch", "{\"run_id\":\"a\"}", this::write));
  }

  @Test
  @DisplayName("a retry that arrives while the first attempt is still writing waits for it and gets its answer")
  void retryInFlightWaits() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> guard.once("r", "b", () -> {
      writing.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return write();
    }));
    writing.await();
    CompletableFuture<String> retry = CompletableFuture.supplyAsync(() -> guard.once("r", "b", this::write));
    release.countDown();
    assertEquals("answer-1", first.get(1, TimeUnit.MINUTES));
    assertEquals("answer-1", retry.get(1, TimeUnit.MINUTES));
    assertEquals(1, writes.get());
  }

  @Test
  @DisplayName("a request that failed is forgotten: its retry writes")
  void failureIsForgotten() {
    assertThrows(IllegalStateException.class, () -> guard.once("r", "b", () -> {
      throw new IllegalStateException("store down");
    }));
    assertEquals("answer-1", guard.once("r", "b", this::write));
  }

  @Test
  @DisplayName("beyond its capacity the oldest answers are dropped")
  void bounded() {
    RetryGuard small = new RetryGuard(clock, Duration.ofMinutes(10).toMillis(), 3);
    for (int i = 0; i < 10; i++) {
      clock.advance(1);
      small.once("r", "body-" + i, this::write);
    }
    assertEquals(3, small.size());
  }
}
