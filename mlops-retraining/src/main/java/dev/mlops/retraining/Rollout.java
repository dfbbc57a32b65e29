package dev.mlops.retraining;

import dev.mlops.api.MlopsException;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.registry.ModelRegistry;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a blessed challenger reaches the alias. Built-ins go through the registry's governance and
 * never around it: {@link #promotionRequest()} opens a request that the alias's gates check and its
 * approvers decide; {@link #moveAlias()} moves an unprotected alias (the registry refuses a
 * protected one); {@link #canary(String)} hands the challenger to a serving endpoint's canary and
 * follows its verdict.
 */
public interface Rollout {
  /**
   * What a rollout acts on.
   *
   * @param registry the registry
   * @param model the model name
   * @param alias the alias the loop maintains
   * @param version the blessed challenger
   * @param reason why, for the request and the audit trail
   */
  record Target(ModelRegistry registry, String model, String alias, int version, String reason) {}

  /**
   * Starts the rollout. The loop records the outcome from the registry's history, not from this result alone: if the
   * alias moved to the challenger, the retraining is PROMOTED even when this throws or reports a failure afterwards
   * (that report becomes a warning on it); a PROMOTED result for an alias that never moved is recorded ROLLOUT_FAILED.
   */
  RolloutResult start(Target target);

  /**
   * Polls a {@link RolloutResult.State#PENDING} rollout; by default it stays pending. An exception leaves it pending:
   * the next pass asks again.
   */
  default RolloutResult poll(Target target, RolloutResult pending) {
    return pending;
  }

  /** Opens a promotion request on the alias; the result follows the request (approved, rejected by a gate or an approver). */
  static Rollout promotionRequest() {
    return new Rollout() {
      @Override
      public RolloutResult start(Target t) {
        try {
          return of(t.registry().requestPromotion(t.model(), t.alias(), t.version(), t.reason()));
        } catch (MlopsException e) {
          return new RolloutResult(RolloutResult.State.FAILED, "promotion request refused: " + e.getMessage(), Map.of());
        }
      }

      @Override
      public RolloutResult poll(Target t, RolloutResult pending) {
        String id = pending.figures().get("request");
        return id == null ? pending : t.registry().request(id).map(Rollout::of).orElse(pending);
      }

      @Override
      public String toString() {
        return "promotion request";
      }
    };
  }

  private static RolloutResult of(PromotionRequest r) {
    Map<String, String> figures = Map.of("request", r.id(), "alias", r.alias(), "version", Integer.toString(r.version()));
    return switch (r.status()) {
      case OPEN -> new RolloutResult(RolloutResult.State.PENDING, "promotion request " + r.id() + " is open for approval", figures);
      case APPROVED -> new RolloutResult(RolloutResult.State.PROMOTED, "promotion request " + r.id() + " approved by "
          + r.decisions().stream().filter(PromotionRequest.Decision::approve).map(PromotionRequest.Decision::actor).collect(Collectors.joining(", ")),
          figures);
      case REJECTED -> new RolloutResult(RolloutResult.State.REJECTED, "promotion request " + r.id() + " rejected"
          + (r.gates().stream().anyMatch(g -> !g.passed()) ? " by gates: " + r.gates().stream().filter(g -> !g.passed())
              .map(g -> g.gate() + ": " + g.detail()).collect(Collectors.joining("; ")) : " by " + r.decisions().stream().filter(d -> !d.approve())
              .map(d -> d.actor() + (d.comment().isEmpty() ? "" : " (" + d.comment() + ")")).collect(Collectors.joining(", "))), figures);
    };
  }

  /**
   * Moves the (unprotected) {@code canaryAlias} to the challenger and waits for the endpoints that
   * serve it as a canary: their rollout policy promotes it to the loop's alias (a {@code
   * promoteAfter} through a promotion request, so gates and approvals still decide) or rolls it back
   * (a {@code restoreAlias} moves the canary alias off it). PROMOTED when the loop's alias serves the
   * challenger; REJECTED when the canary alias no longer does.
   */
  static Rollout canary(String canaryAlias) {
    dev.mlops.api.internal.Validation.key("canaryAlias", canaryAlias);
    return new Rollout() {
      @Override
      public RolloutResult start(Target t) {
        if (canaryAlias.equals(t.alias())) {
          return new RolloutResult(RolloutResult.State.FAILED, "the canary alias must differ from the alias the loop maintains (@"
              + t.alias() + ")", Map.of());
        }
        try {
          t.registry().setAlias(t.model(), canaryAlias, t.version());
        } catch (MlopsException e) {
          return new RolloutResult(RolloutResult.State.FAILED, "canary alias move refused: " + e.getMessage(), Map.of());
        }
        return new RolloutResult(RolloutResult.State.PENDING, "@" + canaryAlias + " serves version " + t.version()
            + "; the endpoint's rollout policy promotes or rolls it back", Map.of("canary", canaryAlias, "version", Integer.toString(t.version())));
      }

      @Override
      public RolloutResult poll(Target t, RolloutResult pending) {
        Map<String, Integer> aliases = t.registry().aliases(t.model());
        if (Integer.valueOf(t.version()).equals(aliases.get(t.alias()))) {
          return new RolloutResult(RolloutResult.State.PROMOTED, "the canary on @" + canaryAlias + " passed and @" + t.alias()
              + " serves version " + t.version(), pending.figures());
        }
        if (!Integer.valueOf(t.version()).equals(aliases.get(canaryAlias))) {
          return new RolloutResult(RolloutResult.State.REJECTED, "the canary was rolled back: @" + canaryAlias + " now serves "
              + (aliases.get(canaryAlias) == null ? "nothing" : "version " + aliases.get(canaryAlias)), pending.figures());
        }
        return pending;
      }

      @Override
      public String toString() {
        return "canary on @" + canaryAlias;
      }
    };
  }

  /** Moves an unprotected alias to the challenger at once. */
  static Rollout moveAlias() {
    return new Rollout() {
      @Override
      public RolloutResult start(Target t) {
        try {
          t.registry().setAlias(t.model(), t.alias(), t.version());
          return new RolloutResult(RolloutResult.State.PROMOTED, "alias @" + t.alias() + " moved to version " + t.version(),
              Map.of("alias", t.alias(), "version", Integer.toString(t.version())));
        } catch (MlopsException e) {
          return new RolloutResult(RolloutResult.State.FAILED, "alias move refused: " + e.getMessage(), Map.of());
        }
      }

      @Override
      public String toString() {
        return "alias move";
      }
    };
  }
}
