package dev.mlops.registry.internal;

import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryEventCodec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites events stored by version 1 of the registry schema, whose payload was
 * {@code key=value;key=value} text, into the typed JSON payloads of {@link RegistryEventCodec}.
 * The old values came from validated names (aliases, digests, request ids, numbers) except a model's
 * new name and a tag key, which are each the last field of their event and so are read to the end.
 */
final class LegacyEvents {
  private LegacyEvents() {}

  private record Row(long seq, String model, String type, String payload, long time) {}

  static void migrate(Connection c, Dialect dialect) throws SQLException {
    List<Row> rows = Sql.list(c, "SELECT seq, model, type, payload, time FROM reg_events ORDER BY seq",
        rs -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
    for (Row r : rows) {
      if (r.payload.startsWith("{")) {
        continue;
      }
      RegistryEvent e = convert(r);
      Sql.update(c, "UPDATE reg_events SET payload = ? WHERE seq = ?", RegistryEventCodec.payload(e), r.seq);
    }
  }

  private static RegistryEvent convert(Row r) {
    Map<String, String> kv = new HashMap<>();
    String p = r.payload;
    String last = r.type.equals("MODEL_RENAMED") ? (p.startsWith("new_name=") ? "new_name=" : "old_name=")
        : r.type.equals("VERSION_TAG_SET") ? "key=" : null;
    if (last != null) {
      int at = p.indexOf(last);
      if (at >= 0) {
        kv.put(last.substring(0, last.length() - 1), p.substring(at + last.length()));
        p = at == 0 ? "" : p.substring(0, at - 1);
      }
    }
    for (String part : p.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        kv.putIfAbsent(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    String m = r.model;
    long t = r.time;
    return switch (r.type) {
      case "MODEL_CREATED" -> new RegistryEvent.ModelCreated(r.seq, m, t);
      case "MODEL_DELETED" -> new RegistryEvent.ModelDeleted(r.seq, m, t);
      case "MODEL_RENAMED" -> kv.containsKey("new_name") ? new RegistryEvent.ModelRenamed(r.seq, m, t, m, kv.get("new_name"))
          : new RegistryEvent.ModelRenamed(r.seq, m, t, kv.getOrDefault("old_name", ""), m);
      case "VERSION_REGISTERED" -> new RegistryEvent.VersionRegistered(r.seq, m, t, num(kv, "version"), kv.getOrDefault("sha256", ""));
      case "VERSION_DELETED" -> new RegistryEvent.VersionDeleted(r.seq, m, t, num(kv, "version"));
      case "VERSION_TAG_SET" -> new RegistryEvent.VersionTagSet(r.seq, m, t, num(kv, "version"), kv.getOrDefault("key", ""));
      case "ALIAS_MOVED" -> new RegistryEvent.AliasMoved(r.seq, m, t, kv.getOrDefault("alias", ""), num(kv, "version"), num(kv, "previous"));
      case "ALIAS_DELETED" -> new RegistryEvent.AliasDeleted(r.seq, m, t, kv.getOrDefault("alias", ""), num(kv, "version"));
      case "REQUEST_OPENED" -> new RegistryEvent.RequestOpened(r.seq, m, t, kv.getOrDefault("request", ""), kv.getOrDefault("alias", ""),
          num(kv, "version"));
      case "REQUEST_APPROVED" -> new RegistryEvent.RequestApproved(r.seq, m, t, kv.getOrDefault("request", ""),
          kv.getOrDefault("alias", ""), num(kv, "version"));
      case "REQUEST_REJECTED" -> new RegistryEvent.RequestRejected(r.seq, m, t, kv.getOrDefault("request", ""),
          kv.getOrDefault("alias", ""), num(kv, "version"));
      default -> new RegistryEvent.Unknown(r.seq, m, t, r.type, "{\"legacy\":" + quote(r.payload) + "}");
    };
  }

  private static int num(Map<String, String> kv, String key) {
    try {
      return Integer.parseInt(kv.getOrDefault(key, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String quote(String s) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
  }
}
