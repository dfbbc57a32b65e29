package dev.mlops.api.internal.jdbc;

import dev.mlops.api.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that binds parameters and reads rows for every SQL store. Methods named
 * {@code *Unchecked} wrap a {@link SQLException} in a {@link StorageException} that keeps it as
 * the cause, so {@link Database#transaction} still recognises a retryable failure.
 */
public final class Sql {
  private Sql() {}

  /** Reads one row. */
  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Binds {@code args} in order: null, Double, Float, Long, Integer, Boolean, byte[], java.sql.Array, or anything else as its string. */
  public static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      int p = i + 1;
      if (a == null) {
        ps.setObject(p, null);
      } else if (a instanceof Double d) {
        ps.setDouble(p, d);
      } else if (a instanceof Float f) {
        ps.setDouble(p, f);
      } else if (a instanceof Long l) {
        ps.setLong(p, l);
      } else if (a instanceof Integer n) {
        ps.setInt(p, n);
      } else if (a instanceof Boolean b) {
        ps.setInt(p, b ? 1 : 0);
      } else if (a instanceof byte[] bytes) {
        ps.setBytes(p, bytes);
      } else if (a instanceof java.sql.Array array) {
        ps.setArray(p, array);
      } else {
        ps.setString(p, a.toString());
      }
    }
  }

  /** Prepares {@code sql} with {@code args} bound; the caller closes the statement. */
  public static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      bind(ps, args);
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  /** Every row of a query. */
  public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.read(rs));
      }
      return out;
    }
  }

  /** The first row of a query, if any. */
  public static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.ofNullable(row.read(rs)) : Optional.empty();
    }
  }

  /** Runs an INSERT, UPDATE or DELETE; the number of rows changed. */
  public static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  /** {@link #list} with SQL failures as {@link StorageException} (cause kept). */
  public static <T> List<T> listUnchecked(Connection c, String sql, Row<T> row, Object... args) {
    try {
      return list(c, sql, row, args);
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  /** {@link #first} with SQL failures as {@link StorageException} (cause kept). */
  public static <T> Optional<T> firstUnchecked(Connection c, String sql, Row<T> row, Object... args) {
    try {
      return first(c, sql, row, args);
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  /** {@link #update} with SQL failures as {@link StorageException} (cause kept). */
  public static int updateUnchecked(Connection c, String sql, Object... args) {
    try {
      return update(c, sql, args);
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  /** A storage exception for a failed database operation, keeping the SQL exception as cause. */
  public static StorageException failure(String what, SQLException e) {
    return new StorageException("database " + what + " failed: " + e.getMessage(), e);
  }
}
