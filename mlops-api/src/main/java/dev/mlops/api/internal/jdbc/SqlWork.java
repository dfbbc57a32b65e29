package dev.mlops.api.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with one connection inside a transaction. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection c) throws SQLException;
}
