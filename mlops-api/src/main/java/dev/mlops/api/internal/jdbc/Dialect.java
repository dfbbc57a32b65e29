package dev.mlops.api.internal.jdbc;

/** The SQL databases the built-in stores speak. */
public enum Dialect {
  SQLITE,
  POSTGRES;

  /** Replaces the type placeholders of a portable DDL statement. */
  public String ddl(String portable) {
    return switch (this) {
      case SQLITE -> portable.replace("{ID}", "INTEGER PRIMARY KEY").replace("{DOUBLE}", "REAL")
          .replace("{BLOB}", "BLOB").replace("{BIGINT}", "INTEGER").replace("{WITHOUT_ROWID}", " WITHOUT ROWID");
      case POSTGRES -> portable.replace("{ID}", "BIGSERIAL PRIMARY KEY").replace("{DOUBLE}", "DOUBLE PRECISION")
          .replace("{BLOB}", "BYTEA").replace("{BIGINT}", "BIGINT").replace("{WITHOUT_ROWID}", "");
    };
  }

  /** Whether {@code e} reports a unique-constraint violation. */
  public boolean isUniqueViolation(java.sql.SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException s) {
        if ("23505".equals(s.getSQLState())) {
          return true;
        }
        String m = String.valueOf(s.getMessage());
        if (this == SQLITE && (m.contains("UNIQUE constraint failed") || m.contains("PRIMARY KEY constraint failed"))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code e} says the connection to the server is gone (PostgreSQL: a connection exception,
   * SQL state class 08; the server ending the session, 57P01 to 57P03, as a restart or
   * {@code pg_terminate_backend} does; a pool's closed or unavailable connection). A transaction
   * that lost its connection before its commit was sent left nothing behind.
   */
  public boolean isConnectionLoss(java.sql.SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof java.sql.SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code e} is transient (lock timeout, serialization failure, deadlock) and the transaction may be retried. */
  public boolean isRetryable(java.sql.SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException s) {
        String state = s.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state)) {
          return true;
        }
        String m = String.valueOf(s.getMessage());
        if (this == SQLITE && (m.contains("SQLITE_BUSY") || m.contains("database is locked"))) {
          return true;
        }
      }
    }
    return false;
  }
}
