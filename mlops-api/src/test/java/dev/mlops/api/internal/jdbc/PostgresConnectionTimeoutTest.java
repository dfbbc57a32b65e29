package dev.mlops.api.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageUri;
import java.lang.reflect.Proxy;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code connectionTimeout} parameter of a {@code jdbc:postgresql:} URI: read, checked, and kept from the driver. */
class PostgresConnectionTimeoutTest {
  private static final String BASE = "jdbc:postgresql://db.example:5433/mlops?user=u&password=s3cret";

  private static Duration timeout(String uri) {
    return PostgresConnections.connectionTimeout(StorageUri.parse(uri));
  }

  @Test
  void secondsAreReadAndTheDefaultIsFive() {
    assertEquals(Duration.ofSeconds(5), timeout(BASE));
    assertEquals(Duration.ofSeconds(2), timeout(BASE + "&connectionTimeout=2"));
    assertEquals(Duration.ofMillis(250), timeout(BASE + "&connectionTimeout=0.25"));
    assertEquals(Duration.ofHours(1), timeout(BASE + "&connectionTimeout=3600"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.1", "3601", "-1", "5s", "", "1e3", "NaN", "2.0001"})
  void aValueOutsideTheRuleIsRefusedNamingIt(String bad) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> timeout(BASE + "&connectionTimeout=" + bad));
    assertEquals("connectionTimeout = '" + bad + "': must be a number of seconds from 0.25 to 3600 (how long a call waits for a"
        + " connection to PostgreSQL; default 5)", e.getMessage());
  }

  @Test
  void aValueOutsideTheRuleIsRefusedBeforeAnyConnection() {
    // Database.of checks the URI before it loads the pool or the driver
    try (StorageBackend backend = StorageBackend.open(BASE + "&connectionTimeout=0")) {
      assertThrows(InvalidArgumentException.class, () -> Database.of(backend));
    }
  }

  @Test
  void theDriverNeverSeesTheParameterAndEveryOtherOneIsKeptAsWritten() {
    assertEquals(BASE, PostgresPool.driverUrl(BASE + "&connectionTimeout=2"));
    assertEquals("jdbc:postgresql://h/db", PostgresPool.driverUrl("jdbc:postgresql://h/db?connectionTimeout=2"));
    assertEquals("jdbc:postgresql://h/db?ssl=true&options=-c%20x%3D1", PostgresPool.driverUrl(
        "jdbc:postgresql://h/db?connectionTimeout=2&ssl=true&options=-c%20x%3D1"));
    assertEquals("jdbc:postgresql://h/db", PostgresPool.driverUrl("jdbc:postgresql://h/db"));
  }

  @Test
  void withTheCallersOwnDataSourceTheParameterIsRefused() {
    try (StorageBackend backend = StorageBackend.open(BASE + "&connectionTimeout=2", unusedDataSource())) {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Database.of(backend));
      assertEquals("connectionTimeout = '2': applies to the pool a jdbc:postgresql: URI opens itself; with your own DataSource, set the"
          + " wait on that pool", e.getMessage());
    }
  }

  /** A data source the store must never reach: the URI is refused before any connection is asked for. */
  private static DataSource unusedDataSource() {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return method.getName().equals("equals") ? proxy == args[0] : method.getName().equals("hashCode") ? 0 : "unused data source";
      }
      throw new AssertionError("no connection expected: " + method.getName());
    });
  }
}
