package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * MLflow's {@code mlflow-artifacts} proxy routes over the store's artifact store: upload (PUT),
 * download (GET), list ({@code GET artifacts?path=}) and delete, all streamed. A path names
 * {@code <experiment>/<run>/artifacts/<file>}, as the artifact URI of a run the server created
 * ({@code mlflow-artifacts:/<experiment>/<run>/artifacts}); the run must exist in that
 * experiment, and the file part is held to the run's artifact root as the UI's downloads are
 * ({@link ArtifactPaths#normalize}: no absolute path, no {@code ..}, no control character; the
 * store follows no symbolic link). Other names in the artifact store (the registry's model bytes)
 * are no run and cannot be reached. A logged model logged in a run keeps its files among the run's
 * ({@code <experiment>/<run>/artifacts/models/<model id>/...}); one without a run is reached as
 * {@code <experiment>/models/<model id>/artifacts/<file>}, MLflow's own layout. Multipart uploads
 * ({@code mpu/...}) are refused as MLflow's server refuses them over a local artifact root
 * ({@link #multipart}), so MLflow's clients upload in one PUT.
 */
final class ArtifactRoutes {
  static final String PREFIX = "/api/2.0/mlflow-artifacts/artifacts";
  /** MLflow's proxied multipart upload routes: {@code mpu/create}, {@code mpu/complete}, {@code mpu/abort}, then the path. */
  static final String MPU_PREFIX = "/api/2.0/mlflow-artifacts/mpu/";
  /**
   * What MLflow's server answers (501 {@code NOT_IMPLEMENTED}) when its artifact repository is not
   * a {@code MultipartUploadMixin}, as a local one is; MLflow's {@code HttpArtifactRepository}
   * falls back to one streamed PUT on a message that starts with it
   * ({@code _UnsupportedMultipartUploadException.MESSAGE}).
   */
  static final String MULTIPART_UNSUPPORTED = "Multipart upload is not supported for the current artifact repository";
  private final Tracker tracker;
  private final ArtifactStore store;
  private final LoggedModels loggedModels;

  ArtifactRoutes(Tracker tracker, LoggedModels loggedModels) {
    this.tracker = tracker;
    this.store = tracker.artifacts();
    this.loggedModels = loggedModels;
  }

  /** The artifact URI of a run the server creates. */
  static String uri(RunInfo info) {
    return "mlflow-artifacts:/" + info.experimentId() + "/" + info.runId() + "/artifacts";
  }

  private record Target(String runId, String path) {}

  /** Answers one request below {@link #PREFIX}. */
  void handle(HttpExchange ex, String rawPath) throws IOException {
    String method = ex.getRequestMethod();
    String rest = rawPath.substring(PREFIX.length());
    if (rest.isEmpty() || rest.equals("/")) {
      if (!method.equals("GET")) {
        throw new MlflowError(MlflowError.ENDPOINT_NOT_FOUND, 404, "only GET lists artifacts");
      }
      list(ex);
      return;
    }
    Target t = target(URLDecoder.decode(rest.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8), false);
    switch (method) {
      case "PUT" -> {
        try (InputStream in = ex.getRequestBody()) {
          store.put(t.runId(), t.path(), in);
        }
        MlflowHandler.sendJson(ex, 200, Wire.object());
      }
      case "GET" -> download(ex, t);
      case "DELETE" -> {
        if (!store.delete(t.runId(), t.path())) {
          throw MlflowError.notFound("no artifact '" + t.path() + "' in run " + t.runId());
        }
        MlflowHandler.sendJson(ex, 200, Wire.object());
      }
      default -> throw new MlflowError(MlflowError.ENDPOINT_NOT_FOUND, 404, "no route " + method + " " + rawPath);
    }
  }

  /**
   * MLflow's {@code POST mlflow-artifacts/mpu/{create,complete,abort}/<path>}, answered as MLflow's
   * server answers them over a local artifact root: the path is checked as every artifact path is
   * (a run of that experiment, or a logged model without a run; no {@code ..}, no absolute path),
   * the body as MLflow's handlers check it ({@code path} required; {@code num_parts} an integer;
   * {@code parts} required to complete), then 501 {@code NOT_IMPLEMENTED} with
   * {@link #MULTIPART_UNSUPPORTED}, on which MLflow's client uploads the file in one PUT. The store
   * takes each upload streamed, so parts would buy nothing here; nothing is written.
   */
  void multipart(String method, String rawPath, Message m) {
    String rest = rawPath.substring(MPU_PREFIX.length());
    int slash = rest.indexOf('/');
    String action = slash < 0 ? rest : rest.substring(0, slash);
    if (!method.equals("POST") || !(action.equals("create") || action.equals("complete") || action.equals("abort"))) {
      throw new MlflowError(MlflowError.ENDPOINT_NOT_FOUND, 404, "no route " + method + " " + rawPath);
    }
    target(slash < 0 ? "" : URLDecoder.decode(rest.substring(slash + 1).replace("+", "%2B"), StandardCharsets.UTF_8), true);
    m.required("path");
    switch (action) {
      case "create" -> m.int64("num_parts", 1);
      case "complete" -> {
        m.string("upload_id");
        if (!m.has("parts")) {
          throw MlflowError.invalid("Missing value for required parameter 'parts'");
        }
      }
      default -> m.string("upload_id");
    }
    throw new MlflowError("NOT_IMPLEMENTED", 501, MULTIPART_UNSUPPORTED);
  }

  private void list(HttpExchange ex) throws IOException {
    Message m = Message.ofQuery(ex.getRequestURI().getRawQuery());
    String path = m.string("path");
    Target t = target(path == null ? "" : path, true);
    String base = t.path().isEmpty() ? "" : t.path() + "/";
    ObjectNode out = Wire.object();
    ArrayNode files = out.putArray("files");
    for (ArtifactInfo a : store.list(t.runId(), t.path())) {
      String name = a.path().startsWith(base) ? a.path().substring(base.length()) : a.path();
      ObjectNode f = files.addObject().put("path", name).put("is_dir", a.directory());
      if (!a.directory()) {
        f.put("file_size", a.size());
      }
    }
    MlflowHandler.sendJson(ex, 200, out);
  }

  private void download(HttpExchange ex, Target t) throws IOException {
    InputStream in = store.open(t.runId(), t.path());
    try (in) {
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        in.transferTo(out);
      }
    }
  }

  /** The run and the file a path names; the run must exist in the experiment the path names. */
  private Target target(String path, boolean allowRoot) {
    String[] model = path.split("/", 5);
    if (model.length >= 4 && model[1].equals("models") && model[3].equals("artifacts")) {
      // a logged model without a run: <experiment>/models/<model id>/artifacts[/<file>]
      var doc = loggedModels.find(model[2]).filter(d -> d.path("experiment_id").asText().equals(model[0])
          && LoggedModels.files(d).folder().isEmpty());
      if (doc.isEmpty()) {
        throw MlflowError.notFound("Logged model with ID '" + model[2] + "' not found in experiment " + model[0]);
      }
      return new Target(model[2], ArtifactPaths.normalize(model.length == 5 ? model[4] : "", allowRoot));
    }
    String[] parts = path.split("/", 4);
    if (parts.length < 3 || !parts[2].equals("artifacts")) {
      throw MlflowError.invalid("path", path, "must be <experiment id>/<run id>/artifacts[/<file>]");
    }
    Run run;
    try {
      run = tracker.getRun(parts[1]);
    } catch (NotFoundException e) {
      throw MlflowError.notFound("Run with id=" + parts[1] + " not found");
    }
    if (!run.info().experimentId().equals(parts[0])) {
      throw MlflowError.notFound("Run with id=" + parts[1] + " is not in experiment " + parts[0]);
    }
    String rel = parts.length == 4 ? parts[3] : "";
    return new Target(run.id(), ArtifactPaths.normalize(rel, allowRoot));
  }
}
