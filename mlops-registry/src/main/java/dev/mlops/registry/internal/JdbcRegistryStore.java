package dev.mlops.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.internal.jdbc.Migration;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.registry.RegistryEventCodec;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry store over SQL (SQLite for {@code file:}, PostgreSQL for {@code jdbc:}). Entities are
 * JSON documents keyed by their identity; transactions are serialised across processes (SQLite's
 * write lock, a PostgreSQL advisory lock), which keeps version numbers, alias moves, the audit
 * chain and the event sequence linear.
 */
public final class JdbcRegistryStore implements RegistryStore {
  static final List<Migration> MIGRATIONS = List.of(new Migration(1, "registry tables", List.of(
      "CREATE TABLE reg_models (name TEXT PRIMARY KEY, doc TEXT NOT NULL)",
      "CREATE TABLE reg_versions (name TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (name, version))",
      "CREATE TABLE reg_aliases (name TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (name, alias))",
      "CREATE TABLE reg_requests (id TEXT PRIMARY KEY, name TEXT NOT NULL, created {BIGINT} NOT NULL, doc TEXT NOT NULL)",
      "CREATE INDEX reg_requests_name ON reg_requests (name, created)",
      "CREATE TABLE reg_audit (seq {BIGINT} PRIMARY KEY, time {BIGINT} NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
          + " target TEXT NOT NULL, before_state TEXT NOT NULL, after_state TEXT NOT NULL, reason TEXT NOT NULL,"
          + " prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
      "CREATE TABLE reg_events (seq {ID}, model TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, time {BIGINT} NOT NULL)",
      "CREATE TABLE reg_cursors (consumer TEXT PRIMARY KEY, seq {BIGINT} NOT NULL)")),
      new Migration(2, "registry events as typed JSON payloads", List.of(), LegacyEvents::migrate));

  static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Database db;

  /** Opens the store, applying its migrations. */
  public JdbcRegistryStore(Database db) {
    this.db = db;
    db.migrate("registry", MIGRATIONS);
  }

