package dev.mlops.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.HttpGuard;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointStatus;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.http.Answers.BadRequest;
import dev.mlops.serving.http.Answers.Refused;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;
import org.tribuo.classification.Label;

/**
 * A {@link ModelServer}'s endpoints over HTTP, independent of the transport: a transport (the JDK's
 * server in {@link ServingHttpServer}, a servlet, a framework's route) turns a request into an
 * {@link HttpCall} and writes the {@link HttpAnswer} back. Each endpoint is a model of the Open
 * Inference Protocol (KServe V2) under its name.
 *
 * <table>
 * <caption>Routes</caption>
 * <tr><th>Route</th><th>Answer</th></tr>
 * <tr><td>{@code GET /v2/health/live}</td><td>200 {@code {"live": true}}</td></tr>
 * <tr><td>{@code GET /v2/health/ready}</td><td>200 {@code {"ready": true}} when every endpoint answers (READY, or DEGRADED with a
 * version serving), else 503 {@code {"ready": false}}</td></tr>
 * <tr><td>{@code GET /v2}</td><td>server metadata</td></tr>
 * <tr><td>{@code GET /v2/models/{name}[/versions/{v}]}</td><td>model metadata from the registry signature of the version served
 * (the champion's, or {@code v}); {@code versions} lists the versions the routed variants serve</td></tr>
 * <tr><td>{@code GET /v2/models/{name}[/versions/{v}]/ready}</td><td>200 {@code {"name", "ready": true}}, or 503 with
 * {@code "ready": false}</td></tr>
 * <tr><td>{@code POST /v2/models/{name}[/versions/{v}]/infer}</td><td>an inference, its tensors as JSON or in the binary tensor
 * data extension ({@code Inference-Header-Content-Length}); with a version, only while that version serves a
 * routed variant (404 otherwise), and the endpoint still routes the request itself: {@code model_version} names the
 * version that answered</td></tr>
 * <tr><td>{@code POST /v2/models/{name}/feedback}</td><td>{@code {"request_id", "label"}} or {@code {"request_id", "reward"}}: 200
 * {@code {"joined": bool}}</td></tr>
 * <tr><td>{@code POST /invocations}</td><td>MLflow's scoring protocol (JSON or {@code text/csv}), on the one endpoint (or the one named by
 * {@link ServingHttpServer.Builder#invocationsEndpoint})</td></tr>
 * <tr><td>{@code GET /metrics}</td><td>Prometheus text of the {@link ServingHttpServer.Builder#prometheus Prometheus registry}</td></tr>
 * </table>
 *
 * <p>Every request is checked first: its Host must be an allowed one (403), its token or
 * {@link dev.mlops.api.Authenticator} must accept it (401), its body must be within
 * {@link #maxBodyBytes()} (413). Errors are the protocol's {@code {"error": message}}: 400 for a
 * malformed request (the message names the input, the field and the rule), 404 for an unknown
 * model, version or route, 405 for a wrong method, 429 ({@code Retry-After}) when the endpoint is at
 * its capacity, 503 ({@code Retry-After}) when it has no version loaded. No answer carries a stack
 * trace. Thread-safe; it holds no state of its own.
 */
public final class ServingHandler {
  /** The principal of every request when no {@link dev.mlops.api.Authenticator} is given. */
  public static final String ANONYMOUS = "anonymous";

  private final ModelServer server;
  private final HttpGuard guard;
  private final int maxBodyBytes;
  private final @Nullable String invocationsEndpoint;
  private final @Nullable Supplier<String> scrape;

  ServingHandler(ModelServer server, HttpGuard guard, int maxBodyBytes, @Nullable String invocationsEndpoint,
      @Nullable Supplier<String> scrape) {
    this.server = server;
    this.guard = guard;
    this.maxBodyBytes = maxBodyBytes;
    this.invocationsEndpoint = invocationsEndpoint;
    this.scrape = scrape;
  }

  /** The longest request body accepted, in bytes; a transport reads at most one byte more to tell. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Answers one request; never throws. */
  public HttpAnswer handle(HttpCall call) {
    try {
      admit(call);
      return route(call);
    } catch (RuntimeException e) {
      return Answers.failure(e, call);
    }
  }

  private void admit(HttpCall call) {
    if (!guard.hostAllowed(call.header("Host"))) {
      throw new Refused(403, "this Host is not one the server answers to; start it with the host allowed", Map.of());
    }
    if (guard.requiresToken() && !guard.bearerMatches(call.header("Authorization"))) {
      throw new Refused(401, "a token is required: send Authorization: Bearer TOKEN", Map.of("WWW-Authenticate", "Bearer"));
    }
    if (guard.principal(call.headers(), ANONYMOUS) == null) {
      throw new Refused(401, "not signed in", Map.of());
    }
    if (call.bodyTooLarge()) {
      throw new Refused(413, "the body is larger than " + maxBodyBytes + " bytes, the most this server reads", Map.of("Connection", "close"));
    }
  }

