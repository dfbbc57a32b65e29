package dev.mlops.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Page;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.monitoring.MonitorHistory;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.report.HtmlReport;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.Tracker;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The UI's JSON endpoints: read-only views over the tracker, the registry and the monitoring store. */
final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Points beyond which a metric history is always reduced, whatever the chart asks. */
  static final int MAX_BUCKETS = 4_000;

  private final Tracker tracker;
  private final ModelRegistry registry;
  private final StorageBackend backend;
  private final Map<String, java.util.function.Supplier<?>> live;

  private final dev.mlops.registry.@org.jspecify.annotations.Nullable AccessPolicy policy;

  Api(Tracker tracker, ModelRegistry registry, StorageBackend backend, Map<String, java.util.function.Supplier<?>> live,
      dev.mlops.registry.@org.jspecify.annotations.Nullable AccessPolicy policy) {
    this.tracker = tracker;
    this.registry = registry;
    this.backend = backend;
    this.live = live;
    this.policy = policy;
  }

  /** Whether {@code principal} may see the model {@code name} (always, without an access policy). */
  boolean visible(String principal, String name) {
    return policy == null || policy.allows(principal, dev.mlops.registry.Action.VIEW, name);
  }

  /** A model the principal may see, or the same "no model" answer as for one that does not exist. */
  private String visibleModel(String principal, String name) {
    if (!visible(principal, name)) {
      throw new NotFoundException("no registered model '" + name + "'");
    }
    return name;
  }

  static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      q.putIfAbsent(k, v);
    }
    return q;
  }

  static String error(String message) {
    return write(Map.of("error", message == null ? "error" : message));
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static String requiredParam(Map<String, String> q, String name) {
    return required(q, name);
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isBlank()) {
      throw InvalidArgumentException.of(name, "(none)", "this page needs ?" + name + "=");
    }
    return v;
  }

  private static int intParam(Map<String, String> q, String name, int dflt, int min, int max) {
    String v = q.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < min || n > max) {
        throw InvalidArgumentException.of(name, v, "must be in [" + min + ", " + max + "]");
      }
      return n;
    } catch (NumberFormatException e) {
      throw InvalidArgumentException.of(name, v, "must be a whole number");
    }
  }

  String handle(String route, Map<String, String> q, String principal) {
    return switch (route) {
      case "experiments" -> write(experiments());
      case "runs" -> write(runs(q));
      case "run" -> write(run(required(q, "id")));
      case "metric" -> write(metric(q));
      case "models" -> write(models(principal));
      case "model" -> write(model(visibleModel(principal, required(q, "name"))));
      case "audit" -> write(audit(principal));
      case "monitor" -> write(monitor(required(q, "name"), q));
      case "monitors" -> write(MonitorHistory.monitors(backend));
      case "live" -> write(live());
      case "loops" -> write(backend.offers(RetrainingStore.class) ? backend.store(RetrainingStore.class).loops() : List.of());
      case "loop" -> write(loop(required(q, "name")));
      case "artifacts" -> write(artifacts(required(q, "run"), q.getOrDefault("dir", "")));
      default -> throw new NotFoundException("no API route '" + route + "'");
    };
  }

  private List<Map<String, Object>> experiments() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Experiment e : tracker.listExperiments(ViewType.ACTIVE_ONLY)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.id());
      m.put("name", e.name());
      m.put("created", e.creationTime());
      m.put("tags", e.tags());
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> summary(Run r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("name", r.info().runName());
    m.put("experiment", r.info().experimentId());
    m.put("status", r.info().status().name());
    m.put("user", r.info().user());
    m.put("start", r.info().startTime());
    m.put("end", r.info().endTime());
    m.put("parent", r.info().parentRunId());
    m.put("params", new TreeMap<>(r.params()));
    Map<String, Double> latest = new TreeMap<>();
    r.latestMetrics().forEach((k, v) -> latest.put(k, v.value()));
    m.put("metrics", latest);
    m.put("tags", new TreeMap<>(r.tags()));
    return m;
  }

  private Map<String, Object> runs(Map<String, String> q) {
    RunQuery.Builder b = RunQuery.builder().maxResults(intParam(q, "max", 100, 1, 1000));
    String exp = q.get("experiment");
    if (exp != null && !exp.isBlank()) {
      b.experiments(exp.split(","));
    } else {
      List<String> all = tracker.listExperiments(ViewType.ACTIVE_ONLY).stream().map(Experiment::id).toList();
      b.experiments(all.toArray(new String[0]));
    }
    String filter = q.get("filter");
    if (filter != null && !filter.isBlank()) {
      b.filter(filter);
    }
    String order = q.get("order");
    if (order != null && !order.isBlank()) {
      b.orderBy(order.split(","));
    }
    String page = q.get("page");
    if (page != null && !page.isBlank()) {
      b.pageToken(page);
    }
    Page<Run> p = tracker.searchRuns(b.build());
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Run r : p.items()) {
      runs.add(summary(r));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runs", runs);
    out.put("next", p.nextPageToken().orElse(null));
    return out;
  }

  private Map<String, Object> run(String id) {
    Run r = tracker.getRun(id);
    Map<String, Object> m = summary(r);
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (DatasetInput in : r.inputs()) {
      inputs.add(Map.of("name", in.dataset().name(), "digest", in.dataset().digest(), "source", in.dataset().sourceUri(),
          "rows", in.dataset().rowCount(), "context", in.context()));
    }
    m.put("inputs", inputs);
    try {
      m.put("artifacts", listing(id, ""));
    } catch (InvalidArgumentException e) {
      // a store someone planted a link in: the run stays readable, and says why its artifacts are not listed
      m.put("artifacts", List.of());
      m.put("artifactsError", e.getMessage());
    }
    return m;
  }

  private List<Map<String, Object>> artifacts(String run, String dir) {
    tracker.getRun(run);
    return listing(run, dir);
  }

  private List<Map<String, Object>> listing(String run, String dir) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ArtifactInfo a : tracker.artifacts().list(run, dir)) {
      out.add(Map.of("path", a.path(), "directory", a.directory(), "size", a.size()));
    }
    return out;
  }

  /** Each live status the embedding application registered, read now; a failing one reports its error. */
  private Map<String, Object> live() {
    Map<String, Object> out = new LinkedHashMap<>();
    live.forEach((name, status) -> {
      try {
        out.put(name, JSON.valueToTree(status.get()));
      } catch (RuntimeException e) {
        out.put(name, Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    });
    return out;
  }

  /** A retraining loop's history and triggers, as the loop stored them. */
  private Map<String, Object> loop(String name) {
    if (!backend.offers(RetrainingStore.class)) {
      throw new NotFoundException("this store keeps no retraining loops");
    }
    RetrainingStore store = backend.store(RetrainingStore.class);
    List<Object> retrainings = new ArrayList<>();
    for (RetrainingStore.StoredRetraining r : store.retrainings(name, 0, 10_000)) {
      retrainings.add(tree(r.json()));
    }
    List<Object> triggers = new ArrayList<>();
    for (RetrainingStore.StoredTrigger t : store.triggers(name, false, 0, 10_000)) {
      if (!t.key().startsWith("resume:")) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("entry", tree(t.json()));
        e.put("taken", t.retraining());
        triggers.add(e);
      }
    }
    return Map.of("name", name, "retrainings", retrainings, "triggers", triggers);
  }

  private static Object tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return Map.of("error", "unreadable record: " + e.getOriginalMessage());
    }
  }

  /** A version's model card as a self-contained HTML page (every value escaped by the registry). */
  String cardHtml(String principal, String model, int version) {
    return registry.cardHtml(visibleModel(principal, model), version);
  }

  /** A stored window's drift report as the self-contained HTML report (shown in a sandboxed frame). */
  String windowReport(String monitor, long window) {
    MonitorHistory.Entry<WindowReport> stored = MonitorHistory.open(backend, monitor).window(window)
        .orElseThrow(() -> new NotFoundException("monitor '" + monitor + "' has no stored window " + window));
    WindowReport w = stored.value().orElseThrow(() -> new IllegalArgumentException("window " + window + " of monitor " + monitor
        + " cannot be read: " + stored.problem().orElse("")));
    return HtmlReport.render(w.drift(), w.quality(), List.of(), "Monitor " + monitor + ", window " + window);
  }

  private Map<String, Object> metric(Map<String, String> q) {
    String run = required(q, "run");
    String key = required(q, "key");
    int buckets = intParam(q, "buckets", 800, 1, MAX_BUCKETS);
    MetricSeries.Axis axis;
    try {
      axis = MetricSeries.Axis.valueOf(q.getOrDefault("x", "step").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw InvalidArgumentException.of("x", q.get("x"), "must be step, time or relative");
    }
    double from = q.containsKey("start") ? Double.parseDouble(q.get("start")) : Double.NEGATIVE_INFINITY;
    double to = q.containsKey("end") ? Double.parseDouble(q.get("end")) : Double.POSITIVE_INFINITY;
    List<Metric> history = tracker.metricHistory(run, key);
    MetricSeries s = MetricSeries.of(history, axis, buckets, from, to);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", key);
    out.put("axis", axis.name().toLowerCase(Locale.ROOT));
    out.put("points", s.points());
    out.put("reduced", s.reduced());
    out.put("x", s.x());
    out.put("min", s.min());
    out.put("max", s.max());
    out.put("last", s.last());
    return out;
  }

  private List<Map<String, Object>> models(String principal) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RegisteredModel m : registry.searchModels("")) {
      if (!visible(principal, m.name())) {
        continue;
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", m.name());
      e.put("description", m.description());
      e.put("aliases", registry.aliases(m.name()));
      e.put("tags", m.tags());
      out.add(e);
    }
    return out;
  }

  private Map<String, Object> model(String name) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("aliases", registry.aliases(name));
    List<Map<String, Object>> versions = new ArrayList<>();
    for (ModelVersion v : registry.versions(name)) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("version", v.version());
      e.put("status", v.status().name());
      e.put("sha256", v.sha256());
      e.put("size", v.size());
      e.put("description", v.description());
      e.put("run", v.lineage().runId());
      e.put("datasets", v.lineage().datasets());
      // "x1: double, plan: category → no | yes", or empty when the version has no signature
      String inputs = String.join(", ", v.signature().inputs().stream().map(f -> f.name() + ": " + f.type()).toList());
      String outputs = String.join(" | ", v.signature().outputDomain());
      e.put("signature", inputs.isEmpty() && outputs.isEmpty() ? "" : inputs + (outputs.isEmpty() ? "" : " \u2192 " + outputs));
      e.put("createdBy", v.createdBy());
      e.put("created", v.creationTime());
      e.put("tags", v.tags());
      versions.add(e);
    }
    out.put("versions", versions);
    List<Map<String, Object>> requests = new ArrayList<>();
    for (PromotionRequest r : registry.requests(name)) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("id", r.id());
      e.put("alias", r.alias());
      e.put("version", r.version());
      e.put("requester", r.requester());
      e.put("status", r.status().name());
      e.put("gates", r.gates().stream().map(g -> Map.of("gate", g.gate(), "passed", g.passed(), "detail", g.detail())).toList());
      e.put("decisions", r.decisions().stream().map(d -> Map.of("actor", d.actor(), "approve", d.approve(), "comment", d.comment()))
          .toList());
      requests.add(e);
    }
    out.put("requests", requests);
    return out;
  }

  private Map<String, Object> audit(String principal) {
    AuditChain.Verification v = registry.verifyAudit();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("valid", v.valid());
    out.put("entries", v.entries());
    out.put("head", v.headHash());
    out.put("problems", v.problems());
    List<dev.mlops.api.registry.AuditEntry> trail = registry.audit();
    if (policy != null) {
      // only entries about models the principal may see; the chain's verdict is the whole trail's
      java.util.Set<String> names = new java.util.HashSet<>();
      registry.searchModels("").forEach(m -> {
        if (visible(principal, m.name())) {
          names.add(m.name());
        }
      });
      trail = trail.stream().filter(a -> names.contains(a.model())).toList();
    }
    out.put("recent", trail.stream().skip(Math.max(0, trail.size() - 50)).map(a -> Map.of("seq", a.seq(),
        "time", a.time(), "actor", a.actor(), "action", a.action(), "target", a.target())).toList());
    return out;
  }

  /** A monitor's stored windows, alerts and the performance of its prediction log, as the monitor stored them. */
  private Map<String, Object> monitor(String name, Map<String, String> q) {
    MonitorHistory history = MonitorHistory.open(backend, name);
    int limit = intParam(q, "limit", 200, 1, 5000);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("windows", history.windows(0, limit).stream().map(Api::readable).toList());
    out.put("alerts", history.alerts(0, limit).stream().map(Api::readable).toList());
    out.put("performance", performance(history));
    return out;
  }

  /** A stored record as written, or its window and why it cannot be read. */
  private static Object readable(MonitorHistory.Entry<?> e) {
    return e.value().isPresent() ? e.value().get() : Map.of("window", e.window(), "error", e.problem().orElse("unreadable"));
  }

  /**
   * The prediction log stored under the monitor's name, if any: per window the realized metrics over
   * the labelled predictions and the CBPE estimate from the scores (when its reference window is
   * stored), and the reference's own metrics.
   */
  private static Map<String, Object> performance(MonitorHistory history) {
    Map<String, Object> out = new LinkedHashMap<>();
    Optional<PredictionLog.History> log = history.performance();
    if (log.isEmpty()) {
      out.put("windows", List.of());
      return out;
    }
    out.put("reference", log.get().reference());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PredictionLog.WindowPerformance w : log.get().windows()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("window", w.window());
      row.put("predictions", w.predictions());
      row.put("labelled", w.labelled());
      row.put("realized", w.realized());
      row.put("estimated", w.estimated());
      rows.add(row);
    }
    out.put("windows", rows);
    return out;
  }
}
