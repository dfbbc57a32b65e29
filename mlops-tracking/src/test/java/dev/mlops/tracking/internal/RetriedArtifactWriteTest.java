package dev.mlops.tracking.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.internal.Digests;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A transient database failure (serialization failure, SQLState 40001) while an artifact's
 * metadata commits makes the store retry; the retried write must store the whole file, not what is
 * left of the caller's stream.
 */
@Postgres
class RetriedArtifactWriteTest {
  @Test
  void aRetriedPutStoresTheWholeFile() throws Exception {
    DataSource real = PostgresServer.newDataSource();
    AtomicInteger failuresLeft = new AtomicInteger(1);
    AtomicInteger failed = new AtomicInteger();
    DataSource flaky = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          return result instanceof Connection c ? failingMetadataWrites(c, failuresLeft, failed) : result;
        });
    byte[] body = new byte[3 * (1 << 20) + 17];
    new Random(5).nextBytes(body);
    try (StorageBackend backend = StorageBackend.open("jdbc:postgresql://retry-test/db", flaky)) {
      ArtifactStore store = backend.store(ArtifactStore.class);
      ArtifactInfo info = store.put("0123456789abcdef0123456789abcdef", "model.bin", new ByteArrayInputStream(body));
      assertEquals(1, failed.get(), "the metadata write failed once and was retried");
      assertEquals(body.length, info.size());
      assertEquals(Digests.sha256(body), info.sha256());
      try (InputStream in = store.open("0123456789abcdef0123456789abcdef", "model.bin")) {
        assertArrayEquals(body, in.readAllBytes());
      }
      assertTrue(store.list("0123456789abcdef0123456789abcdef", "").size() == 1);
    }
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Connection failingMetadataWrites(Connection real, AtomicInteger failuresLeft, AtomicInteger failed) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
              && sql.startsWith("INSERT INTO artifact_files")) {
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
