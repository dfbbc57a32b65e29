package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.Page;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.Tracker;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * MLflow's run routes over a {@link Tracker}: create, get, update, delete, restore, the logging
 * routes and search, and the metric history. Every request is checked whole before the store is
 * called, and each write is one store call, so a refused request writes nothing.
 */
final class RunRoutes {
  /** MLflow's batch limits ({@code service.proto}, {@code logBatch}). */
  static final int MAX_METRICS = 1000;
  static final int MAX_PARAMS = 100;
  static final int MAX_TAGS = 100;
  static final int MAX_ENTRIES = 1000;
  static final String RUN_NAME_TAG = "mlflow.runName";
  static final String USER_TAG = "mlflow.user";
  static final String PARENT_TAG = "mlflow.parentRunId";
  static final String LOG_MODEL_TAG = "mlflow.log-model.history";

  private final Tracker tracker;
  private final TrackingStore store;
  private final Clock clock;
  private final Function<RunInfo, String> artifactUri;
  private final LoggedModels models;
  private final SecureRandom random = new SecureRandom();

  RunRoutes(Tracker tracker, Clock clock, Function<RunInfo, String> artifactUri, LoggedModels models) {
    this.tracker = tracker;
    this.store = tracker.store();
    this.clock = clock;
    this.artifactUri = artifactUri;
    this.models = models;
  }

  ObjectNode create(Message m) {
    String expId = m.string("experiment_id");
    if (expId == null || expId.isEmpty()) {
      expId = tracker.defaultExperiment().id();
    }
    String id = expId;
    Experiment exp = tracker.getExperiment(id).orElseThrow(() -> MlflowError.notFound("No Experiment with id=" + id + " exists"));
    if (exp.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw MlflowError.invalid("experiment_id", id, "names a deleted experiment; restore it before creating runs in it");
    }
    Map<String, String> tags = tags(m.messages("tags"), "tags");
    String runName = m.string("run_name");
    if (runName == null || runName.isEmpty()) {
      runName = tags.get(RUN_NAME_TAG);
    }
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String runId = HexFormat.of().formatHex(bytes);
    if (runName == null || runName.isEmpty()) {
      runName = "run-" + runId.substring(0, 8);
    }
    Validation.maxLength("run_name", runName, Validation.MAX_RUN_NAME_LENGTH);
    String user = m.string("user_id");
    if (user == null || user.isEmpty()) {
      user = tags.getOrDefault(USER_TAG, "unknown");
    }
    long start = m.int64("start_time", clock.millis());
    Validation.nonNegative("start_time", start);
    String parent = tags.getOrDefault(PARENT_TAG, "");
    if (!parent.isEmpty() && store.getRun(parent).isEmpty()) {
      throw MlflowError.notFound("parent run '" + parent + "' (tag " + PARENT_TAG + ") does not exist");
    }
    Map<String, String> all = new LinkedHashMap<>(tags);
    all.put(RUN_NAME_TAG, runName);
    all.putIfAbsent(USER_TAG, user);
    RunInfo draft = new RunInfo(runId, exp.id(), runName, RunStatus.RUNNING, user, start, -1, LifecycleStage.ACTIVE, "", parent);
    RunInfo info = new RunInfo(runId, exp.id(), runName, RunStatus.RUNNING, user, start, -1, LifecycleStage.ACTIVE,
        artifactUri.apply(draft), parent);
    store.createRun(info, all, Map.of());
    ObjectNode out = Wire.object();
    out.set("run", Wire.run(tracker.getRun(runId)));
    return out;
  }

  ObjectNode get(Message m) {
    ObjectNode out = Wire.object();
    out.set("run", Wire.run(run(m.runId())));
    return out;
  }

  ObjectNode update(Message m) {
    Run r = run(m.runId());
    String s = m.string("status");
    RunStatus status = r.info().status();
    if (s != null && !s.isEmpty()) {
      status = parse(RunStatus.class, s, "status");
    }
    long end = m.int64("end_time", status.isTerminal() ? (r.info().endTime() >= 0 ? r.info().endTime() : clock.millis()) : -1);
    String name = m.string("run_name");
    if (name != null) {
      Validation.maxLength("run_name", name, Validation.MAX_RUN_NAME_LENGTH);
      if (name.isEmpty()) {
        name = null;
      }
    }
    store.updateRun(r.id(), status, end, name);
    if (name != null) {
      store.logBatch(r.id(), List.of(), Map.of(), Map.of(RUN_NAME_TAG, name));
    }
    ObjectNode out = Wire.object();
    out.set("run_info", Wire.runInfo(tracker.getRun(r.id()).info()));
    return out;
  }

  ObjectNode delete(Message m) {
    tracker.deleteRun(run(m.runId()).id());
    return Wire.object();
  }

  ObjectNode restore(Message m) {
    tracker.restoreRun(run(m.runId()).id());
    return Wire.object();
  }

