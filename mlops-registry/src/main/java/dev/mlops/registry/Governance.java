package dev.mlops.registry;

import dev.mlops.api.ConflictException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.registry.GateResult;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.ModelVersionStatus;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegistryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Governance of protected aliases: promotion requests, approvals by others than the requester,
 * and policy gates evaluated when a request is made and again when it is approved. An approved
 * request moves its alias in the same transaction.
 */
final class Governance {
  private final RegistryCore core;
  private final Map<String, Integer> protectedAliases;
  private final Map<String, List<Gate>> gates;

  Governance(RegistryCore core, Map<String, Integer> protectedAliases, Map<String, List<Gate>> gates) {
    this.core = core;
    this.protectedAliases = protectedAliases;
    this.gates = gates;
  }

  boolean isProtected(String alias) {
    return protectedAliases.containsKey(alias);
  }

  Optional<Integer> requiredApprovals(String alias) {
    return Optional.ofNullable(protectedAliases.get(alias));
  }

  /** Moves an alias inside a change, with its audit entry and event. */
  static void moveAlias(RegistryCore.Change c, String name, String alias, int version, String reason) {
    RegistryCore.requireVersion(c.tx, name, version);
    Integer before = c.tx.aliases(name).get(alias);
    c.tx.putAlias(name, alias, version);
    c.record(Mutation.aliasMoved(name, alias, version, before, reason));
  }

  private List<GateResult> evaluateGates(RegistryStore.Tx tx, String name, String alias, ModelVersion candidate, String phase, long time) {
    List<GateResult> out = new ArrayList<>();
    Integer holderVersion = tx.aliases(name).get(alias);
    Optional<ModelVersion> holder = holderVersion == null ? Optional.empty() : tx.version(name, holderVersion);
    Gate.Context ctx = new Gate.Context(candidate, holder, core.metricsOf(candidate), holder.map(core::metricsOf).orElse(Map.of()));
    for (Gate g : gates.getOrDefault(alias, List.of())) {
      Gate.Outcome o;
      try {
        o = g.evaluate(ctx);
      } catch (RuntimeException e) {
        o = new Gate.Outcome(false, "gate failed: " + e);
      }
      out.add(new GateResult(g.describe(), o.passed(), o.detail(), phase, time));
    }
    return out;
  }

  private static List<GateResult> failed(List<GateResult> results) {
    return results.stream().filter(g -> !g.passed()).toList();
  }

