package dev.mlops.ui;

import com.sun.net.httpserver.HttpExchange;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Page;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The tracking routes: experiments, the runs table, a run, a metric's history reduced for a chart, a run's artifacts. */
final class TrackingRoutes {
  /** Points beyond which a metric history is always reduced, whatever the chart asks. */
  static final int MAX_BUCKETS = 4_000;

  private final Tracker tracker;

  TrackingRoutes(Tracker tracker) {
    this.tracker = tracker;
  }

  List<Map<String, Object>> experiments(Request r) {
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

  Map<String, Object> runs(Request q) {
    RunQuery.Builder b = RunQuery.builder().maxResults(q.intParam("max", 100, 1, 1000));
    String exp = q.param("experiment");
    if (exp != null) {
      b.experiments(exp.split(","));
    } else {
      List<String> all = tracker.listExperiments(ViewType.ACTIVE_ONLY).stream().map(Experiment::id).toList();
      b.experiments(all.toArray(new String[0]));
    }
    String filter = q.param("filter");
    if (filter != null) {
      b.filter(filter);
    }
    String order = q.param("order");
    if (order != null) {
      b.orderBy(order.split(","));
    }
    String page = q.param("page");
    if (page != null) {
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

  Map<String, Object> run(Request q) {
    String id = q.required("id");
    Run r = tracker.getRun(id);
    Map<String, Object> m = summary(r);
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (DatasetInput in : r.inputs()) {
      inputs.add(Map.of("name", in.dataset().name(), "digest", in.dataset().digest(), "source", in.dataset().sourceUri(),
          "rows", in.dataset().rowCount(), "context", in.context()));
    }
    m.put("inputs", inputs);
    // the step of each metric's latest value: above 0, the metric has a history worth a line chart
    Map<String, Long> steps = new TreeMap<>();
    r.latestMetrics().forEach((k, v) -> steps.put(k, v.step()));
    m.put("lastSteps", steps);
    try {
      m.put("artifacts", listing(id, ""));
    } catch (InvalidArgumentException e) {
      // a store someone planted a link in: the run stays readable, and says why its artifacts are not listed
      m.put("artifacts", List.of());
      m.put("artifactsError", e.getMessage());
    }
    return m;
  }

  List<Map<String, Object>> artifacts(Request q) {
    String run = q.required("run");
    tracker.getRun(run);
    return listing(run, q.query().getOrDefault("dir", ""));
  }

  private List<Map<String, Object>> listing(String run, String dir) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ArtifactInfo a : tracker.artifacts().list(run, dir)) {
      out.add(Map.of("path", a.path(), "directory", a.directory(), "size", a.size()));
    }
    return out;
  }

  /**
   * A metric's history reduced to at most {@code buckets} points for a chart.
   *
   * @throws NotFoundException (404) for a run that does not exist or has no metric of that name
   */
  Map<String, Object> metric(Request q) {
    String run = q.required("run");
    String key = q.required("key");
    int buckets = q.intParam("buckets", 800, 1, MAX_BUCKETS);
    MetricSeries.Axis axis;
    try {
      axis = MetricSeries.Axis.valueOf(q.query().getOrDefault("x", "step").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw InvalidArgumentException.of("x", q.query().get("x"), "must be step, time or relative");
    }
    Map<String, String> p = q.query();
    double from = p.containsKey("start") ? Double.parseDouble(p.get("start")) : Double.NEGATIVE_INFINITY;
    double to = p.containsKey("end") ? Double.parseDouble(p.get("end")) : Double.POSITIVE_INFINITY;
    List<Metric> history = tracker.metricHistory(run, key);
    if (history.isEmpty() && !tracker.getRun(run).latestMetrics().containsKey(key)) {
      // getRun answers 404 for a run that does not exist; a run without the metric is as missing
      throw new NotFoundException("run '" + run + "' has no metric '" + key + "'");
    }
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

  /**
   * An artifact of a run that exists, streamed as an attachment (never rendered by the browser); the
   * store refuses paths outside the run and never follows a symbolic link planted in it.
   */
  void download(Request q) throws IOException {
    HttpExchange ex = q.exchange();
    String run;
    String path;
    try {
      run = q.required("run");
      path = ArtifactPaths.normalize(q.required("path"));
    } catch (MlopsException | IllegalArgumentException e) {
      Responses.send(ex, 400, "text/plain", String.valueOf(e.getMessage()));
      return;
    }
    InputStream in;
    try {
      // only a run's artifacts: other names in the artifact store (the registry's model bytes) are no run
      tracker.getRun(run);
      in = tracker.artifacts().open(run, path);
    } catch (NotFoundException e) {
      Responses.send(ex, 404, "text/plain", e.getMessage());
      return;
    } catch (MlopsException e) {
      Responses.send(ex, 400, "text/plain", String.valueOf(e.getMessage()));
      return;
    }
    try (in) {
      String file = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
      String image = "1".equals(q.query().get("preview")) ? RASTER.get(extension(file)) : null;
      if (image != null) {
        // a raster image previewed in an <img>: its own type, inline, and a sandbox in case it is opened directly
        ex.getResponseHeaders().set("Content-Type", image);
        ex.getResponseHeaders().set("Content-Disposition", "inline; filename=\"" + file + "\"");
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; sandbox");
      } else {
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + file + "\"");
      }
      ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : 0);
      if (!ex.getRequestMethod().equals("HEAD")) {
        try (OutputStream out = ex.getResponseBody()) {
          in.transferTo(out);
        }
      }
    }
  }

  /** Image types an artifact may be previewed as (never SVG, which can carry scripts). */
  private static final Map<String, String> RASTER = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif",
      "webp", "image/webp");

  private static String extension(String file) {
    int dot = file.lastIndexOf('.');
    return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
