package dev.mlops.ui;

import static dev.mlops.ui.Responses.json;
import static dev.mlops.ui.Responses.sandboxed;
import static dev.mlops.ui.Route.get;

import com.sun.net.httpserver.HttpExchange;
import dev.mlops.api.NotFoundException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The UI's route table: every path it serves, in one list, each to a handler of its domain. The
 * first route that matches answers; a path no route matches is a 404.
 */
final class Routes {
  private final List<Route> table;

  Routes(TrackingRoutes tracking, RegistryRoutes registry, MonitoringRoutes monitoring, RetrainingRoutes retraining,
      Map<String, Supplier<?>> live) {
    this.table = List.of(
        get("/", StaticFiles::index),
        get("/index.html", StaticFiles::index),
        get("/static/*", StaticFiles::page),
        get("/webjars/*", StaticFiles::webjar),
        get("/favicon.ico", StaticFiles::favicon),

        get("/api/experiments", json(tracking::experiments)),
        get("/api/runs", json(tracking::runs)),
        get("/api/run", json(tracking::run)),
        get("/api/metric", json(tracking::metric)),
        get("/api/artifacts", json(tracking::artifacts)),
        get("/download", tracking::download),

        get("/api/models", json(registry::models)),
        get("/api/model", json(registry::model)),
        get("/api/audit", json(registry::audit)),
        get("/card", sandboxed(registry::card)),

        get("/api/monitors", json(monitoring::monitors)),
        get("/api/monitor-summaries", json(monitoring::summaries)),
        get("/api/monitor", json(monitoring::monitor)),
        get("/report", sandboxed(monitoring::report)),

        get("/api/loops", json(retraining::loops)),
        get("/api/loop", json(retraining::loop)),

        get("/api/live", json(r -> live(live))),
        get("/api/*", json(r -> {
          throw new NotFoundException("no API route '" + r.rest("/api/") + "'");
        })));
  }

  /** The routes, in the order they are tried. */
  List<Route> table() {
    return table;
  }

  /** Answers {@code request} with the first route that matches its method and path, or 404. */
  void dispatch(Request request) throws IOException {
    HttpExchange ex = request.exchange();
    for (Route route : table) {
      if (route.matches(ex.getRequestMethod(), request.path())) {
        route.handler().handle(request);
        return;
      }
    }
    Responses.send(ex, 404, "text/plain", "no page " + request.path());
  }

  /** Each live status the embedding application registered, read now; a failing one reports its error. */
  private static Map<String, Object> live(Map<String, Supplier<?>> live) {
    Map<String, Object> out = new LinkedHashMap<>();
    live.forEach((name, status) -> {
      try {
        out.put(name, Responses.JSON.valueToTree(status.get()));
      } catch (RuntimeException e) {
        out.put(name, Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    });
    return out;
  }
}