  static String summary(List<GateResult> results) {
    StringBuilder sb = new StringBuilder();
    for (GateResult g : results) {
      sb.append(sb.length() == 0 ? "" : ", ").append(g.passed() ? "PASS " : "FAIL ").append(g.gate()).append(" (").append(g.detail()).append(')');
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }

  PromotionRequest requestPromotion(String name, String alias, int version, @Nullable String reason) {
    RegistryCore.checkAlias(alias);
    if (!protectedAliases.containsKey(alias)) {
      throw InvalidArgumentException.of("alias", alias, "is not protected; move it with setAlias");
    }
    core.check(Action.REQUEST_PROMOTION, name);
    return core.change(c -> {
      ModelVersion v = RegistryCore.requireVersion(c.tx, name, version);
      if (v.status() != ModelVersionStatus.READY) {
        throw new ConflictException("version " + version + " of '" + name + "' is " + v.status() + " and cannot be promoted");
      }
      List<GateResult> results = evaluateGates(c.tx, name, alias, v, "request", c.time);
      boolean passed = results.stream().allMatch(GateResult::passed);
      PromotionRequest r = new PromotionRequest(UUID.randomUUID().toString(), name, alias, version, c.actor, reason == null ? "" : reason,
          passed ? PromotionRequest.Status.OPEN : PromotionRequest.Status.REJECTED, List.of(), results, c.time, passed ? -1 : c.time);
      c.tx.putRequest(r);
      c.record(Mutation.requestOpened(name, alias, r.id(), version, results, r.reason()));
      if (!passed) {
        c.record(Mutation.requestRejectedByGates(name, alias, r.id(), version, failed(results)));
      }
      return r;
    });
  }

  PromotionRequest decide(String requestId, boolean approve, @Nullable String comment) {
    Validation.notNull("request id", requestId);
    PromotionRequest current = core.read(v -> v.request(requestId))
        .orElseThrow(() -> new NotFoundException("promotion request '" + requestId + "' does not exist"));
    core.check(Action.APPROVE, current.model());
    String actor = core.actor();
    if (current.requester().equals(actor)) {
      throw core.deny(current.model() + "@" + current.alias(), Action.APPROVE, Map.of("request", requestId),
          actor + " requested promotion " + requestId + " and cannot decide it");
    }
    return core.change(c -> {
      PromotionRequest r = c.tx.request(requestId).orElseThrow(() -> new NotFoundException("promotion request '" + requestId
          + "' does not exist"));
      if (r.status() != PromotionRequest.Status.OPEN) {
        String why = r.status() == PromotionRequest.Status.REJECTED && r.gates().stream().anyMatch(g -> !g.passed())
            ? "; its gates failed: " + summary(r.gates().stream().filter(g -> !g.passed()).toList()) : "";
        throw new ConflictException("promotion request " + requestId + " is " + r.status() + ", not OPEN" + why);
      }
      if (r.decisions().stream().anyMatch(d -> d.actor().equals(c.actor))) {
        throw new ConflictException(c.actor + " has already decided promotion request " + requestId);
      }
      List<PromotionRequest.Decision> decisions = new ArrayList<>(r.decisions());
      String note = comment == null ? "" : comment;
      decisions.add(new PromotionRequest.Decision(c.actor, approve, note, c.time));
      if (!approve) {
        PromotionRequest done = new PromotionRequest(r.id(), r.model(), r.alias(), r.version(), r.requester(), r.reason(),
            PromotionRequest.Status.REJECTED, decisions, r.gates(), r.createdAt(), c.time);
        c.tx.putRequest(done);
        c.record(Mutation.requestRejectedBy(r.model(), r.alias(), r.id(), r.version(), c.actor, note));
        return done;
      }
      c.record(Mutation.requestApproval(r.model(), r.alias(), r.id(), r.approvals() + 1, note));
      int needed = protectedAliases.getOrDefault(r.alias(), 1);
      if (r.approvals() + 1 < needed) {
        PromotionRequest pending = new PromotionRequest(r.id(), r.model(), r.alias(), r.version(), r.requester(), r.reason(),
            PromotionRequest.Status.OPEN, decisions, r.gates(), r.createdAt(), -1);
        c.tx.putRequest(pending);
        return pending;
      }
      ModelVersion v = RegistryCore.requireVersion(c.tx, r.model(), r.version());
      List<GateResult> results = evaluateGates(c.tx, r.model(), r.alias(), v, "approval", c.time);
      List<GateResult> all = new ArrayList<>(r.gates());
      all.addAll(results);
      boolean passed = results.stream().allMatch(GateResult::passed);
      PromotionRequest done = new PromotionRequest(r.id(), r.model(), r.alias(), r.version(), r.requester(), r.reason(),
          passed ? PromotionRequest.Status.APPROVED : PromotionRequest.Status.REJECTED, decisions, all, r.createdAt(), c.time);
      c.tx.putRequest(done);
      if (passed) {
        c.record(Mutation.requestApproved(r.model(), r.alias(), r.id(), r.version(), results, note));
        moveAlias(c, r.model(), r.alias(), r.version(), "promotion request " + r.id());
      } else {
        c.record(Mutation.requestRejectedByGates(r.model(), r.alias(), r.id(), r.version(), failed(results)));
      }
      return done;
    });
  }

  /** Refuses gates configured for aliases that are not protected: they would never be evaluated. */
  static void checkGatesProtected(Map<String, List<Gate>> gates, Map<String, Integer> protectedAliases) {
    for (Map.Entry<String, List<Gate>> e : gates.entrySet()) {
      if (!e.getValue().isEmpty() && !protectedAliases.containsKey(e.getKey())) {
        throw InvalidArgumentException.of("gate alias", e.getKey(), "has " + e.getValue().size() + " gate(s) but is not protected, so they would "
            + "never be evaluated (setAlias moves an unprotected alias directly); call protectAlias(\"" + e.getKey() + "\", approvals) too");
      }
    }
  }

}
