package dev.mlops.monitoring;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How much of a monitor's history its store keeps. Every window stores its full report (drift with
 * each column's bins, every quality check, segments) and its profile (plus one per segment), which
 * is most of the bytes. The most recent windows keep all of that; an older window keeps a summary
 * (its report with the drifted columns and the failed checks only, its profiles deleted); the oldest
 * summaries and their alerts are deleted. Windows leave each tier by count or by age (the end of the
 * window against the monitor's clock), whichever comes first. Applied each time a window is stored,
 * in window order, on every backend. Immutable.
 *
 * <pre>{@code
 * Monitor.builder("payments").reference(reference).storage("file:./mlops")
 *     .retention(Retention.builder()
 *         .fullWindows(1_000).fullAge(Duration.ofDays(7))           // profiles and full reports
 *         .summaryWindows(100_000).summaryAge(Duration.ofDays(365)) // then a summary, then nothing
 *         .build())
 *     .build();
 * }</pre>
 */
public final class Retention {
  private static final Retention KEEP_ALL = new Retention(Long.MAX_VALUE, null, Long.MAX_VALUE, null);
  private static final Retention DEFAULTS = new Retention(1_000, null, Long.MAX_VALUE, null);

  private final long fullWindows;
  private final @Nullable Duration fullAge;
  private final long summaryWindows;
  private final @Nullable Duration summaryAge;

  private Retention(long fullWindows, @Nullable Duration fullAge, long summaryWindows, @Nullable Duration summaryAge) {
    this.fullWindows = fullWindows;
    this.fullAge = fullAge;
    this.summaryWindows = summaryWindows;
    this.summaryAge = summaryAge;
  }

  /** Nothing is ever pruned: every window keeps its full report and profiles. */
  public static Retention keepAll() {
    return KEEP_ALL;
  }

  /** The default: the last 1,000 windows in full, a summary of every older one. */
  public static Retention defaults() {
    return DEFAULTS;
  }

  /** A builder that starts from {@link #keepAll()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** How many of the most recent windows keep their full report and profiles ({@link Long#MAX_VALUE}: all). */
  public long fullWindows() {
    return fullWindows;
  }

  /** How long a window keeps its full report and profiles, if limited by age. */
  public java.util.Optional<Duration> fullAge() {
    return java.util.Optional.ofNullable(fullAge);
  }

  /** How many of the most recent windows are kept at all, in full or as a summary ({@link Long#MAX_VALUE}: all). */
  public long summaryWindows() {
    return summaryWindows;
  }

  /** How long a window is kept at all, if limited by age. */
  public java.util.Optional<Duration> summaryAge() {
    return java.util.Optional.ofNullable(summaryAge);
  }

  /** Whether this policy ever prunes anything. */
  boolean prunes() {
    return fullWindows != Long.MAX_VALUE || fullAge != null || summaryWindows != Long.MAX_VALUE || summaryAge != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Retention r && r.fullWindows == fullWindows && Objects.equals(r.fullAge, fullAge) && r.summaryWindows == summaryWindows
        && Objects.equals(r.summaryAge, summaryAge);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fullWindows, fullAge, summaryWindows, summaryAge);
  }

  /** {@code Retention[full: 1000 windows, summaries: all]}. */
  @Override
  public String toString() {
    return "Retention[full: " + limit(fullWindows, fullAge) + ", summaries: " + limit(summaryWindows, summaryAge) + "]";
  }

  private static String limit(long windows, @Nullable Duration age) {
    String w = windows == Long.MAX_VALUE ? null : windows + " windows";
    String a = age == null ? null : age.toString();
    return w == null && a == null ? "all" : w == null ? a : a == null ? w : w + " or " + a;
  }

  /** Checks that a duration is positive, naming the field. */
  static Duration positiveDuration(String field, Duration d) {
    Validation.notNull(field, d);
    if (d.isNegative() || d.isZero()) {
      throw InvalidArgumentException.of(field, d, "must be positive");
    }
    return d;
  }

  /** Builder of {@link Retention}; reusable. Limits left unset keep everything of their tier. */
  public static final class Builder {
    private long fullWindows = Long.MAX_VALUE;
    private @Nullable Duration fullAge;
    private long summaryWindows = Long.MAX_VALUE;
    private @Nullable Duration summaryAge;

    private Builder() {}

    /** The most recent {@code windows} windows keep their full report and profiles (at least 1). */
    public Builder fullWindows(int windows) {
      this.fullWindows = Validation.positive("full windows", windows);
      return this;
    }

    /** A window keeps its full report and profiles while it ended less than {@code age} ago. */
    public Builder fullAge(Duration age) {
      this.fullAge = positiveDuration("full age", age);
      return this;
    }

    /** The most recent {@code windows} windows are kept at all (full or summary; at least the full ones). */
    public Builder summaryWindows(int windows) {
      this.summaryWindows = Validation.positive("summary windows", windows);
      return this;
    }

    /** A window (and its alerts) is kept at all while it ended less than {@code age} ago (at least the full age). */
    public Builder summaryAge(Duration age) {
      this.summaryAge = positiveDuration("summary age", age);
      return this;
    }

    /**
     * The policy.
     *
     * @throws InvalidArgumentException when the summaries' limits are below the full reports' ones
     */
    public Retention build() {
      if (summaryWindows < fullWindows) {
        throw InvalidArgumentException.of("summary windows", summaryWindows, "must be at least the full windows (" + fullWindows + ")");
      }
      if (summaryAge != null && fullAge != null && summaryAge.compareTo(fullAge) < 0) {
        throw InvalidArgumentException.of("summary age", summaryAge, "must be at least the full age (" + fullAge + ")");
      }
      return new Retention(fullWindows, fullAge, summaryWindows, summaryAge);
    }
  }
}
