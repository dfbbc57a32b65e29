package dev.mlops.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A serialization failure inside a registry transaction is retried like every other store's, leaving one clean change. */
@Postgres
class RetriedRegistryTransactionTest {
  @Test
  void aTransientFailureInsideTheTransactionIsRetried() throws Exception {
    DataSource real = PostgresServer.newDataSource();
    AtomicInteger failuresLeft = new AtomicInteger(0);
    AtomicInteger failed = new AtomicInteger();
    DataSource flaky = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          return result instanceof Connection c ? failing(c, failuresLeft, failed) : result;
        });
    try (StorageBackend backend = StorageBackend.open("jdbc:postgresql://retry-test/db", flaky);
        ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      registry.register(Registration.of("fraud").fromModel(Models.train(1)));
      int auditBefore = registry.audit().size();
      failuresLeft.set(1);
      registry.setAlias("fraud", "staging", 1);
      assertEquals(1, failed.get(), "the alias write failed once");
      assertEquals(1, registry.aliases("fraud").get("staging"));
      assertEquals(auditBefore + 1, registry.audit().size(), "one audit entry for one move");
      assertTrue(registry.verifyAudit().valid());
    }
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Connection failing(Connection real, AtomicInteger failuresLeft, AtomicInteger failed) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
              && sql.startsWith("INSERT INTO reg_aliases")) {
            PreparedStatement ps = (PreparedStatement) result;
            return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                (p, m, a) -> {
                  if (m.getName().equals("executeUpdate") && failuresLeft.getAndDecrement() > 0) {
                    failed.incrementAndGet();
                    throw new SQLException("could not serialize access due to concurrent update", "40001");
                  }
                  return invoke(ps, m, a);
                });
          }
          return result;
        });
  }
}