  private HttpAnswer route(HttpCall call) {
    String path = call.path();
    String[] seg = segments(path);
    if (path.equals("/v2") || path.equals("/v2/")) {
      method(call, "GET");
      return Answers.json(200, Map.of("name", "mlops", "version", version(), "extensions", List.of("binary_tensor_data")));
    }
    if (seg.length == 3 && seg[0].equals("v2") && seg[1].equals("health")) {
      method(call, "GET");
      if (seg[2].equals("live")) {
        return Answers.json(200, Map.of("live", true));
      } else if (seg[2].equals("ready")) {
        boolean ready = server.endpoints().stream().allMatch(e -> Models.ready(e.describe()));
        return Answers.json(ready ? 200 : 503, Map.of("ready", ready));
      }
    }
    if (seg.length >= 3 && seg[0].equals("v2") && seg[1].equals("models")) {
      return model(call, seg);
    }
    if (seg.length == 1 && seg[0].equals("invocations")) {
      method(call, "POST");
      return MlflowScoring.invoke(invocationsEndpoint(), call);
    }
    if (seg.length == 1 && (seg[0].equals("ping") || seg[0].equals("health"))) {
      method(call, "GET");
      boolean ready = server.endpoints().stream().allMatch(e -> Models.ready(e.describe()));
      return Answers.json(ready ? 200 : 503, Map.of("ready", ready));
    }
    if (seg.length == 1 && seg[0].equals("metrics")) {
      method(call, "GET");
      Supplier<String> s = scrape;
      if (s == null) {
        throw new NotFoundException("no Prometheus registry was given to this server: build it with prometheus(registry)");
      }
      return Answers.text(200, "text/plain; version=0.0.4; charset=utf-8", s.get());
    }
    throw new NotFoundException("no route " + call.method() + " " + path + "; see /v2/models/{name}, /v2/models/{name}/infer, /invocations");
  }

  private HttpAnswer model(HttpCall call, String[] seg) {
    Endpoint<?> endpoint = Models.endpoint(server, seg[2]);
    Integer version = null;
    int rest = 3;
    if (seg.length >= 5 && seg[3].equals("versions")) {
      version = version(endpoint, seg[4]);
      rest = 5;
    }
    String action = seg.length == rest ? "" : seg.length == rest + 1 ? seg[rest] : "?";
    switch (action) {
      case "" -> {
        method(call, "GET");
        return Answers.json(200, Models.metadata(server, endpoint, version));
      }
      case "ready" -> {
        method(call, "GET");
        EndpointStatus status = endpoint.describe();
        boolean ready = Models.ready(status) && (version == null || Models.serving(status).contains(version));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", endpoint.name());
        m.put("ready", ready);
        return Answers.json(ready ? 200 : 503, m);
      }
      case "infer" -> {
        method(call, "POST");
        if (version != null) {
          Models.variantServing(endpoint.describe(), version);
        }
        return Inference.infer(endpoint, call);
      }
      case "feedback" -> {
        if (version == null) {
          method(call, "POST");
          return feedback(endpoint, call.body());
        }
      }
      default -> {
        // falls through to the answer below
      }
    }
    throw new NotFoundException("no route " + call.method() + " " + call.path() + "; a model has /, /ready, /infer, /feedback and /versions/{v}");
  }

  private static int version(Endpoint<?> endpoint, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new NotFoundException("model '" + endpoint.name() + "' has no version '" + v + "'; versions are whole numbers");
    }
  }

  private static <T extends Output<T>> HttpAnswer feedback(Endpoint<T> endpoint, byte[] body) {
    JsonNode root = Answers.parseObject(body, "feedback");
    JsonNode id = root.get("request_id");
    if (id == null || !id.isTextual()) {
      throw new BadRequest("feedback: request_id must be a string (a request id an inference answered with, in parameters.request_ids)");
    }
    for (java.util.Iterator<String> f = root.fieldNames(); f.hasNext();) {
      String field = f.next();
      if (!List.of("request_id", "label", "reward").contains(field)) {
        throw new BadRequest("feedback: unknown field '" + field + "'; feedback has request_id and one of label, reward");
      }
    }
    JsonNode label = root.get("label");
    JsonNode reward = root.get("reward");
    if ((label == null) == (reward == null)) {
      throw new BadRequest("feedback: give exactly one of label (the true outcome) and reward (a number in [0, 1])");
    }
    boolean joined;
    if (reward != null) {
      if (!reward.isNumber()) {
        throw new BadRequest("feedback: reward must be a number in [0, 1]");
      }
      joined = endpoint.feedback(id.textValue(), reward.doubleValue());
    } else {
      if (!label.isTextual()) {
        throw new BadRequest("feedback: label must be a string");
      }
      if (endpoint.outputType() != Label.class) {
        throw new BadRequest("feedback: model '" + endpoint.name() + "' is not a classifier; labels over HTTP are class labels");
      }
      joined = endpoint.feedback(id.textValue(), endpoint.outputType().cast(new Label(label.textValue())));
    }
    return Answers.json(200, Map.of("joined", joined));
  }

  private Endpoint<?> invocationsEndpoint() {
    if (invocationsEndpoint != null) {
      return Models.endpoint(server, invocationsEndpoint);
    }
    List<Endpoint<?>> all = server.endpoints();
    if (all.size() != 1) {
      throw new NotFoundException("/invocations serves one model and this server has " + all.size() + " "
          + all.stream().map(Endpoint::name).toList() + ": name it with invocationsEndpoint(name), or use /v2/models/{name}/infer");
    }
    return all.get(0);
  }

  private static void method(HttpCall call, String allowed) {
    if (!call.method().equals(allowed)) {
      throw new Refused(405, call.method() + " is not served on " + call.path() + "; use " + allowed, Map.of("Allow", allowed));
    }
  }

  private static String[] segments(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    String[] seg = p.split("/", -1);
    for (int i = 0; i < seg.length; i++) {
      try {
        seg[i] = URLDecoder.decode(seg[i].replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new BadRequest("the path " + path + " has a malformed percent escape");
      }
    }
    return seg;
  }

  private static String version() {
    String v = ServingHandler.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
