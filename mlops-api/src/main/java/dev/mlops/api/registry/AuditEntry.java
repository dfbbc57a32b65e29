package dev.mlops.api.registry;

import dev.mlops.api.internal.AuditFields;
import java.util.Map;

/**
 * One entry of the tamper-evident audit trail. Each entry's hash covers its fields and the previous
 * entry's hash (see {@link AuditChain}), so editing, deleting, inserting or reordering entries in
 * the store breaks the chain.
 *
 * <p>{@code before} and {@code after} hold a JSON object of named fields, for example
 * {@code {"version":2}} after an alias move, or {@code ""} when that side has no state (an alias that
 * did not exist before). Every value is one escaped JSON value, so a name, tag or comment cannot
 * add or change a field; read them with {@link #beforeFields()} and {@link #afterFields()}. Entries
 * written by earlier builds of 0.1.0 hold {@code key=value;key=value} text instead; they verify and
 * read as before, and the field accessors read their pairs.
 *
 * @param seq 1, 2, 3, ... in append order
 * @param time epoch ms
 * @param actor who acted
 * @param action what was done, for example {@code VERSION_REGISTERED}, {@code ALIAS_MOVED}, {@code DENIED}; a change
 *     that announces a {@link RegistryEvent} is audited under the event's {@link RegistryEvent#type() type}
 * @param target what it was done to, for example {@code fraud/3} or {@code fraud@champion}
 * @param before the state before: a JSON object, "" for none
 * @param after the state after: a JSON object, "" for none
 * @param reason a comment, or ""
 * @param prevHash the previous entry's hash ("" for the first)
 * @param hash this entry's hash
 */
public record AuditEntry(long seq, long time, String actor, String action, String target, String before, String after, String reason,
    String prevHash, String hash) {
  /**
   * The model name the target refers to: the target up to its first {@code /} or {@code @}, which
   * model names never hold.
   */
  public String model() {
    int cut = target.length();
    for (char c : new char[] {'/', '@'}) {
      int i = target.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    return target.substring(0, cut);
  }

  /**
   * The fields of the state before the change, by name, in stored order, each value as text: a
   * string as it is, a number or boolean as written ({@code "2"}, {@code "true"}), an array or
   * object as JSON. Empty when there was no state. For an entry of the earlier {@code key=value}
   * form, its pairs (where a value held {@code ;key=}, the first occurrence of a key stands).
   */
  public Map<String, String> beforeFields() {
    return AuditFields.read(before);
  }

  /** The fields of the state after the change, read as {@link #beforeFields()}. */
  public Map<String, String> afterFields() {
    return AuditFields.read(after);
  }
}
