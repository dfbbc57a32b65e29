package dev.mlops.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.Validation;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.ProfileDrift;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.quality.QualityReport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a stream of rows against a reference profile. Rows arrive from any number of threads;
 * the monitor cuts them into windows (every N rows, or every duration, whichever is configured),
 * and for each window produces a {@link WindowReport}: drift against the reference, data quality,
 * drift per segment, and alerts from its rules (each rule quiet for its cooldown after firing).
 * Reports and alerts go to listeners and, with a backend, to the monitoring store, together with the
 * reference profile (key {@code reference}) and each window's profile (key {@code window-N}).
 *
 * <pre>{@code
 * Monitor monitor = Monitor.builder("payments")
 *     .reference(Profile.of(trainingTable))
 *     .windowRows(10_000)
 *     .alert(AlertRule.datasetDrift())
 *     .onAlert(alert -> pager.send(alert.message()))
 *     .build();
 * monitor.log(Map.of("amount", 12.5, "channel", "web"));
 * }</pre>
 */
public final class Monitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Profile reference;
  private final int windowRows;
  private final Duration windowDuration;
  private final DriftOptions driftOptions;
  private final DataQuality quality;
  private final String segmentColumn;
  private final int segmentMinRows;
  private final List<AlertRule> rules;
  private final Duration cooldown;
  private final Clock clock;
  private final MonitoringStore store;
  private final List<Consumer<Alert>> alertListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<WindowReport>> reportListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Long> lastFired = new HashMap<>();
  private final List<WindowReport> reports = new CopyOnWriteArrayList<>();
  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Object reporting = new Object();
  private List<Map<String, ?>> buffer = new ArrayList<>();
  private long windowStart;
  private long nextWindow;

  private Monitor(Builder b) {
    this.name = b.name;
    this.reference = b.reference;
    this.windowRows = b.windowRows;
    this.windowDuration = b.windowDuration;
    this.driftOptions = b.driftOptions;
    this.quality = b.quality;
    this.segmentColumn = b.segmentColumn;
    this.segmentMinRows = b.segmentMinRows;
    this.rules = List.copyOf(b.rules);
    this.cooldown = b.cooldown;
    this.clock = b.clock;
    this.store = b.backend == null ? null : b.backend.store(MonitoringStore.class);
    this.alertListeners.addAll(b.alertListeners);
    this.reportListeners.addAll(b.reportListeners);
    this.windowStart = clock.millis();
    if (store != null) {
      store.putProfile(name, "reference", reference.toBytes());
      List<MonitoringStore.StoredRecord> old = store.reports(name, 0, Integer.MAX_VALUE);
      this.nextWindow = old.isEmpty() ? 0 : old.get(old.size() - 1).window() + 1;
    }
  }

  /** A builder for a monitor of this name. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The monitor's name. */
  public String name() {
    return name;
  }

  /**
   * Adds one row (column name to value; null is missing). Thread-safe. When the row completes a
   * window, this call computes the window's report before returning.
   */
  public Optional<WindowReport> log(Map<String, ?> row) {
    Validation.notNull("row", row);
    List<Map<String, ?>> full = null;
    long start = 0;
    synchronized (lock) {
      if (windowDuration != null && !buffer.isEmpty() && clock.millis() - windowStart >= windowDuration.toMillis()) {
        full = buffer;
        start = windowStart;
        buffer = new ArrayList<>();
        windowStart = clock.millis();
      }
      buffer.add(row);
      if (full == null && windowDuration == null && buffer.size() >= windowRows) {
        full = buffer;
        start = windowStart;
        buffer = new ArrayList<>();
        windowStart = clock.millis();
      }
    }
    return full == null ? Optional.empty() : Optional.of(close(full, start));
  }

  /** Closes the current window now, if it has rows. */
  public Optional<WindowReport> flush() {
    List<Map<String, ?>> full;
    long start;
    synchronized (lock) {
      if (buffer.isEmpty()) {
        return Optional.empty();
      }
      full = buffer;
      start = windowStart;
      buffer = new ArrayList<>();
      windowStart = clock.millis();
    }
    return Optional.of(close(full, start));
  }

  private Table table(List<Map<String, ?>> rows) {
    List<Column> cols = new ArrayList<>();
    Map<String, Boolean> names = new LinkedHashMap<>();
    for (ColumnProfile c : reference.columns()) {
      names.put(c.name(), c.isNumerical());
    }
    for (Map<String, ?> r : rows) {
      for (String k : r.keySet()) {
        names.putIfAbsent(k, r.get(k) instanceof Number);
      }
    }
    for (Map.Entry<String, Boolean> e : names.entrySet()) {
      boolean numeric = e.getValue();
      for (Map<String, ?> r : rows) {
        Object v = r.get(e.getKey());
        if (v != null && !(v instanceof Number)) {
          numeric = false;
          break;
        }
      }
      if (numeric) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
          Object o = rows.get(i).get(e.getKey());
          v[i] = o == null ? Double.NaN : ((Number) o).doubleValue();
        }
        cols.add(Column.numerical(e.getKey(), v));
      } else {
        String[] v = new String[rows.size()];
        for (int i = 0; i < v.length; i++) {
          Object o = rows.get(i).get(e.getKey());
          v[i] = o == null ? null : o.toString();
        }
        cols.add(Column.categorical(e.getKey(), v));
      }
    }
    return Table.of(cols);
  }

  private WindowReport close(List<Map<String, ?>> rows, long start) {
    synchronized (reporting) {
      long index = nextWindow++;
      Table t = table(rows);
      Table compared = only(t, reference);
      DriftReport drift = ProfileDrift.compare(reference, compared, driftOptions);
      QualityReport q = quality.check(reference, t);
      Map<String, DriftReport> segments = new LinkedHashMap<>();
      if (segmentColumn != null && t.columns().containsKey(segmentColumn)) {
        Map<String, List<Map<String, ?>>> groups = new LinkedHashMap<>();
        for (Map<String, ?> r : rows) {
          groups.computeIfAbsent(String.valueOf(r.get(segmentColumn)), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<Map<String, ?>>> g : groups.entrySet()) {
          if (g.getValue().size() >= segmentMinRows) {
            try {
              Table segment = table(g.getValue());
              segments.put(g.getKey(), ProfileDrift.compare(reference, only(segment, reference), driftOptions));
              if (store != null) {
                store.putProfile(name, "window-" + index + "-segment-" + g.getKey(), Profile.of(segment).toBytes());
              }
            } catch (InvalidArgumentException e) {
              LOG.debug("segment {} skipped: {}", g.getKey(), e.getMessage());
            }
          }
        }
      }
      long end = clock.millis();
      WindowReport draft = new WindowReport(name, index, start, end, rows.size(), drift, q, segments, List.of());
      List<Alert> raised = new ArrayList<>();
      for (AlertRule rule : rules) {
        Optional<String> msg;
        try {
          msg = rule.evaluate(draft);
        } catch (RuntimeException e) {
          msg = Optional.of("rule failed: " + e);
        }
        if (msg.isPresent()) {
          Long last = lastFired.get(rule.name());
          if (last != null && end - last < cooldown.toMillis()) {
            continue;
          }
          lastFired.put(rule.name(), end);
          raised.add(new Alert(name, rule.name(), index, end, msg.get()));
        }
      }
      WindowReport report = new WindowReport(name, index, start, end, rows.size(), drift, q, segments, raised);
      reports.add(report);
      alerts.addAll(raised);
      if (store != null) {
        try {
          store.putProfile(name, "window-" + index, Profile.of(t).toBytes());
          store.addReport(new MonitoringStore.StoredRecord(name, index, end, JSON.writeValueAsString(report)));
          for (Alert a : raised) {
            store.addAlert(new MonitoringStore.StoredRecord(name, index, a.time(), JSON.writeValueAsString(a)));
          }
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        } catch (MlopsException e) {
          LOG.error("could not store window {} of monitor {}", index, name, e);
        }
      }
      for (Consumer<WindowReport> l : reportListeners) {
        l.accept(report);
      }
      for (Alert a : raised) {
        for (Consumer<Alert> l : alertListeners) {
          try {
            l.accept(a);
          } catch (RuntimeException e) {
            LOG.warn("alert listener failed on {}", a, e);
          }
        }
      }
      return report;
    }
  }

  private static Table only(Table t, Profile reference) {
    List<Column> cols = new ArrayList<>();
    for (ColumnProfile c : reference.columns()) {
      if (t.columns().containsKey(c.name())) {
        cols.add(t.column(c.name()));
      }
    }
    return Table.of(cols);
  }

  /** Reports of this monitor's windows so far (this process). */
  public List<WindowReport> reports() {
    return List.copyOf(reports);
  }

  /** Alerts raised so far in this process; the stored history is {@link #alertHistory()}. */
  public List<Alert> alerts() {
    return List.copyOf(alerts);
  }

  /** The stored alert history (every process), oldest first. Empty without a backend. */
  public List<Alert> alertHistory() {
    if (store == null) {
      return alerts();
    }
    List<Alert> out = new ArrayList<>();
    for (MonitoringStore.StoredRecord r : store.alerts(name, Long.MIN_VALUE, Integer.MAX_VALUE)) {
      try {
        out.add(JSON.readValue(r.json(), Alert.class));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** Adds an alert listener. */
  public void onAlert(Consumer<Alert> listener) {
    alertListeners.add(Validation.notNull("listener", listener));
  }

  @Override
  public void close() {
    flush();
  }

  /** Builder of {@link Monitor}. */
  public static final class Builder {
    private final String name;
    private Profile reference;
    private int windowRows = 1000;
    private Duration windowDuration;
    private DriftOptions driftOptions = DriftOptions.defaults();
    private DataQuality quality = DataQuality.with(List.of());
    private String segmentColumn;
    private int segmentMinRows = 30;
    private final List<AlertRule> rules = new ArrayList<>();
    private Duration cooldown = Duration.ZERO;
    private Clock clock = Clock.systemUTC();
    private StorageBackend backend;
    private final List<Consumer<Alert>> alertListeners = new ArrayList<>();
    private final List<Consumer<WindowReport>> reportListeners = new ArrayList<>();

    private Builder(String name) {
      this.name = Validation.name("monitor name", name, 250);
    }

    /** The reference profile (required), built once and reused. */
    public Builder reference(Profile reference) {
      this.reference = Validation.notNull("reference", reference);
      return this;
    }

    /** Closes a window every {@code rows} rows (default 1000). */
    public Builder windowRows(int rows) {
      this.windowRows = Validation.positive("window rows", rows);
      this.windowDuration = null;
      return this;
    }

    /** Closes a window when a row arrives {@code duration} after the window opened (instead of by count). */
    public Builder windowDuration(Duration duration) {
      if (duration.isNegative() || duration.isZero()) {
        throw InvalidArgumentException.of("window duration", duration, "must be positive");
      }
      this.windowDuration = duration;
      return this;
    }

    public Builder drift(DriftOptions options) {
      this.driftOptions = Validation.notNull("drift options", options);
      return this;
    }

    public Builder quality(DataQuality quality) {
      this.quality = Validation.notNull("quality", quality);
      return this;
    }

    /** Also reports drift per value of {@code column}, for segments with at least {@code minRows} rows. */
    public Builder segmentBy(String column, int minRows) {
      this.segmentColumn = Validation.notNull("segment column", column);
      this.segmentMinRows = Validation.positive("segment min rows", minRows);
      return this;
    }

    public Builder alert(AlertRule rule) {
      rules.add(Validation.notNull("rule", rule));
      return this;
    }

    /** How long a rule stays quiet after it fired (default 0). */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = Validation.notNull("cooldown", cooldown);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Validation.notNull("clock", clock);
      return this;
    }

    /** Stores the reference profile, reports and alerts in this backend's monitoring store. */
    public Builder storage(StorageBackend backend) {
      this.backend = Validation.notNull("backend", backend);
      return this;
    }

    public Builder onAlert(Consumer<Alert> listener) {
      alertListeners.add(Validation.notNull("listener", listener));
      return this;
    }

    public Builder onReport(Consumer<WindowReport> listener) {
      reportListeners.add(Validation.notNull("listener", listener));
      return this;
    }

    public Monitor build() {
      if (reference == null) {
        throw new InvalidArgumentException("reference: a monitor needs a reference profile");
      }
      return new Monitor(this);
    }
  }
}
