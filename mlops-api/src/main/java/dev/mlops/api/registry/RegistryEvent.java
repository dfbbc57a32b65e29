package dev.mlops.api.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * A registry change, delivered to listeners in order of {@link #seq()}. A sealed family of
 * records: every field is typed and stored in a structured form ({@link RegistryEventCodec}), so
 * no user-supplied value (a model name, an alias, a tag key) can forge another field.
 *
 * <p>Events are written in the same store transaction as the change they describe; a listener
 * that sees an event can read the change.
 */
public sealed interface RegistryEvent {

  /** Position in the store's event log: positive, increasing, assigned by the store. */
  long seq();

  /** The registered model the event concerns. */
  String model();

  /** When the change committed, epoch milliseconds (the registry's clock). */
  long time();

  /** The stable type name, for example {@code ALIAS_MOVED}; the key under which the event is stored. */
  default String type() {
    return RegistryEventCodec.typeOf(this);
  }

  /** This event with the sequence number the store assigned. */
  RegistryEvent withSeq(long seq);

  /** A model was created, explicitly or by its first registration. */
  record ModelCreated(long seq, String model, long time) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public ModelCreated {
      Objects.requireNonNull(model, "model");
    }

    @Override
    public ModelCreated withSeq(long s) {
      return new ModelCreated(s, model, time);
    }
  }

  /**
   * A model was renamed. Written twice, once under each name, so listeners keyed by either name
   * see it.
   */
  record ModelRenamed(long seq, String model, long time, String oldName, String newName) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public ModelRenamed {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(oldName, "oldName");
      Objects.requireNonNull(newName, "newName");
    }

    @Override
    public ModelRenamed withSeq(long s) {
      return new ModelRenamed(s, model, time, oldName, newName);
    }
  }

  /** A model was deleted with its versions and aliases. */
  record ModelDeleted(long seq, String model, long time) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public ModelDeleted {
      Objects.requireNonNull(model, "model");
    }

    @Override
    public ModelDeleted withSeq(long s) {
      return new ModelDeleted(s, model, time);
    }
  }

  /** A version was registered. */
  record VersionRegistered(long seq, String model, long time, int version, String sha256) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public VersionRegistered {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(sha256, "sha256");
    }

    @Override
    public VersionRegistered withSeq(long s) {
      return new VersionRegistered(s, model, time, version, sha256);
    }
  }

  /** A version was deleted (its number is never reused). */
  record VersionDeleted(long seq, String model, long time, int version) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public VersionDeleted {
      Objects.requireNonNull(model, "model");
    }

    @Override
    public VersionDeleted withSeq(long s) {
      return new VersionDeleted(s, model, time, version);
    }
  }

  /** A version tag was set. */
  record VersionTagSet(long seq, String model, long time, int version, String key) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public VersionTagSet {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(key, "key");
    }

    @Override
    public VersionTagSet withSeq(long s) {
      return new VersionTagSet(s, model, time, version, key);
    }
  }

  /**
   * An alias now points at {@code version}; {@code previousVersion} is 0 when the alias is new.
   */
  record AliasMoved(long seq, String model, long time, String alias, int version, int previousVersion) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public AliasMoved {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(alias, "alias");
    }

    /** The version the alias pointed at before, if it existed. */
    public Optional<Integer> previous() {
      return previousVersion > 0 ? Optional.of(previousVersion) : Optional.empty();
    }

    @Override
    public AliasMoved withSeq(long s) {
      return new AliasMoved(s, model, time, alias, version, previousVersion);
    }
  }

  /** An alias was deleted; it pointed at {@code version}. */
  record AliasDeleted(long seq, String model, long time, String alias, int version) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public AliasDeleted {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(alias, "alias");
    }

    @Override
    public AliasDeleted withSeq(long s) {
      return new AliasDeleted(s, model, time, alias, version);
    }
  }

  /** A promotion request was opened (it may be rejected at once by its gates: see {@link RequestRejected}). */
  record RequestOpened(long seq, String model, long time, String requestId, String alias, int version) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public RequestOpened {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(alias, "alias");
    }

    @Override
    public RequestOpened withSeq(long s) {
      return new RequestOpened(s, model, time, requestId, alias, version);
    }
  }

  /** A promotion request was approved; an {@link AliasMoved} follows in the same transaction. */
  record RequestApproved(long seq, String model, long time, String requestId, String alias, int version) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public RequestApproved {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(alias, "alias");
    }

    @Override
    public RequestApproved withSeq(long s) {
      return new RequestApproved(s, model, time, requestId, alias, version);
    }
  }

  /** A promotion request was rejected, by an approver or by its gates. */
  record RequestRejected(long seq, String model, long time, String requestId, String alias, int version) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public RequestRejected {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(alias, "alias");
    }

    @Override
    public RequestRejected withSeq(long s) {
      return new RequestRejected(s, model, time, requestId, alias, version);
    }
  }

  /**
   * An event of a type this library version does not know (written by a newer version sharing
   * the store): kept with its stored type and payload so that delivery order is never broken.
   */
  record Unknown(long seq, String model, long time, String storedType, String payload) implements RegistryEvent {
    /** The canonical constructor: invalid components are refused. */
    public Unknown {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(storedType, "storedType");
      Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String type() {
      return storedType;
    }

    @Override
    public Unknown withSeq(long s) {
      return new Unknown(s, model, time, storedType, payload);
    }
  }
}
