package dev.mlops.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.Page;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A golden {@code file:} store: a release fills it through the public API ({@link #fill}) and
 * records what its searches answer ({@link #answers}); later releases open the same files and must
 * answer the same ({@code GoldenStoreTest}). To record a new golden store at a release, run
 * {@link #main} there with the store directory and the answers file as arguments, zip the
 * directory, and put both under {@code src/test/resources/golden/}. Uses only API that release
 * 0.1.0 has.
 */
public final class GoldenStore {
  private GoldenStore() {}

  /** The searches: experiments ("*" all), filter, order, view, page size. */
  static final List<String[]> QUERIES = List.of(
      new String[] {"golden", "", "", "ACTIVE_ONLY", "7"},
      new String[] {"golden", "metrics.acc > 0.5 AND params.model = 'sgd'", "metrics.acc DESC", "ACTIVE_ONLY", "4"},
      new String[] {"golden", "", "metrics.acc DESC", "ACTIVE_ONLY", "9"},
      new String[] {"golden", "", "metrics.acc ASC", "ALL", "11"},
      new String[] {"golden", "metrics.acc >= 0 OR metrics.loss < 0.3", "metrics.loss ASC", "ACTIVE_ONLY", "5"},
      new String[] {"golden", "params.model IN ('cart', 'xgb')", "params.lr DESC", "ACTIVE_ONLY", "6"},
      new String[] {"golden", "tags.team LIKE 'a%'", "start_time DESC", "ALL", "8"},
      new String[] {"golden", "metrics.acc IS NULL", "run_name ASC", "ACTIVE_ONLY", "10"},
      new String[] {"golden", "datasets.name = 'train'", "metrics.acc DESC, params.model ASC", "ACTIVE_ONLY", "5"},
      new String[] {"golden", "attributes.status = 'FAILED' OR metrics.acc != 0.5", "tags.team DESC, start_time ASC", "DELETED_ONLY", "3"},
      new String[] {"*", "params.model = 'sgd'", "end_time DESC", "ACTIVE_ONLY", "13"},
      new String[] {"*", "metrics.acc < 1", "metrics.acc DESC", "ALL", "200"});

  /** Fills {@code dir} as a {@code file:} store: two experiments, runs with histories, NaN, infinities, -0.0, children, deleted runs. */
  public static void fill(Path dir) {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    try (Tracker tracker = Tracker.builder().storage("file:" + dir).clock(clock).captureSystemTags(false).build()) {
      tracker.createExperiment("golden", Map.of("owner", "team-a"));
      tracker.createExperiment("other", Map.of());
      String[] models = {"sgd", "cart", "xgb"};
      String[] teams = {"alpha", "beta", "atlas"};
      double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 0.5};
      Random random = new Random(20260101);
      String parent = null;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 70; i++) {
        Tracker.RunStarter starter = tracker.newRun().experiment(i % 10 == 9 ? "other" : "golden").name("run-" + (i % 23));
        if (i % 7 == 3 && parent != null) {
          starter.parent(parent);
        }
        try (ActiveRun run = starter.start()) {
          run.logParam("model", models[random.nextInt(3)]).logParam("lr", Double.toString(random.nextInt(5) / 10.0));
          if (i % 5 != 4) {
            run.setTag("team", teams[random.nextInt(3)]);
          }
          if (i % 6 != 5) {
            double acc = i % 8 == 0 ? special[random.nextInt(special.length)] : Math.round(random.nextDouble() * 20) / 20.0;
            run.logMetric("acc", acc, 0);
          }
          int steps = 1 + random.nextInt(12);
          for (int s = 0; s < steps; s++) {
            run.logMetric("loss", Math.round(random.nextDouble() * 100) / 100.0, s);
          }
          if (i % 4 == 0) {
            run.logInput(new Dataset("train", "sha256:" + Integer.toHexString(1000 + i % 3), "file:/data/train.csv", "a:double", 100 + i), "training");
          }
          if (i % 11 == 0) {
            run.logText("notes/readme.txt", "run " + i);
          }
          if (i % 9 == 2) {
            run.end(RunStatus.FAILED);
          }
          if (i % 10 == 0) {
            parent = run.id();
          }
          ids.add(run.id());
        }
        if (i % 13 == 12) {
          tracker.deleteRun(ids.get(i / 2));
        }
      }
    }
  }

  /** Every query's pages (run ids and each run's data) and the loss history of every run, page by page. */
  public static String answers(TrackingStore store) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    List<String> all = new ArrayList<>();
    for (Experiment e : store.listExperiments(ViewType.ALL)) {
      all.add(e.id());
    }
    ArrayNode searches = out.putArray("searches");
    for (String[] q : QUERIES) {
      List<String> experiments = q[0].equals("*") ? all
          : List.of(store.getExperimentByName(q[0]).orElseThrow().id());
      List<OrderBy> order = q[2].isEmpty() ? List.of() : OrderBy.parseAll(List.of(q[2].split(", ")));
      ObjectNode s = searches.addObject();
      s.put("query", String.join(" | ", q));
      ArrayNode pages = s.putArray("pages");
      String token = null;
      do {
        Page<Run> page = store.searchRuns(experiments, FilterParser.parse(q[1]), order, ViewType.valueOf(q[3]), Integer.parseInt(q[4]), token);
        ArrayNode ids = pages.addArray();
        for (Run r : page.items()) {
          ids.add(r.id());
          if (!out.has("run:" + r.id())) {
            out.set("run:" + r.id(), run(json, r));
          }
        }
        token = page.nextPageToken().orElse(null);
      } while (token != null);
    }
    ObjectNode histories = out.putObject("histories");
    for (String id : new TreeMap<>(Map.copyOf(runsIn(out))).keySet()) {
      ArrayNode pages = histories.putArray(id);
      String token = null;
      do {
        Page<Metric> page = store.getMetricHistory(id, "loss", 5, token);
        ArrayNode points = pages.addArray();
        page.items().forEach(m -> points.add(m.step() + "@" + m.timestamp() + "=" + m.value()));
        token = page.nextPageToken().orElse(null);
      } while (token != null);
    }
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
  }

  private static Map<String, Boolean> runsIn(ObjectNode out) {
    Map<String, Boolean> ids = new TreeMap<>();
    out.fieldNames().forEachRemaining(f -> {
      if (f.startsWith("run:")) {
        ids.put(f.substring(4), true);
      }
    });
    return ids;
  }

  private static ObjectNode run(ObjectMapper json, Run r) {
    ObjectNode n = json.createObjectNode();
    var i = r.info();
    n.put("info", String.join("|", i.runId(), i.experimentId(), i.runName(), i.status().name(), i.user(), Long.toString(i.startTime()),
        Long.toString(i.endTime()), i.lifecycleStage().name(), i.artifactUri(), i.parentRunId()));
    n.put("params", new TreeMap<>(r.params()).toString());
    n.put("tags", new TreeMap<>(r.tags()).toString());
    TreeMap<String, String> metrics = new TreeMap<>();
    r.latestMetrics().forEach((k, m) -> metrics.put(k, m.step() + "@" + m.timestamp() + "=" + m.value()));
    n.put("metrics", metrics.toString());
    List<String> inputs = new ArrayList<>();
    for (DatasetInput d : r.inputs()) {
      inputs.add(d.dataset().name() + "/" + d.dataset().digest() + "/" + d.context() + "/" + d.dataset().rowCount());
    }
    n.put("inputs", inputs.toString());
    return n;
  }

  /** Fills a store at {@code args[0]} and writes its answers to {@code args[1]}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    fill(dir);
    try (dev.mlops.api.StorageBackend backend = dev.mlops.api.StorageBackend.open("file:" + dir)) {
      Files.writeString(Path.of(args[1]), answers(backend.store(TrackingStore.class)));
    }
  }
}
