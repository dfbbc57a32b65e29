package dev.mlops.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.spi.StoreProvider;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageBackendTest {
  @Test
  void unknownSchemeListsTheKnownOnes() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> StorageBackend.open("s3://bucket/x"));
    assertTrue(e.getMessage().contains("unknown scheme 's3'"), e.getMessage());
    assertTrue(e.getMessage().contains("file") && e.getMessage().contains("jdbc") && e.getMessage().contains("mem"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> StorageBackend.open("no-scheme"));
    assertThrows(InvalidArgumentException.class, () -> StorageBackend.open("file:"));
  }

  /** A third-party store type served by an explicitly registered provider. */
  record Greeting(String text) {}

  @Test
  void explicitlyRegisteredProvidersServeTheirScheme() {
    StorageBackend.register(new StoreProvider() {
      @Override
      public String scheme() {
        return "custom";
      }

      @Override
      public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
        return type == Greeting.class ? Optional.of(type.cast(new Greeting("hello " + backend.location()))) : Optional.empty();
      }
    });
    assertTrue(StorageBackend.knownSchemes().contains("custom"));
    try (StorageBackend b = StorageBackend.open("custom:world")) {
      assertEquals("hello world", b.store(Greeting.class).text());
      assertTrue(b.store(Greeting.class) == b.store(Greeting.class));
      MlopsException e = assertThrows(MlopsException.class, () -> b.store(String.class));
      assertTrue(e.getMessage().contains("no provider of String"), e.getMessage());
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
}
