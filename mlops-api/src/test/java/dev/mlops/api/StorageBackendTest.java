package dev.mlops.api;

import dev.mlops.api.internal.Validation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.spi.StoreProvider;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageBackendTest {
  @Test
  void unknownSchemeListsTheSupportedOnes() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> StorageBackend.open("s3://bucket/x"));
    assertTrue(e.getMessage().contains("unknown scheme 's3'"), e.getMessage());
    assertTrue(e.getMessage().contains("file:") && e.getMessage().contains("jdbc:postgresql:") && e.getMessage().contains("mem:"),
        e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> StorageBackend.open("no-scheme"));
    assertThrows(InvalidArgumentException.class, () -> StorageBackend.open("file:"));
  }

  /** A third-party store type served by an explicitly given provider. */
  record Greeting(String text) {}

  private static StoreProvider greetings() {
    return new StoreProvider() {
      @Override
      public Set<String> schemes() {
        return Set.of("custom");
      }

      @Override
      public Set<Class<?>> storeTypes() {
        return Set.of(Greeting.class);
      }

      @Override
      public <S> S create(Class<S> type, StorageBackend backend) {
        return type.cast(new Greeting("hello " + backend.location()));
      }
    };
  }

  @Test
  void explicitProvidersServeTheirScheme() {
    try (StorageBackend b = StorageBackend.builder().uri("custom:world").provider(greetings()).build()) {
      assertEquals("hello world", b.store(Greeting.class).text());
      assertSame(b.store(Greeting.class), b.store(Greeting.class));
      assertTrue(b.offers(Greeting.class));
      assertFalse(b.offers(String.class));
      MlopsException e = assertThrows(MlopsException.class, () -> b.store(String.class));
      assertTrue(e.getMessage().contains("no provider of String"), e.getMessage());
    }
  }

  @Test
  void anExplicitProviderDoesNotLeakIntoOtherBackends() {
    StorageBackend.builder().uri("custom:x").provider(greetings()).build().close();
    assertFalse(StorageBackend.knownSchemes().contains("custom"));
    assertThrows(InvalidArgumentException.class, () -> StorageBackend.open("custom:x"));
  }

  @Test
  void discoveryCanBeSkipped() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> StorageBackend.builder().uri("mem:x").discoverProviders(false).build());
    assertTrue(e.getMessage().contains("no provider found"), e.getMessage());
    try (StorageBackend b = StorageBackend.builder().uri("custom:y").provider(greetings()).discoverProviders(false).build()) {
      assertFalse(b.offers(ArtifactStore.class));
    }
  }

  @Test
  void anUnsupportedDatabaseIsRefusedByName() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> StorageBackend.open("jdbc:mysql://db:3306/mlops?user=u&password=hunter2", new NoDataSource()));
    assertTrue(e.getMessage().contains("database 'mysql' is not supported"), e.getMessage());
    assertTrue(e.getMessage().contains("jdbc:postgresql:"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void urisPrintWithSecretsMasked() {
    StorageUri u = StorageUri.parse("jdbc:postgresql://db.example:5433/mlops?user=ml&password=s3cr3t&ssl=true");
    assertEquals("jdbc:postgresql://db.example:5433/mlops?user=ml&password=****&ssl=true", u.toString());
    assertEquals("db.example:5433", u.hostAndPort());
    assertEquals("postgresql", u.subProtocol());
    assertEquals("s3cr3t", u.parameters().get("password"));
    assertEquals("jdbc:postgresql://ml:****@db/x", StorageUri.mask("jdbc:postgresql://ml:pw@db/x"));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> StorageUri.parse("1bad:?password=topsecret"));
    assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
  }

  @Test
  void fileUrisKeepTheirOptionsOutOfThePath() {
    StorageUri u = StorageUri.parse("file:./store?sync=full");
    assertEquals("./store", u.location());
    assertEquals("full", u.parameters().get("sync"));
    assertEquals("default", StorageUri.parse("mem:").location());
  }

  @Test
  void openingAnExistingStoreRefusesAPathWithNoStoreAndCreatesNothing(@TempDir Path dir) throws Exception {
    Path typo = dir.resolve("mlopz");
    NotFoundException missing = assertThrows(NotFoundException.class, () -> StorageBackend.openExisting("file:" + typo));
    assertTrue(missing.getMessage().contains(typo.toString()) && missing.getMessage().contains("does not exist")
        && missing.getMessage().contains("creates it"), missing.getMessage());
    assertFalse(Files.exists(typo), "nothing is created");
    Path empty = Files.createDirectory(dir.resolve("empty"));
    NotFoundException noDb = assertThrows(NotFoundException.class,
        () -> StorageBackend.builder().uri("file:" + empty).existingStoreOnly(true).build());
    assertTrue(noDb.getMessage().contains("holds no mlops.db"), noDb.getMessage());
    try (Stream<Path> left = Files.list(empty)) {
      assertEquals(0, left.count(), "nothing is created in a directory that holds no store");
    }
    // a writer creates the store as before; then reading it is allowed
    Path store = dir.resolve("store");
    try (StorageBackend writer = StorageBackend.open("file:" + store)) {
      Database.of(writer);
    }
    try (StorageBackend reader = StorageBackend.openExisting("file:" + store + "?sync=full")) {
      assertEquals("file", reader.scheme());
    }
    try (StorageBackend scratch = StorageBackend.openExisting("mem:never-opened-before")) {
      assertEquals("mem", scratch.scheme(), "mem: names are opened as without the option");
    }
  }

  @Test
  void aConnectionFailureIsAStorageExceptionNamingHostAndPortWithoutThePassword() {
    try (StorageBackend b = StorageBackend.open("jdbc:postgresql://127.0.0.1:1/none?user=u&password=hunter2&connectTimeout=2")) {
      StorageException e = assertThrows(StorageException.class, () -> b.store(ArtifactStore.class));
      assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
  }

  @Test
  void validationNamesFieldLengthAndLimit() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Validation.key("param key", "k".repeat(251)));
    assertTrue(e.getMessage().contains("param key has length 251, over the limit of 250"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> Validation.key("metric key", "bad*key"));
    assertTrue(e.getMessage().startsWith("metric key = 'bad*key'"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> Validation.key("k", "../up"));
    assertEquals("a/b c:d-e.f_g", Validation.key("k", "a/b c:d-e.f_g"));
  }

  /** A data source that is never asked for a connection. */
  private static final class NoDataSource implements DataSource {
    @Override
    public Connection getConnection() {
      throw new AssertionError("not expected");
    }

    @Override
    public Connection getConnection(String username, String password) {
      throw new AssertionError("not expected");
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
