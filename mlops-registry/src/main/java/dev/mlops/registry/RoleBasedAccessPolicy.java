package dev.mlops.registry;

import dev.mlops.api.internal.Validation;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Roles granted to actors per model-name pattern ({@code *} matches any run of characters):
 *
 * <pre>{@code
 * AccessPolicy policy = RoleBasedAccessPolicy.builder()
 *     .grant("alice", Role.CONTRIBUTOR, "fraud-*")
 *     .grant("bob", Role.APPROVER, "*")
 *     .build();
 * }</pre>
 *
 * An actor holds the union of the roles granted to it for patterns matching the model. Immutable.
 */
public final class RoleBasedAccessPolicy implements AccessPolicy {
  /** Roles and the actions they allow. */
  public enum Role {
    /** Reads only. */
    VIEWER(EnumSet.of(Action.VIEW)),
    /** Creates models, registers versions, tags, moves unprotected aliases and asks for promotions. */
    CONTRIBUTOR(EnumSet.of(Action.VIEW, Action.CREATE_MODEL, Action.UPDATE_MODEL, Action.REGISTER_VERSION, Action.TAG, Action.MOVE_ALIAS,
        Action.REQUEST_PROMOTION)),
    /** Approves or rejects promotion requests. */
    APPROVER(EnumSet.of(Action.VIEW, Action.APPROVE)),
    /** Everything, including deletion and moving protected aliases directly. */
    ADMIN(EnumSet.allOf(Action.class));

    private final Set<Action> actions;

    Role(Set<Action> actions) {
      this.actions = actions;
    }

    /** Whether this role allows the action. */
    public boolean allows(Action action) {
      return actions.contains(action);
    }
  }

  private record Grant(String actor, Role role, Pattern pattern) {}

  private final List<Grant> grants;

  private RoleBasedAccessPolicy(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  /** A builder with no grants (everything denied). */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean allows(String actor, Action action, String model) {
    for (Grant g : grants) {
      if (g.actor().equals(actor) && g.role().allows(action) && g.pattern().matcher(model).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Builder of {@link RoleBasedAccessPolicy}. */
  public static final class Builder {
    private final List<Grant> grants = new ArrayList<>();

    private Builder() {}

    /** Grants {@code role} to {@code actor} on models whose name matches {@code modelPattern}. */
    public Builder grant(String actor, Role role, String modelPattern) {
      Validation.name("actor", actor, 250);
      Validation.notNull("role", role);
      Validation.name("model pattern", modelPattern, 500);
      String[] parts = modelPattern.split("\\*", -1);
      StringBuilder regex = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        regex.append(i == 0 ? "" : ".*").append(Pattern.quote(parts[i]));
      }
      grants.add(new Grant(actor, role, Pattern.compile(regex.toString())));
      return this;
    }

    /** Builds the policy. */
    public RoleBasedAccessPolicy build() {
      return new RoleBasedAccessPolicy(grants);
    }
  }
}
