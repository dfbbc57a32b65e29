package dev.mlops.registry;

import dev.mlops.api.registry.GateResult;
import dev.mlops.api.registry.ModelVersionStatus;
import dev.mlops.api.registry.RegistryEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * One registry change, typed: the single description from which both its audit entry and the
 * events it announces are written ({@link RegistryCore.Change#record}), so the two cannot tell
 * different stories. Built by one factory per {@link Kind}.
 *
 * @param kind what kind of change; its name is the audit action
 * @param target what the change was done to: {@code model}, {@code model/version} or {@code model@alias}
 * @param before the state before, as named fields (stored as a JSON object); empty when there was none
 * @param after the state after, likewise
 * @param reason why, as the actor or the registry said it; "" for none
 * @param events the events the change announces, given the time of its transaction; each has the kind's name as its type
 */
record Mutation(Kind kind, String target, Map<String, Object> before, Map<String, Object> after, String reason,
    LongFunction<List<RegistryEvent>> events) {

  /**
   * The kinds of change: the registry's audit vocabulary. A kind that announces a
   * {@link RegistryEvent} has that event's {@link RegistryEvent#type() type} as its name
   * ({@link RegistryCore.Change#record} refuses any other event); the rest are audited only.
   */
  enum Kind {
    /** A model was created, explicitly or by its first registration. */
    MODEL_CREATED,
    /** A model tag was set, or deleted (then its after is empty). */
    MODEL_TAG_SET,
    /** A model's or a version's description changed. */
    MODEL_DESCRIBED,
    /** A model was renamed. */
    MODEL_RENAMED,
    /** A model was deleted with its versions. */
    MODEL_DELETED,
    /** A version was registered. */
    VERSION_REGISTERED,
    /** A version tag was set, or deleted (then its after is empty). */
    VERSION_TAG_SET,
    /** A version's model card was replaced. */
    CARD_UPDATED,
    /** A version was deleted. */
    VERSION_DELETED,
    /** An alias was set or moved. */
    ALIAS_MOVED,
    /** An alias was deleted. */
    ALIAS_DELETED,
    /** A promotion request was opened. */
    REQUEST_OPENED,
    /** An approval that leaves a promotion request open. */
    REQUEST_APPROVAL,
    /** A promotion request was approved; its alias moves in the same transaction. */
    REQUEST_APPROVED,
    /** A promotion request was rejected, by an approver or by its gates. */
    REQUEST_REJECTED,
    /** A call the access policy or a governance rule refused. */
    DENIED
  }

  private static final LongFunction<List<RegistryEvent>> NO_EVENTS = time -> List.of();

  private static Map<String, Object> fields(String key, Object value) {
    return Map.of(key, value);
  }

  private static Map<String, Object> fields(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static Map<String, Object> tag(String key, @Nullable String value) {
    return value == null ? Map.of() : fields("key", key, "value", value);
  }

  static Mutation modelCreated(String model, String description, String reason) {
    return new Mutation(Kind.MODEL_CREATED, model, Map.of(), fields("description", description), reason,
        t -> List.of(new RegistryEvent.ModelCreated(0, model, t)));
  }

  /** {@code previous} is null when the key is new; {@code value} is null when the tag is deleted. */
  static Mutation modelTagSet(String model, String key, @Nullable String previous, @Nullable String value) {
    return new Mutation(Kind.MODEL_TAG_SET, model, tag(key, previous), tag(key, value), "", NO_EVENTS);
  }

  static Mutation modelDescribed(String model, String previous, String description) {
    return new Mutation(Kind.MODEL_DESCRIBED, model, fields("description", previous), fields("description", description), "", NO_EVENTS);
  }

  /** A version's description changed: the model's kind of change, with the version as its target. */
  static Mutation versionDescribed(String model, int version, String previous, String description) {
    return new Mutation(Kind.MODEL_DESCRIBED, model + "/" + version, fields("description", previous), fields("description", description), "",
        NO_EVENTS);
  }

  /** Announced under both names, so listeners keyed by either see it. */
  static Mutation modelRenamed(String oldName, String newName) {
    return new Mutation(Kind.MODEL_RENAMED, oldName, fields("name", oldName), fields("name", newName), "",
        t -> List.of(new RegistryEvent.ModelRenamed(0, oldName, t, oldName, newName), new RegistryEvent.ModelRenamed(0, newName, t, oldName,
            newName)));
  }

  static Mutation modelDeleted(String model, int versions) {
    return new Mutation(Kind.MODEL_DELETED, model, fields("versions", versions), Map.of(), "",
        t -> List.of(new RegistryEvent.ModelDeleted(0, model, t)));
  }

  static Mutation versionRegistered(String model, int version, String sha256, String source, ModelVersionStatus status) {
    Map<String, Object> after = fields("sha256", sha256, "source", source);
    after.put("status", status.name());
    return new Mutation(Kind.VERSION_REGISTERED, model + "/" + version, Map.of(), after, "",
        t -> List.of(new RegistryEvent.VersionRegistered(0, model, t, version, sha256)));
  }

  /** {@code previous} is null when the key is new; {@code value} is null when the tag is deleted. */
  static Mutation versionTagSet(String model, int version, String key, @Nullable String previous, @Nullable String value) {
    return new Mutation(Kind.VERSION_TAG_SET, model + "/" + version, tag(key, previous), tag(key, value), "",
        t -> List.of(new RegistryEvent.VersionTagSet(0, model, t, version, key)));
  }

  static Mutation cardUpdated(String model, int version) {
    return new Mutation(Kind.CARD_UPDATED, model + "/" + version, Map.of(), Map.of(), "", NO_EVENTS);
  }

  static Mutation versionDeleted(String model, int version) {
    return new Mutation(Kind.VERSION_DELETED, model + "/" + version, fields("version", version), Map.of(), "",
        t -> List.of(new RegistryEvent.VersionDeleted(0, model, t, version)));
  }

  /** {@code previous} is null when the alias is new. */
  static Mutation aliasMoved(String model, String alias, int version, @Nullable Integer previous, String reason) {
    return new Mutation(Kind.ALIAS_MOVED, model + "@" + alias, previous == null ? Map.of() : fields("version", previous),
        fields("version", version), reason, t -> List.of(new RegistryEvent.AliasMoved(0, model, t, alias, version, previous == null ? 0
            : previous)));
  }

  static Mutation aliasDeleted(String model, String alias, int version, String reason) {
    return new Mutation(Kind.ALIAS_DELETED, model + "@" + alias, fields("version", version), Map.of(), reason,
        t -> List.of(new RegistryEvent.AliasDeleted(0, model, t, alias, version)));
  }

  static Mutation requestOpened(String model, String alias, String request, int version, List<GateResult> gates, String reason) {
    Map<String, Object> after = fields("request", request, "version", version);
    after.put("gates", gates);
    return new Mutation(Kind.REQUEST_OPENED, model + "@" + alias, Map.of(), after, reason,
        t -> List.of(new RegistryEvent.RequestOpened(0, model, t, request, alias, version)));
  }

  static Mutation requestApproval(String model, String alias, String request, long approvals, String comment) {
    return new Mutation(Kind.REQUEST_APPROVAL, model + "@" + alias, fields("request", request), fields("approvals", approvals), comment,
        NO_EVENTS);
  }

  static Mutation requestApproved(String model, String alias, String request, int version, List<GateResult> gates, String comment) {
    return new Mutation(Kind.REQUEST_APPROVED, model + "@" + alias, fields("request", request), fields("gates", gates), comment,
        t -> List.of(new RegistryEvent.RequestApproved(0, model, t, request, alias, version)));
  }

  /** Rejected by {@code approver}. */
  static Mutation requestRejectedBy(String model, String alias, String request, int version, String approver, String comment) {
    return requestRejected(model, alias, request, version, fields("rejectedBy", approver), comment);
  }

  /** Rejected because {@code failedGates} failed. */
  static Mutation requestRejectedByGates(String model, String alias, String request, int version, List<GateResult> failedGates) {
    return requestRejected(model, alias, request, version, fields("failedGates", failedGates), "policy gates");
  }

  private static Mutation requestRejected(String model, String alias, String request, int version, Map<String, Object> after,
      String reason) {
    return new Mutation(Kind.REQUEST_REJECTED, model + "@" + alias, fields("request", request), after, reason,
        t -> List.of(new RegistryEvent.RequestRejected(0, model, t, request, alias, version)));
  }

  /** {@code attempted} with the {@code details} of the call (the version an alias would have moved to, the request to decide). */
  static Mutation denied(String target, Action attempted, Map<String, Object> details, String message) {
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("action", attempted.name());
    after.putAll(details);
    return new Mutation(Kind.DENIED, target, Map.of(), after, message, NO_EVENTS);
  }
}
