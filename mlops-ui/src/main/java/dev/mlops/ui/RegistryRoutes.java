package dev.mlops.ui;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.registry.AccessPolicy;
import dev.mlops.registry.Action;
import dev.mlops.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The registry routes: models with aliases, a model's versions and promotion requests, the audit
 * trail's verification, a version's model card; each filtered by the access policy, if one is given.
 */
final class RegistryRoutes {
  private final ModelRegistry registry;
  private final @Nullable AccessPolicy policy;

  RegistryRoutes(ModelRegistry registry, @Nullable AccessPolicy policy) {
    this.registry = registry;
    this.policy = policy;
  }

  /** Whether {@code principal} may see the model {@code name} (always, without an access policy). */
  private boolean visible(String principal, String name) {
    return policy == null || policy.allows(principal, Action.VIEW, name);
  }

  /** A model the principal may see, or the same "no model" answer as for one that does not exist. */
  private String visibleModel(String principal, String name) {
    if (!visible(principal, name)) {
      throw new NotFoundException("no registered model '" + name + "'");
    }
    return name;
  }

  List<Map<String, Object>> models(Request r) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RegisteredModel m : registry.searchModels("")) {
      if (!visible(r.principal(), m.name())) {
        continue;
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", m.name());
      e.put("description", m.description());
      e.put("aliases", registry.aliases(m.name()));
      e.put("tags", m.tags());
      List<ModelVersion> versions = registry.versions(m.name());
      e.put("versions", versions.size());
      // the model's own last update or its versions' (a new one, a status change), whichever is later
      e.put("lastChange", versions.stream().mapToLong(ModelVersion::lastUpdatedTime).reduce(m.lastUpdatedTime(), Math::max));
      out.add(e);
    }
    return out;
  }

  Map<String, Object> model(Request r) {
    String name = visibleModel(r.principal(), r.required("name"));
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
      e.put("metrics", v.lineage().metrics());
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
    for (PromotionRequest p : registry.requests(name)) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("id", p.id());
      e.put("alias", p.alias());
      e.put("version", p.version());
      e.put("requester", p.requester());
      e.put("status", p.status().name());
      // each gate is evaluated when the request opens (phase "request") and again at approval ("approval")
      e.put("gates", p.gates().stream().map(g -> Map.of("gate", g.gate(), "passed", g.passed(), "detail", g.detail(), "phase", g.phase(),
          "time", g.time())).toList());
      e.put("decisions", p.decisions().stream().map(d -> Map.of("actor", d.actor(), "approve", d.approve(), "comment", d.comment()))
          .toList());
      requests.add(e);
    }
    out.put("requests", requests);
    return out;
  }

  Map<String, Object> audit(Request r) {
    AuditChain.Verification v = registry.verifyAudit();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("valid", v.valid());
    out.put("entries", v.entries());
    out.put("head", v.headHash());
    out.put("problems", v.problems());
    List<AuditEntry> trail = registry.audit();
    if (policy != null) {
      // only entries about models the principal may see; the chain's verdict is the whole trail's
      Set<String> names = new HashSet<>();
      registry.searchModels("").forEach(m -> {
        if (visible(r.principal(), m.name())) {
          names.add(m.name());
        }
      });
      trail = trail.stream().filter(a -> names.contains(a.model())).toList();
    }
    out.put("recent", trail.stream().skip(Math.max(0, trail.size() - 50)).map(a -> Map.of("seq", a.seq(),
        "time", a.time(), "actor", a.actor(), "action", a.action(), "target", a.target())).toList());
    return out;
  }

  /** A version's model card as a self-contained HTML page (every value escaped by the registry). */
  String card(Request r) {
    String name = r.required("name");
    int version = Integer.parseInt(r.required("version"));
    return registry.cardHtml(visibleModel(r.principal(), name), version);
  }
}
