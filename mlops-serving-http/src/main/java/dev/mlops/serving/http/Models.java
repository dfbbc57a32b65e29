package dev.mlops.serving.http;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointStatus;
import dev.mlops.serving.ModelServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.tribuo.regression.Regressor;

/** The protocol's model metadata and readiness, from an endpoint's status and the registry record of the version it serves. */
final class Models {
  private Models() {}

  static Endpoint<?> endpoint(ModelServer server, String name) {
    for (Endpoint<?> e : server.endpoints()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new NotFoundException("no model '" + name + "' is served here; models: " + server.endpoints().stream().map(Endpoint::name).toList());
  }

  /** Versions the routed variants serve now, oldest first. */
  static TreeSet<Integer> serving(EndpointStatus status) {
    TreeSet<Integer> v = new TreeSet<>();
    for (EndpointStatus.VariantStatus s : status.variants()) {
      if (!s.role().equals("SHADOW") && s.version() != null && s.weight() > 0) {
        v.add(s.version());
      }
    }
    return v;
  }

  /** Whether the endpoint answers: READY, or DEGRADED with the previous version still serving. */
  static boolean ready(EndpointStatus status) {
    return status.state() == EndpointStatus.State.READY || status.state() == EndpointStatus.State.DEGRADED;
  }

  /** The routed variant serving {@code version}, or a {@link NotFoundException} naming the versions that serve. */
  static EndpointStatus.VariantStatus variantServing(EndpointStatus status, int version) {
    for (EndpointStatus.VariantStatus s : status.variants()) {
      if (!s.role().equals("SHADOW") && s.version() != null && s.version() == version && s.weight() > 0) {
        return s;
      }
    }
    throw new NotFoundException("model '" + status.endpoint() + "' does not serve version " + version + "; it serves " + serving(status));
  }

  static Map<String, Object> metadata(ModelServer server, Endpoint<?> endpoint, @Nullable Integer version) {
    EndpointStatus status = endpoint.describe();
    EndpointStatus.VariantStatus variant;
    if (version == null) {
      variant = status.variants().get(0);
      if (variant.version() == null) {
        throw new dev.mlops.api.NotFoundException("model '" + endpoint.name() + "' has no version loaded yet (" + status.state() + ")");
      }
    } else {
      variant = variantServing(status, version);
    }
    String model = server.registry().resolve(variant.uri()).name();
    ModelVersion mv = server.registry().getVersion(model, variant.version());
    ModelSignature sig = mv.signature();
    List<Map<String, Object>> inputs = new ArrayList<>();
    if (sig.inputs().isEmpty()) {
      for (String f : endpoint.featureNames()) {
        inputs.add(Outputs.tensorMeta(f, "FP64", List.of(-1L)));
      }
    } else {
      for (FeatureSpec f : sig.inputs()) {
        inputs.add(Outputs.tensorMeta(f.name(), f.type().equals("string") ? "BYTES" : "FP64", List.of(-1L)));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", endpoint.name());
    m.put("versions", (version == null ? serving(status) : List.of(version)).stream().map(String::valueOf).toList());
    m.put("platform", mv.flavor());
    m.put("inputs", inputs);
    m.put("outputs", Outputs.metadata(endpoint.outputType(), endpoint.outputType() == Regressor.class ? sig.outputDomain().size() : -1));
    return m;
  }
}
