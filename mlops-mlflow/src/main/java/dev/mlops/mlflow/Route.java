package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A line of the server's route table: the HTTP methods MLflow's server accepts for it, its
 * handler, and whether a retried request must not write twice.
 */
record Route(Set<String> methods, Function<Message, ObjectNode> handler, boolean retrySafe) {
  private static final Set<String> GET = Set.of("GET");
  private static final Set<String> POST = Set.of("POST");
  private static final Set<String> GET_POST = Set.of("GET", "POST");

  /** Every MLflow route the server serves, by its path below {@code /api/2.0/mlflow/}; paths as in MLflow's {@code service.proto}. */
  static Map<String, Route> table(ExperimentRoutes e, RunRoutes r) {
    Map<String, Route> t = new LinkedHashMap<>();
    t.put("experiments/create", new Route(POST, e::create, true));
    t.put("experiments/get", new Route(GET, e::get, false));
    t.put("experiments/get-by-name", new Route(GET, e::getByName, false));
    t.put("experiments/search", new Route(GET_POST, e::search, false));
    t.put("experiments/update", new Route(POST, e::update, false));
    t.put("experiments/delete", new Route(POST, e::delete, false));
    t.put("experiments/restore", new Route(POST, e::restore, false));
    t.put("experiments/set-experiment-tag", new Route(POST, e::setTag, false));
    t.put("runs/create", new Route(POST, r::create, true));
    t.put("runs/get", new Route(GET, r::get, false));
    t.put("runs/update", new Route(POST, r::update, false));
    t.put("runs/delete", new Route(POST, r::delete, false));
    t.put("runs/restore", new Route(POST, r::restore, false));
    t.put("runs/log-metric", new Route(POST, r::logMetric, true));
    t.put("runs/log-parameter", new Route(POST, r::logParam, false));
    t.put("runs/set-tag", new Route(POST, r::setTag, false));
    t.put("runs/delete-tag", new Route(POST, r::deleteTag, false));
    t.put("runs/log-batch", new Route(POST, r::logBatch, true));
    t.put("runs/log-inputs", new Route(POST, r::logInputs, false));
    t.put("runs/search", new Route(GET_POST, r::search, false));
    t.put("metrics/get-history", new Route(GET, r::metricHistory, false));
    return Map.copyOf(t);
  }
}
