package dev.mlops.api.registry;

import org.jspecify.annotations.Nullable;
import dev.mlops.api.internal.Digests;
import java.util.ArrayList;
import java.util.List;

/** Hashing and verification of the audit trail's chain. */
public final class AuditChain {
  private AuditChain() {}

  /** SHA-256 over the previous hash and every field, each length-prefixed so no two entries encode alike. */
  public static String hash(String prevHash, long seq, long time, String actor, String action, String target, String before,
      String after, String reason) {
    StringBuilder sb = new StringBuilder();
    for (String s : new String[] {prevHash, Long.toString(seq), Long.toString(time), actor, action, target, before, after, reason}) {
      sb.append(s.length()).append(':').append(s).append(';');
    }
    return Digests.sha256(sb.toString());
  }

  /** Makes the entry that follows {@code previous} (null for the first). */
  public static AuditEntry next(@Nullable AuditEntry previous, long time, String actor, String action, String target, String before, String after,
      String reason) {
    long seq = previous == null ? 1 : previous.seq() + 1;
    String prev = previous == null ? "" : previous.hash();
    return new AuditEntry(seq, time, actor, action, target, before, after, reason, prev,
        hash(prev, seq, time, actor, action, target, before, after, reason));
  }

  /**
   * The outcome of verifying a chain.
   *
   * @param valid whether every entry verified
   * @param entries how many entries were read
   * @param headSeq the last entry's sequence number (0 when empty)
   * @param headHash the last entry's hash; record it elsewhere to detect truncation later
   * @param problems one line per problem, naming the entry
   */
  public record Verification(boolean valid, long entries, long headSeq, String headHash, List<String> problems) {
    /** The canonical constructor: collections are copied and immutable. */
    public Verification {
      problems = List.copyOf(problems);
    }
  }

  /**
   * Verifies entries read in storage order: sequence numbers 1, 2, 3 without gaps, each entry's
   * previous hash equal to the hash before it, and each hash equal to the recomputed one.
   * {@code expectedHead} (may be null) is a head hash recorded earlier; if given, the chain must
   * contain it, which catches truncation of the tail.
   */
  public static Verification verify(List<AuditEntry> entries, @Nullable String expectedHead) {
    List<String> problems = new ArrayList<>();
    String prev = "";
    long expectedSeq = 1;
    boolean headSeen = expectedHead == null || expectedHead.isEmpty();
    for (AuditEntry e : entries) {
      if (e.seq() != expectedSeq) {
        problems.add("entry seq " + e.seq() + ": expected seq " + expectedSeq + " (an entry was deleted, inserted or moved)");
      }
      if (!e.prevHash().equals(prev)) {
        problems.add("entry seq " + e.seq() + ": previous-hash link " + abbrev(e.prevHash()) + " does not match the hash before it "
            + abbrev(prev) + " (entries deleted, inserted or reordered)");
      }
      String recomputed = hash(e.prevHash(), e.seq(), e.time(), e.actor(), e.action(), e.target(), e.before(), e.after(), e.reason());
      if (!recomputed.equals(e.hash())) {
        problems.add("entry seq " + e.seq() + ": content does not match its hash (the entry was edited)");
      }
      if (!headSeen && e.hash().equals(expectedHead)) {
        headSeen = true;
      }
      prev = e.hash();
      expectedSeq = e.seq() + 1;
    }
    if (!headSeen) {
      problems.add("the recorded head " + abbrev(expectedHead) + " is not in the chain (entries were removed from the end)");
    }
    AuditEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
    return new Verification(problems.isEmpty(), entries.size(), last == null ? 0 : last.seq(), last == null ? "" : last.hash(), problems);
  }

  private static String abbrev(String h) {
    return h == null || h.isEmpty() ? "(none)" : h.substring(0, Math.min(12, h.length()));
  }
}