  ObjectNode logMetric(Message m) {
    logMetrics(m.runId(), List.of(m), Map.of(), Map.of());
    return Wire.object();
  }

  ObjectNode logParam(Message m) {
    String runId = m.runId();
    Map<String, String> p = params(List.of(m));
    write(runId, () -> store.logBatch(runId, List.of(), p, Map.of()));
    return Wire.object();
  }

  ObjectNode setTag(Message m) {
    String runId = m.runId();
    Map<String, String> t = tags(List.of(m), "tag");
    write(runId, () -> store.logBatch(runId, List.of(), Map.of(), t));
    return Wire.object();
  }

  /**
   * A write to a run, which the store refuses for a run that does not exist: answered as MLflow does,
   * without reading the whole run first (a log call reads nothing else).
   */
  private static void write(String runId, Runnable write) {
    try {
      write.run();
    } catch (dev.mlops.api.NotFoundException e) {
      throw MlflowError.notFound("Run with id=" + runId + " not found");
    }
  }

  ObjectNode deleteTag(Message m) {
    String runId = run(m.runId()).id();
    String key = m.required("key");
    if (!run(runId).tags().containsKey(key)) {
      throw MlflowError.notFound("No tag with name: " + key + " in run with id " + runId);
    }
    store.deleteTag(runId, key);
    return Wire.object();
  }

  ObjectNode logBatch(Message m) {
    String runId = m.runId();
    List<Message> metrics = m.messages("metrics");
    List<Message> params = m.messages("params");
    List<Message> tags = m.messages("tags");
    limit("metrics", metrics.size(), MAX_METRICS);
    limit("params", params.size(), MAX_PARAMS);
    limit("tags", tags.size(), MAX_TAGS);
    int total = metrics.size() + params.size() + tags.size();
    if (total > MAX_ENTRIES) {
      throw MlflowError.invalid("metrics, params and tags", total + " entries", "a batch holds at most " + MAX_ENTRIES + " in total");
    }
    Map<String, String> p = params(params);
    Map<String, String> t = tags(tags, "tags");
    logMetrics(runId, metrics, p, t);
    return Wire.object();
  }

  /**
   * Writes metric points with params and tags in one store call. A point that names a
   * {@code model_id} (MLflow 3 links a run's metrics to the model it logged by logging them again
   * with the model's id) is linked to that logged model, and written to the run only when the run
   * does not hold the same point (key, value, timestamp, step) already, as MLflow's stores ignore
   * a point they hold.
   */
  private void logMetrics(String runId, List<Message> metrics, Map<String, String> params, Map<String, String> tags) {
    List<Metric> points = new ArrayList<>(metrics.size());
    Map<String, List<LoggedModels.LinkedMetric>> linked = new LinkedHashMap<>();
    for (Message p : metrics) {
      Metric point = metric(p);
      String modelId = p.string("model_id");
      if (modelId == null || modelId.isEmpty()) {
        points.add(point);
      } else {
        models.require(modelId);
        linked.computeIfAbsent(modelId, k -> new ArrayList<>())
            .add(new LoggedModels.LinkedMetric(point, p.stringOrEmpty("dataset_name"), p.stringOrEmpty("dataset_digest")));
      }
    }
    if (!linked.isEmpty()) {
      run(runId); // the points held are read from the run: it must exist
    }
    Map<String, List<Metric>> held = new java.util.HashMap<>();
    for (List<LoggedModels.LinkedMetric> ps : linked.values()) {
      for (LoggedModels.LinkedMetric l : ps) {
        Metric point = l.point();
        List<Metric> history = held.computeIfAbsent(point.key(), k -> tracker.metricHistory(runId, k));
        if (!contains(history, point) && !contains(points, point)) {
          points.add(point);
        }
      }
    }
    write(runId, () -> store.logBatch(runId, points, params, tags));
    linked.forEach((modelId, ps) -> models.linkMetrics(modelId, runId, ps, clock.millis()));
  }

  private static boolean contains(List<Metric> points, Metric p) {
    for (Metric q : points) {
      if (q.key().equals(p.key()) && q.timestamp() == p.timestamp() && q.step() == p.step()
          && Double.doubleToLongBits(q.value()) == Double.doubleToLongBits(p.value())) {
        return true;
      }
    }
    return false;
  }

  /**
   * MLflow 3's {@code runs/outputs}: the run logged these models (each {@code {model_id, step}});
   * kept on each logged model as {@code outputs}. Every model must exist.
   */
  ObjectNode logOutputs(Message m) {
    String runId = run(m.runId()).id();
    List<Message> outputs = m.messages("models");
    Map<String, Long> steps = new LinkedHashMap<>();
    for (Message o : outputs) {
      String id = o.required("model_id");
      models.require(id);
      steps.put(id, o.int64("step", 0));
    }
    steps.forEach((id, step) -> models.update(id, clock.millis(), d -> {
      d.withArrayProperty("outputs").addObject().put("run_id", runId).put("step", step);
      return d;
    }));
    return Wire.object();
  }

