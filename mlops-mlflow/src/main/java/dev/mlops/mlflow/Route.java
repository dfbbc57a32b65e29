package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A line of the server's route table: the handler of one method and path, and whether a retried
 * request must not write twice.
 */
record Route(Function<Message, ObjectNode> handler, boolean retrySafe) {

  /**
   * Every MLflow route the server serves, keyed {@code "METHOD path"} with the path below
   * {@code /api/2.0/mlflow/}; paths and methods as in MLflow's {@code service.proto} and
   * {@code model_registry.proto}.
   */
  static Map<String, Route> table(ExperimentRoutes e, RunRoutes r, RegistryRoutes g, LoggedModelRoutes l, MetricIntervals i) {
    Map<String, Route> t = new LinkedHashMap<>();
    t.put("POST experiments/create", new Route(e::create, true));
    t.put("GET experiments/get", new Route(e::get, false));
    t.put("GET experiments/get-by-name", new Route(e::getByName, false));
    t.put("GET experiments/search", new Route(e::search, false));
    t.put("POST experiments/search", new Route(e::search, false));
    t.put("POST experiments/update", new Route(e::update, false));
    t.put("POST experiments/delete", new Route(e::delete, false));
    t.put("POST experiments/restore", new Route(e::restore, false));
    t.put("POST experiments/set-experiment-tag", new Route(e::setTag, false));
    t.put("POST runs/create", new Route(r::create, true));
    t.put("GET runs/get", new Route(r::get, false));
    t.put("POST runs/update", new Route(r::update, false));
    t.put("POST runs/delete", new Route(r::delete, false));
    t.put("POST runs/restore", new Route(r::restore, false));
    t.put("POST runs/log-metric", new Route(r::logMetric, true));
    t.put("POST runs/log-parameter", new Route(r::logParam, false));
    t.put("POST runs/set-tag", new Route(r::setTag, false));
    t.put("POST runs/delete-tag", new Route(r::deleteTag, false));
    t.put("POST runs/log-batch", new Route(r::logBatch, true));
    t.put("POST runs/log-inputs", new Route(r::logInputs, false));
    t.put("POST runs/log-model", new Route(r::logModel, false));
    t.put("GET runs/search", new Route(r::search, false));
    t.put("POST runs/search", new Route(r::search, false));
    t.put("GET metrics/get-history", new Route(r::metricHistory, false));
    t.put("GET metrics/get-history-bulk-interval", new Route(i::bulkInterval, false));
    t.put("POST runs/outputs", new Route(r::logOutputs, false));

    // not retry-safe: its body has no time, so two models logged alike would be one
    t.put("POST logged-models", new Route(l::create, false));
    t.put("POST logged-models/search", new Route(l::search, false));
    t.put("GET logged-models/{model_id}", new Route(l::get, false));
    t.put("PATCH logged-models/{model_id}", new Route(l::finalizeModel, false));
    t.put("DELETE logged-models/{model_id}", new Route(l::delete, false));
    t.put("PATCH logged-models/{model_id}/tags", new Route(l::setTags, false));
    t.put("DELETE logged-models/{model_id}/tags/{tag_key}", new Route(l::deleteTag, false));
    t.put("POST logged-models/{model_id}/params", new Route(l::logParams, false));
    t.put("GET logged-models/{model_id}/artifacts/directories", new Route(l::listArtifacts, false));

    t.put("POST registered-models/create", new Route(g::createModel, false));
    t.put("GET registered-models/get", new Route(g::getModel, false));
    t.put("PATCH registered-models/update", new Route(g::updateModel, false));
    t.put("POST registered-models/rename", new Route(g::renameModel, false));
    t.put("DELETE registered-models/delete", new Route(g::deleteModel, false));
    t.put("POST registered-models/set-tag", new Route(g::setModelTag, false));
    t.put("DELETE registered-models/delete-tag", new Route(g::deleteModelTag, false));
    t.put("GET registered-models/search", new Route(g::searchModels, false));
    t.put("GET registered-models/get-latest-versions", new Route(g::latestVersions, false));
    t.put("POST registered-models/get-latest-versions", new Route(g::latestVersions, false));
    t.put("POST registered-models/alias", new Route(g::setAlias, false));
    t.put("DELETE registered-models/alias", new Route(g::deleteAlias, false));
    t.put("GET registered-models/alias", new Route(g::getByAlias, false));
    t.put("POST model-versions/create", new Route(g::createVersion, true));
    t.put("GET model-versions/get", new Route(g::getVersion, false));
    t.put("PATCH model-versions/update", new Route(g::updateVersion, false));
    t.put("DELETE model-versions/delete", new Route(g::deleteVersion, false));
    t.put("POST model-versions/set-tag", new Route(g::setVersionTag, false));
    t.put("DELETE model-versions/delete-tag", new Route(g::deleteVersionTag, false));
    t.put("GET model-versions/get-download-uri", new Route(g::downloadUri, false));
    t.put("GET model-versions/search", new Route(g::searchVersions, false));
    t.put("POST model-versions/transition-stage", new Route(g::transitionStage, false));
    return Map.copyOf(t);
  }

  /**
   * The route for a method and path in a table, with the values of its path parameters (a
   * {@code {name}} segment of a key matches one segment of the path, URL-decoded); null for none.
   */
  static @Nullable Bound find(Map<String, Route> table, String method, String path) {
    Route exact = table.get(method + " " + path);
    if (exact != null) {
      return new Bound(exact, Map.of());
    }
    String[] segments = path.split("/", -1);
    for (Map.Entry<String, Route> e : table.entrySet()) {
      String key = e.getKey();
      if (key.indexOf('{') < 0 || !key.startsWith(method + " ")) {
        continue;
      }
      String[] template = key.substring(method.length() + 1).split("/", -1);
      if (template.length != segments.length) {
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      boolean match = true;
      for (int k = 0; k < template.length && match; k++) {
        if (template[k].startsWith("{") && template[k].endsWith("}")) {
          String value = URLDecoder.decode(segments[k].replace("+", "%2B"), StandardCharsets.UTF_8);
          match = !value.isEmpty();
          params.put(template[k].substring(1, template[k].length() - 1), value);
        } else {
          match = template[k].equals(segments[k]);
        }
      }
      if (match) {
        return new Bound(e.getValue(), params);
      }
    }
    return null;
  }

  /**
   * A route found for a request, with its path parameters.
   *
   * @param route the route
   * @param pathParams the values of the path's {@code {name}} segments, set on the message as fields
   */
  record Bound(Route route, Map<String, String> pathParams) {}
}