  static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot encode " + o.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  static <T> T parse(String s, Class<T> type) {
    try {
      return JSON.readValue(s, type);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot decode stored " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public <T> T transaction(Function<Tx, T> work) {
    return db.transaction(c -> {
      if (db.dialect() == Dialect.POSTGRES) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_xact_lock(7193022)");
        }
      }
      return work.apply(new SqlTx(c));
    });
  }

  @Override
  public <T> T read(Function<View, T> work) {
    return db.snapshot(c -> work.apply(new SqlView(c)));
  }

  private static final String AUDIT_COLUMNS = "seq, time, actor, action, target, before_state, after_state, reason, prev_hash, hash";

  private static AuditEntry auditRow(ResultSet rs) throws SQLException {
    return new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
        rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
  }

  @Override
  public List<AuditEntry> audit(long afterSeq, int limit) {
    return db.read(c -> Sql.list(c, "SELECT " + AUDIT_COLUMNS + " FROM reg_audit WHERE seq > ? ORDER BY seq LIMIT ?",
        JdbcRegistryStore::auditRow, afterSeq, limit));
  }

  @Override
  public List<RegistryEvent> events(long afterSeq, int limit) {
    return db.read(c -> Sql.list(c, "SELECT seq, model, type, payload, time FROM reg_events WHERE seq > ? ORDER BY seq LIMIT ?",
        rs -> RegistryEventCodec.decode(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)), afterSeq, limit));
  }

  @Override
  public long lastEventSeq() {
    return db.read(c -> Sql.first(c, "SELECT MAX(seq) FROM reg_events", rs -> rs.getLong(1)).orElse(0L));
  }

  @Override
  public long cursor(String consumer) {
    return db.read(c -> Sql.first(c, "SELECT seq FROM reg_cursors WHERE consumer = ?", rs -> rs.getLong(1), consumer).orElse(0L));
  }

  @Override
  public void saveCursor(String consumer, long seq) {
    db.autocommit(c -> Sql.update(c, "INSERT INTO reg_cursors (consumer, seq) VALUES (?, ?)"
        + " ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq", consumer, seq));
  }

  @Override
  public void close() {
    // the database belongs to the backend
  }

  private static class SqlView implements View {
    final Connection c;

    SqlView(Connection c) {
      this.c = c;
    }

    final List<String> docs(String sql, Object... args) {
      return Sql.listUnchecked(c, sql, rs -> rs.getString(1), args);
    }

    final void exec(String sql, Object... args) {
      Sql.updateUnchecked(c, sql, args);
    }

    @Override
    public Optional<RegisteredModel> model(String name) {
      return docs("SELECT doc FROM reg_models WHERE name = ?", name).stream().findFirst().map(d -> parse(d, RegisteredModel.class));
    }

    @Override
    public List<RegisteredModel> models() {
      return docs("SELECT doc FROM reg_models ORDER BY name").stream().map(d -> parse(d, RegisteredModel.class)).toList();
    }

    @Override
    public Optional<ModelVersion> version(String name, int version) {
      return docs("SELECT doc FROM reg_versions WHERE name = ? AND version = ?", name, version).stream().findFirst()
          .map(d -> parse(d, ModelVersion.class));
    }

    @Override
    public List<ModelVersion> versions(String name) {
      return docs("SELECT doc FROM reg_versions WHERE name = ? ORDER BY version", name).stream().map(d -> parse(d, ModelVersion.class))
          .toList();
    }

    @Override
    public Map<String, Integer> aliases(String name) {
      Map<String, Integer> out = new LinkedHashMap<>();
      Sql.listUnchecked(c, "SELECT alias, version FROM reg_aliases WHERE name = ? ORDER BY alias",
          rs -> out.put(rs.getString(1), rs.getInt(2)), name);
      return out;
    }

    @Override
    public Optional<PromotionRequest> request(String id) {
      return docs("SELECT doc FROM reg_requests WHERE id = ?", id).stream().findFirst().map(d -> parse(d, PromotionRequest.class));
    }

    @Override
    public List<PromotionRequest> requests(String name) {
      return docs("SELECT doc FROM reg_requests WHERE name = ? ORDER BY created, id", name).stream()
          .map(d -> parse(d, PromotionRequest.class)).toList();
    }

    @Override
    public Optional<AuditEntry> lastAudit() {
      return Sql.firstUnchecked(c, "SELECT " + AUDIT_COLUMNS + " FROM reg_audit ORDER BY seq DESC LIMIT 1", JdbcRegistryStore::auditRow);
    }
  }

  private static final class SqlTx extends SqlView implements Tx {
    SqlTx(Connection c) {
      super(c);
    }

    @Override
    public void putModel(RegisteredModel m) {
      exec("INSERT INTO reg_models (name, doc) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET doc = excluded.doc", m.name(), json(m));
    }

    @Override
    public void deleteModel(String name) {
      exec("DELETE FROM reg_models WHERE name = ?", name);
      exec("DELETE FROM reg_versions WHERE name = ?", name);
      exec("DELETE FROM reg_aliases WHERE name = ?", name);
      exec("DELETE FROM reg_requests WHERE name = ?", name);
    }

    @Override
    public void putVersion(ModelVersion v) {
      exec("INSERT INTO reg_versions (name, version, doc) VALUES (?, ?, ?) ON CONFLICT (name, version) DO UPDATE SET doc = excluded.doc",
          v.name(), v.version(), json(v));
    }

    @Override
    public void deleteVersion(String name, int version) {
      exec("DELETE FROM reg_versions WHERE name = ? AND version = ?", name, version);
    }

    @Override
    public void putAlias(String name, String alias, int version) {
      exec("INSERT INTO reg_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
          name, alias, version);
    }

    @Override
    public void deleteAlias(String name, String alias) {
      exec("DELETE FROM reg_aliases WHERE name = ? AND alias = ?", name, alias);
    }

    @Override
    public void putRequest(PromotionRequest r) {
      exec("INSERT INTO reg_requests (id, name, created, doc) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
          r.id(), r.model(), r.createdAt(), json(r));
    }

    @Override
    public void appendAudit(AuditEntry e) {
      long expected = lastAudit().map(a -> a.seq() + 1).orElse(1L);
      if (e.seq() != expected) {
        throw new StorageException("audit entry seq " + e.seq() + " does not follow " + (expected - 1));
      }
      exec("INSERT INTO reg_audit (" + AUDIT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e.seq(), e.time(), e.actor(), e.action(),
          e.target(), e.before(), e.after(), e.reason(), e.prevHash(), e.hash());
    }

    @Override
    public long appendEvent(RegistryEvent e) {
      exec("INSERT INTO reg_events (model, type, payload, time) VALUES (?, ?, ?, ?)", e.model(), e.type(), RegistryEventCodec.payload(e),
          e.time());
      return Sql.firstUnchecked(c, "SELECT MAX(seq) FROM reg_events", rs -> rs.getLong(1)).orElse(0L);
    }
  }
}
