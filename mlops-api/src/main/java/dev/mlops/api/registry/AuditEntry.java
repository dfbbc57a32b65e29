package dev.mlops.api.registry;

/**
 * One entry of the tamper-evident audit trail. Each entry's hash covers its fields and the previous
 * entry's hash (see {@link AuditChain}), so editing, deleting, inserting or reordering entries in
 * the store breaks the chain.
 *
 * @param seq 1, 2, 3, ... in append order
 * @param time epoch ms
 * @param actor who acted
 * @param action what was done, for example {@code VERSION_REGISTERED}, {@code ALIAS_MOVED}, {@code DENIED}
 * @param target what it was done to, for example {@code fraud/3} or {@code fraud@champion}
 * @param before the state before (JSON or text, "" for none)
 * @param after the state after
 * @param reason a comment, or ""
 * @param prevHash the previous entry's hash ("" for the first)
 * @param hash this entry's hash
 */
public record AuditEntry(long seq, long time, String actor, String action, String target, String before, String after, String reason,
    String prevHash, String hash) {
  /** The model name the target refers to. */
  public String model() {
    int cut = target.length();
    for (char c : new char[] {'/', '@', '#'}) {
      int i = target.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    return target.substring(0, cut);
  }
}