  ObjectNode logInputs(Message m) {
    String runId = run(m.runId()).id();
    var inputs = Datasets.parse(m.messages("datasets"));
    if (!inputs.isEmpty()) {
      store.logInputs(runId, inputs);
    }
    return Wire.object();
  }

  /**
   * MLflow 2.x's {@code log-model}: the model's {@code MLmodel} description appended to the run's
   * {@code mlflow.log-model.history} tag (a JSON list), as MLflow's stores keep it.
   */
  ObjectNode logModel(Message m) {
    Run r = run(m.runId());
    String modelJson = m.required("model_json");
    ArrayNode history;
    try {
      history = Wire.JSON.createArrayNode();
      String prior = r.tags().get(LOG_MODEL_TAG);
      if (prior != null && Wire.JSON.readTree(prior).isArray()) {
        history = (ArrayNode) Wire.JSON.readTree(prior);
      }
      history.add(Wire.JSON.readTree(modelJson));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw MlflowError.invalid("model_json", modelJson.length() > 80 ? modelJson.substring(0, 80) + "..." : modelJson, "must be JSON");
    }
    store.logBatch(r.id(), List.of(), Map.of(), tags(List.of(Message.of(Wire.object().put("key", LOG_MODEL_TAG)
        .put("value", Wire.write(history)))), "tag"));
    return Wire.object();
  }

  ObjectNode search(Message m) {
    RunQuery.Builder q = RunQuery.builder()
        .experiments(m.strings("experiment_ids").toArray(String[]::new))
        .orderBy(m.strings("order_by").toArray(String[]::new))
        .view(view(m.string("run_view_type"), "run_view_type"))
        .maxResults(m.int32("max_results", 1000, 1, RunQuery.MAX_RESULTS));
    String filter = m.string("filter");
    if (filter != null) {
      q.filter(filter);
    }
    String token = m.string("page_token");
    if (token != null && !token.isEmpty()) {
      q.pageToken(token);
    }
    Page<Run> page = tracker.searchRuns(q.build());
    ObjectNode out = Wire.object();
    ArrayNode runs = out.putArray("runs");
    page.items().forEach(r -> runs.add(Wire.run(r)));
    page.nextPageToken().ifPresent(t -> out.put("next_page_token", t));
    return out;
  }

  ObjectNode metricHistory(Message m) {
    String runId = run(m.runId()).id();
    String key = m.required("metric_key");
    ObjectNode out = Wire.object();
    ArrayNode list = out.putArray("metrics");
    if (!m.has("max_results") && (m.string("page_token") == null || m.string("page_token").isEmpty())) {
      tracker.metricHistory(runId, key).forEach(p -> list.add(Wire.metric(p)));
      return out;
    }
    int max = m.int32("max_results", 25_000, 1, 25_000);
    String token = m.string("page_token");
    Page<Metric> page = tracker.metricHistory(runId, key, max, token == null || token.isEmpty() ? null : token);
    page.items().forEach(p -> list.add(Wire.metric(p)));
    page.nextPageToken().ifPresent(t -> out.put("next_page_token", t));
    return out;
  }

  // ---------------------------------------------------------------- parsing

  private Run run(String runId) {
    return store.getRun(runId).orElseThrow(() -> MlflowError.notFound("Run with id=" + runId + " not found"));
  }

  private Metric metric(Message m) {
    String key = m.required("key");
    double value = m.requiredDouble("value");
    long timestamp = m.int64("timestamp", clock.millis());
    long step = m.int64("step", 0);
    return new Metric(key, value, timestamp, step);
  }

  private static Map<String, String> params(List<Message> params) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Message p : params) {
      String key = Validation.key("param key", p.required("key"));
      String value = p.string("value");
      value = value == null ? "" : value;
      Validation.maxLength("param '" + key + "' value", value, Validation.MAX_PARAM_VALUE_LENGTH);
      String prior = out.putIfAbsent(key, value);
      if (prior != null && !prior.equals(value)) {
        throw MlflowError.invalid("params", key, "is given twice in one batch with different values");
      }
    }
    return out;
  }

  static Map<String, String> tags(List<Message> tags, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Message t : tags) {
      String key = Validation.key(field + " key", t.required("key"));
      String value = t.string("value");
      value = value == null ? "" : value;
      Validation.maxLength(field + " '" + key + "' value", value, Validation.MAX_TAG_VALUE_LENGTH);
      out.put(key, value);
    }
    return out;
  }

  private static void limit(String field, int size, int max) {
    if (size > max) {
      throw MlflowError.invalid(field, size + " entries", "a batch holds at most " + max);
    }
  }

  static ViewType view(String name, String field) {
    return name == null || name.isEmpty() ? ViewType.ACTIVE_ONLY : parse(ViewType.class, name, field);
  }

  static <E extends Enum<E>> E parse(Class<E> type, String name, String field) {
    try {
      return Enum.valueOf(type, name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw MlflowError.invalid(field, name, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }
}
