package dev.mlops.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for something another thread or process does, for tests: the one polling loop the suites use.
 *
 * <p>Use it only for a positive wait ("the listener saw three events"), with a generous timeout that a busy machine
 * never reaches: the wait ends as soon as the condition holds. Never use it to show that something did
 * <em>not</em> happen; for that, drive the code deterministically (an executor that runs on the calling thread, an
 * explicit {@code poll()}, a fake clock, a latch the test holds).
 *
 * <pre>{@code
 * Eventually.until(() -> events.size() == 3, "three events delivered");
 * Run run = Eventually.value(() -> tracker.findRun(id), "the run stored by the child JVM");
 * }</pre>
 */
public final class Eventually {
  /** The default timeout: long enough that only a real failure reaches it on a loaded two-core machine. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private Eventually() {}

  /** A condition that may throw, checked until it holds. */
  @FunctionalInterface
  public interface Condition {
    /** Whether the awaited state has been reached. */
    boolean holds() throws Exception;
  }

  /** A value that may not be there yet: {@code null} or an empty {@link java.util.Optional} means "not yet". */
  @FunctionalInterface
  public interface Probe<T> {
    /** The value, or {@code null} while it is not there yet. */
    @org.jspecify.annotations.Nullable T get() throws Exception;
  }

  /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code condition}; fails with {@code what} when it never holds. */
  public static void until(Condition condition, String what) {
    until(condition, DEFAULT_TIMEOUT, () -> what);
  }

  /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code condition}; the message is computed only on failure. */
  public static void until(Condition condition, Supplier<String> what) {
    until(condition, DEFAULT_TIMEOUT, what);
  }

  /** Waits up to {@code timeout} for {@code condition}; fails with an {@link AssertionError} naming {@code what}. */
  public static void until(Condition condition, Duration timeout, Supplier<String> what) {
    value(() -> condition.holds() ? Boolean.TRUE : null, timeout, what);
  }

  /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code probe} to give a value (not null, not an empty Optional). */
  public static <T> T value(Probe<T> probe, String what) {
    return value(probe, DEFAULT_TIMEOUT, () -> what);
  }

  /**
   * Waits up to {@code timeout} for {@code probe} to give a value and returns it. An exception from the probe is
   * retried until the timeout, then attached to the failure as its cause.
   */
  public static <T> T value(Probe<T> probe, Duration timeout, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 1;
    Throwable last = null;
    while (true) {
      try {
        T v = probe.get();
        if (v != null && !(v instanceof java.util.Optional<?> o && o.isEmpty())) {
          return v;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what.get(), e);
      } catch (Exception | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("still not true after " + timeout.toSeconds() + " s: " + what.get(), last);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what.get(), e);
      }
      pause = Math.min(50, pause * 2);
    }
  }

  /** Waits until {@code value} equals {@code expected}, failing with both values. */
  public static <T> void equal(T expected, Supplier<? extends T> value, String what) {
    until(() -> java.util.Objects.equals(expected, value.get()), () -> what + ": expected " + expected + " but was " + value.get());
  }

  /** Waits up to {@code timeout} for {@code condition}; fails naming {@code what}. */
  public static void until(Condition condition, Duration timeout, String what) {
    until(condition, timeout, () -> what);
  }
}
