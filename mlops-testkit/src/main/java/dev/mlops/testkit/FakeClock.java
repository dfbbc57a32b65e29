package dev.mlops.testkit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to, for deterministic timestamps in tests. Thread-safe. */
public final class FakeClock extends Clock {
  private final AtomicLong millis;
  private final boolean ticking;

  /** A clock at {@code startMillis}. */
  public FakeClock(long startMillis) {
    this(startMillis, false);
  }

  private FakeClock(long startMillis, boolean ticking) {
    this.millis = new AtomicLong(startMillis);
    this.ticking = ticking;
  }

  /**
   * A clock at {@code startMillis} that also moves one millisecond at every reading, so that no two events read from
   * it share a time and "before" and "after" compare exactly.
   */
  public static FakeClock ticking(long startMillis) {
    return new FakeClock(startMillis, true);
  }

  /** Moves the clock forward and returns the new time. */
  public long advance(long deltaMillis) {
    return millis.addAndGet(deltaMillis);
  }

  /** The current time in epoch milliseconds, then moves one millisecond on. */
  public long tick() {
    return millis.getAndIncrement();
  }

  @Override
  public long millis() {
    return ticking ? millis.getAndIncrement() : millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
