package dev.mlops.registry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Edits the audit table behind the library's back, through a separate JDBC connection. */
final class SqlTamper {
  private final String url;

  SqlTamper(String url) {
    this.url = url;
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  void edit(long seq, String actor) {
    exec("UPDATE reg_audit SET actor = ? WHERE seq = ?", actor, seq);
  }

  void delete(long seq) {
    exec("DELETE FROM reg_audit WHERE seq = ?", seq);
  }

  void swap(long a, long b) {
    String cols = "time, actor, action, target, before_state, after_state, reason, prev_hash, hash";
    try (Connection c = connect()) {
      Object[][] rows = new Object[2][];
      long[] seqs = {a, b};
      for (int i = 0; i < 2; i++) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM reg_audit WHERE seq = ?")) {
          ps.setLong(1, seqs[i]);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            rows[i] = new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9)};
          }
        }
      }
      for (int i = 0; i < 2; i++) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE reg_audit SET time = ?, actor = ?, action = ?, target = ?, before_state = ?,"
            + " after_state = ?, reason = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
          Object[] r = rows[1 - i];
          ps.setLong(1, (Long) r[0]);
          for (int k = 1; k < 9; k++) {
            ps.setString(k + 1, (String) r[k]);
          }
          ps.setLong(10, seqs[i]);
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  void append(dev.mlops.api.registry.AuditEntry e) {
    exec("INSERT INTO reg_audit (seq, time, actor, action, target, before_state, after_state, reason, prev_hash, hash)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e.seq(), e.time(), e.actor(), e.action(), e.target(), e.before(), e.after(), e.reason(),
        e.prevHash(), e.hash());
  }

  private void exec(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        if (args[i] instanceof Long l) {
          ps.setLong(i + 1, l);
        } else {
          ps.setString(i + 1, (String) args[i]);
        }
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
