package dev.mlops.api.internal.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the prepared statements of one connection, keyed by SQL text, for drivers without a cache
 * of their own (SQLite compiles a statement on every prepare, which costs more than a small insert).
 * {@code close()} on a cached statement only clears its parameters and batch. The connection is
 * used by one thread at a time (the caller holds the database's lock).
 */
final class StatementCache {
  private static final int MAX = 256;

  private StatementCache() {}

  static Connection wrap(Connection raw) {
    Map<String, PreparedStatement> cache = new HashMap<>();
    InvocationHandler h = (proxy, method, args) -> {
      if (method.getName().equals("prepareStatement") && args != null && args.length == 1 && args[0] instanceof String sql) {
        PreparedStatement ps = cache.get(sql);
        if (ps == null || ps.isClosed()) {
          PreparedStatement real = raw.prepareStatement(sql);
          ps = keepOpen(real);
          if (cache.size() < MAX) {
            cache.put(sql, ps);
          } else {
            return real;
          }
        }
        return ps;
      }
      if (method.getName().equals("close")) {
        for (PreparedStatement ps : cache.values()) {
          ((Closer) Proxy.getInvocationHandler(ps)).real.close();
        }
        cache.clear();
      }
      try {
        return method.invoke(raw, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private static final class Closer implements InvocationHandler {
    final PreparedStatement real;

    Closer(PreparedStatement real) {
      this.real = real;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("close")) {
        try {
          real.clearBatch();
          real.clearParameters();
        } catch (SQLException e) {
          real.close();
        }
        return null;
      }
      if (method.getName().equals("isClosed")) {
        return real.isClosed();
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  private static PreparedStatement keepOpen(PreparedStatement real) {
    return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
        new Closer(real));
  }
}
