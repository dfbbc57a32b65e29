package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import dev.mlops.monitoring.Monitor;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Automatic rollback and promotion of an endpoint's canary. The canary is judged against the
 * champion on rolling windows of {@link Builder#window canary requests}, by the rules the policy
 * configures and by one default: an error rate above 5 % is a breach unless
 * {@link Builder#maxErrorRate} says otherwise. A rule that compares the canary with the champion
 * (latency, output drift, accuracy) is judged only when both have enough samples in the same
 * window, never against a variant with none. On a breach of any rule
 * its weight goes to 0 at once, a {@link RolloutEvent} is announced and logged with the figures
 * that fired, and, with {@link Builder#restoreAlias}, the canary's alias is moved back to the
 * version it pointed at before, through the registry (so the audit trail records the move with
 * the serving principal as actor). After {@link Builder#promoteAfter} clean requests the policy
 * may promote the canary's version to {@link Builder#promoteAlias}: through a promotion request
 * and the registry's gates and approvals when that alias is protected, or by moving it when not.
 * Nothing bypasses the registry's governance.
 */
public final class RolloutPolicy {
  final int window;
  final double maxErrorRate;
  final double maxLatencyRatio;
  final long minLatencyNanos;
  final double maxOutputDrift;
  final int minOutputRequests;
  final double minAccuracyDelta;
  final int minLabels;
  final @Nullable Monitor inputMonitor;
  final boolean restoreAlias;
  final long promoteAfter;
  final @Nullable Duration promoteAfterTime;
  final @Nullable String promoteAlias;

  private RolloutPolicy(Builder b) {
    this.window = b.window;
    this.maxErrorRate = b.maxErrorRate;
    this.maxLatencyRatio = b.maxLatencyRatio;
    this.minLatencyNanos = b.minLatencyNanos;
    this.maxOutputDrift = b.maxOutputDrift;
    this.minOutputRequests = b.minOutputRequests;
    this.minAccuracyDelta = b.minAccuracyDelta;
    this.minLabels = b.minLabels;
    this.inputMonitor = b.inputMonitor;
    this.restoreAlias = b.restoreAlias;
    this.promoteAfter = b.promoteAfter;
    this.promoteAfterTime = b.promoteAfterTime;
    this.promoteAlias = b.promoteAlias;
  }

  /** A builder with the defaults: windows of 200 canary requests and an error rate of at most 5 %; no other rule until set. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String toString() {
    return "RolloutPolicy[window " + window + ", max error rate " + maxErrorRate
        + (Double.isNaN(maxLatencyRatio) ? "" : ", max p99 ratio " + maxLatencyRatio + " above " + minLatencyNanos / 1_000_000.0 + " ms")
        + (Double.isNaN(maxOutputDrift) ? "" : ", max output PSI " + maxOutputDrift)
        + (Double.isNaN(minAccuracyDelta) ? "" : ", min accuracy delta " + minAccuracyDelta)
        + (inputMonitor == null ? "" : ", input drift of " + inputMonitor.name())
        + (promoteAlias == null ? "" : ", promote to @" + promoteAlias + " after " + promoteAfter + " clean requests") + "]";
  }

  /** Builder of {@link RolloutPolicy}; each setter checks its argument. */
  public static final class Builder {
    private int window = 200;
    private double maxErrorRate = 0.05;
    private double maxLatencyRatio = Double.NaN;
    private long minLatencyNanos;
    private double maxOutputDrift = Double.NaN;
    private int minOutputRequests = 50;
    private double minAccuracyDelta = Double.NaN;
    private int minLabels = 30;
    private @Nullable Monitor inputMonitor;
    private boolean restoreAlias;
    private long promoteAfter = -1;
    private @Nullable Duration promoteAfterTime;
    private @Nullable String promoteAlias;

    private Builder() {}

    /** Canary requests per evaluation window (default 200). */
    public Builder window(int requests) {
      this.window = Validation.positive("window", requests);
      return this;
    }

    /** The highest share of failed canary requests in a window (default 0.05; 1 turns the rule off). */
    public Builder maxErrorRate(double rate) {
      this.maxErrorRate = share("max error rate", rate);
      return this;
    }

    /**
     * The highest canary p99 latency as a multiple of the champion's in the same window (off by
     * default), judged only when the canary and the champion each answered at least 100 requests
     * in the window (a p99 of fewer is just their maximum) and only while the canary's p99 is
     * above {@code floor}. Choose the floor above the pauses the JVM may take (a garbage collection
     * pause delays every request in flight, and a p99 of 200 requests is their second slowest):
     * 10 ms or more for most services.
     *
     * @throws InvalidArgumentException for a ratio below 1 or a negative floor
     */
    public Builder maxLatencyRatio(double ratio, Duration floor) {
      if (!(ratio >= 1)) {
        throw InvalidArgumentException.of("max latency ratio", ratio, "must be at least 1");
      }
      if (Validation.notNull("latency floor", floor).isNegative()) {
        throw InvalidArgumentException.of("latency floor", floor, "must be zero or positive");
      }
      this.maxLatencyRatio = ratio;
      this.minLatencyNanos = floor.toNanos();
      return this;
    }

    /**
     * The highest population stability index between the canary's and the champion's predicted
     * outputs in a window (off by default; 0.2 is the usual "significant shift"), judged once each
     * answered at least {@code minRequests} requests in the window.
     */
    public Builder maxOutputDrift(double psi, int minRequests) {
      if (!(psi > 0)) {
        throw InvalidArgumentException.of("max output drift", psi, "must be a positive PSI");
      }
      this.maxOutputDrift = psi;
      this.minOutputRequests = Validation.positive("min requests", minRequests);
      return this;
    }

    /**
     * The canary's labelled accuracy may fall at most {@code -delta} below the champion's (for
     * example -0.05), judged once each has {@code minLabels} outcomes from feedback in the window.
     */
    public Builder minAccuracyDelta(double delta, int minLabels) {
      if (!(delta <= 0 && delta >= -1)) {
        throw InvalidArgumentException.of("min accuracy delta", delta, "must be between -1 and 0");
      }
      this.minAccuracyDelta = delta;
      this.minLabels = Validation.positive("min labels", minLabels);
      return this;
    }

    /**
     * A drift alert of this monitor (watching the canary's inputs against its reference profile) is a
     * breach: an alert whose kind is drift ({@link dev.mlops.monitoring.AlertKind#isDrift()}), whatever
     * its rule's name; other alerts of the monitor are not.
     */
    public Builder inputDrift(Monitor monitor) {
      this.inputMonitor = Validation.notNull("monitor", monitor);
      return this;
    }

    /** On a breach, also move the canary's alias back to its previous version through the registry (audited). */
    public Builder restoreAlias(boolean restore) {
      this.restoreAlias = restore;
      return this;
    }

    /**
     * After {@code cleanRequests} canary requests without a breach, promote the canary's version to
     * {@code alias}: a promotion request when the alias is protected (the registry's gates and
     * approvals decide), a move when it is not. A canary serving the champion's own version (its
     * alias parked there between challengers) is never proposed.
     */
    public Builder promoteAfter(long cleanRequests, String alias) {
      if (cleanRequests < 1) {
        throw InvalidArgumentException.of("clean requests", cleanRequests, "must be positive");
      }
      this.promoteAfter = cleanRequests;
      this.promoteAlias = Validation.notNull("promote alias", alias);
      return this;
    }

    /** Also require the canary to have served this long without a breach before promoting. */
    public Builder promoteAfterTime(Duration time) {
      this.promoteAfterTime = Validation.notNull("time", time);
      return this;
    }

    private static double share(String field, double v) {
      if (!(v >= 0 && v <= 1)) {
        throw InvalidArgumentException.of(field, v, "must be between 0 and 1");
      }
      return v;
    }

    /** Builds the policy. */
    public RolloutPolicy build() {
      return new RolloutPolicy(this);
    }
  }
}
