package dev.mlops.registry;

import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.RegistryStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reading the audit trail: entries filtered by model, actor and time, read from the store page by
 * page, and the export as JSON lines (the entries themselves are written by
 * {@link RegistryCore.Change#record}).
 */
final class AuditTrail {
  private final RegistryStore store;

  AuditTrail(RegistryStore store) {
    this.store = store;
  }

  List<AuditEntry> entries(@Nullable String model, @Nullable String actor, long fromTime, long toTime) {
    List<AuditEntry> out = new ArrayList<>();
    long after = Long.MIN_VALUE;
    while (true) {
      List<AuditEntry> page = store.audit(after, 10_000);
      if (page.isEmpty()) {
        return out;
      }
      for (AuditEntry e : page) {
        if ((model == null || e.model().equals(model)) && (actor == null || e.actor().equals(actor)) && e.time() >= fromTime
            && e.time() < toTime) {
          out.add(e);
        }
      }
      after = page.get(page.size() - 1).seq();
    }
  }

  void export(Writer out) {
    try {
      for (AuditEntry e : entries(null, null, Long.MIN_VALUE, Long.MAX_VALUE)) {
        out.write(line(e));
        out.write('\n');
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One entry as a line of JSON, fields in a fixed order. */
  static String line(AuditEntry e) {
    return "{\"seq\":" + e.seq() + ",\"time\":" + e.time() + ",\"actor\":" + q(e.actor()) + ",\"action\":" + q(e.action()) + ",\"target\":"
        + q(e.target()) + ",\"before\":" + q(e.before()) + ",\"after\":" + q(e.after()) + ",\"reason\":" + q(e.reason()) + ",\"prevHash\":"
        + q(e.prevHash()) + ",\"hash\":" + q(e.hash()) + "}";
  }

  private static String q(String s) {
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
