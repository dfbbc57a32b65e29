package dev.mlops.registry;

import dev.mlops.api.registry.AuditEntry;

/** One audit entry as a line of JSON, fields in a fixed order. */
final class AuditJson {
  private AuditJson() {}

  static String line(AuditEntry e) {
    return "{\"seq\":" + e.seq() + ",\"time\":" + e.time() + ",\"actor\":" + q(e.actor()) + ",\"action\":" + q(e.action()) + ",\"target\":"
        + q(e.target()) + ",\"before\":" + q(e.before()) + ",\"after\":" + q(e.after()) + ",\"reason\":" + q(e.reason()) + ",\"prevHash\":"
        + q(e.prevHash()) + ",\"hash\":" + q(e.hash()) + "}";
  }

  static String q(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
