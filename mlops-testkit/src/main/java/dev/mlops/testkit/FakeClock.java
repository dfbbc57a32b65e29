package dev.mlops.testkit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to, for deterministic timestamps in tests. Thread-safe. */
public final class FakeClock extends Clock {
  private final AtomicLong millis;

  /** A clock at {@code startMillis}. */
  public FakeClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
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
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
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
