package dev.mlops.monitoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A monitor's alert bookkeeping: evaluates its rules on each window's report, raises the alert of
 * windows dropped before it, and keeps each rule quiet for the cooldown after it fired (by window end
 * time), here or, with a store, in any process that stored an alert of this monitor's name (a restarted
 * service, another JVM of a fleet). Runs on the monitor's executor, one window at a time, in window
 * order; not thread-safe.
 */
final class AlertBook {
  private final String monitor;
  private final List<AlertRule> rules;
  private final Duration cooldown;
  private final int maxPending;
  private final Map<String, Long> lastFired = new HashMap<>();
  private final StoredAlerts stored;

  /** When a rule of this monitor last raised an alert in the store within a span of time (any process). */
  @FunctionalInterface
  interface StoredAlerts {
    Optional<Long> lastRaised(String rule, long from, long until);
  }

  AlertBook(String monitor, List<AlertRule> rules, Duration cooldown, int maxPending, StoredAlerts stored) {
    this.monitor = monitor;
    this.rules = List.copyOf(rules);
    this.cooldown = cooldown;
    this.maxPending = maxPending;
    this.stored = stored;
  }

  /**
   * The report with the alerts this window raises: windows dropped before it, then each rule in order;
   * a rule that fires within its cooldown is recorded as suppressed, not dropped unseen.
   */
  WindowReport raise(WindowReport draft, long droppedWindows, long droppedRows) {
    List<Alert> raised = new ArrayList<>();
    List<Alert> suppressed = new ArrayList<>();
    if (droppedWindows > 0) {
      String message = String.format(Locale.ROOT, "monitor %s dropped %d windows (%d rows) before window %d unanalysed: more than %d closed"
          + " windows waited for their reports", monitor, droppedWindows, droppedRows, draft.window(), maxPending);
      fire(Monitor.WINDOWS_DROPPED, AlertKind.WINDOWS_DROPPED, null, message, draft, raised, suppressed);
    }
    for (AlertRule rule : rules) {
      Optional<String> msg;
      AlertKind kind;
      String column;
      try {
        msg = rule.evaluate(draft);
        kind = rule.kind();
        column = rule.column().orElse(null);
      } catch (RuntimeException e) {
        msg = Optional.of("rule failed: " + e);
        kind = AlertKind.RULE_FAILED;
        column = null;
      }
      if (msg.isPresent()) {
        fire(rule.name(), kind, column, msg.get(), draft, raised, suppressed);
      }
    }
    return new WindowReport(draft.monitor(), draft.window(), draft.start(), draft.end(), draft.rows(), draft.drift(), draft.quality(),
        draft.segments(), raised, droppedWindows, droppedRows, false, suppressed);
  }

  private void fire(String rule, AlertKind kind, @Nullable String column, String message, WindowReport draft, List<Alert> raised,
      List<Alert> suppressed) {
    Alert alert = new Alert(monitor, rule, draft.window(), draft.end(), message, kind, column);
    Long last = lastFired.get(rule);
    if (last != null && draft.end() - last < cooldown.toMillis()) {
      suppressed.add(alert);
      return;
    }
    if (!cooldown.isZero()) {
      // another process (or this one before a restart) may have raised it: the store says when
      Optional<Long> elsewhere = stored.lastRaised(rule, draft.end() - cooldown.toMillis() + 1, draft.end());
      if (elsewhere.isPresent()) {
        lastFired.merge(rule, elsewhere.get(), Math::max);
        suppressed.add(alert);
        return;
      }
    }
    lastFired.put(rule, draft.end());
    raised.add(alert);
  }
}
