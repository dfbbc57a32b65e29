package dev.mlops.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.api.tracking.TrackingStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The one compatibility kit of a storage backend: every store contract (tracking, artifacts,
 * registry, monitoring, retraining) run against backends from one factory, plus the backend's own rules, with
 * a leak check after every test. A backend author writes one short class:
 *
 * <pre>{@code
 * class MyBackendCompatibilityTest extends StorageBackendCompatibilityKit {
 *   protected StorageBackend newBackend() throws Exception {
 *     return StorageBackend.builder().uri("my:" + TemporaryDirectories.create("my-")).provider(new MyProvider()).build();
 *   }
 * }
 * }</pre>
 *
 * <p>A backend must offer all five store types ({@link StorageBackend#offers}); one that keeps
 * only some of them itself makes the others from an embedded backend, as the sample
 * content-addressed backend does, and passes the whole kit. A missing store type fails the tests
 * that need it, naming it: nothing is skipped. Modelled on Micrometer's
 * {@code MeterRegistryCompatibilityKit}.
 */
public abstract class StorageBackendCompatibilityKit {
  /** For subclasses: one per backend under test. */
  protected StorageBackendCompatibilityKit() {}

  /**
   * A fresh backend with empty stores; the kit closes it after each test.
   *
   * @throws Exception when the backend cannot be made (for example its temporary directory); the test fails with it
   */
  protected abstract StorageBackend newBackend() throws Exception;

  /**
   * Called after each test with the backend the test used, once it is closed: assert that it
   * released what it held (connections, files, in-process state). The default checks that the
   * backend refuses further use.
   */
  protected void assertNoLeaks(StorageBackend closed) {
    assertTrue(closed.isClosed(), "the backend reports itself closed");
    assertThrows(StorageException.class, () -> closed.store(TrackingStore.class), "a closed backend refuses to make stores");
  }

  private static final List<Class<?>> STORE_TYPES = List.of(TrackingStore.class, ArtifactStore.class, RegistryStore.class,
      MonitoringStore.class, RetrainingStore.class);

  private final List<StorageBackend> opened = new ArrayList<>();

  private StorageBackend openBackend() {
    StorageBackend b;
    try {
      b = newBackend();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("newBackend() failed: " + e, e);
    }
    opened.add(b);
    return b;
  }

  private <S> S storeOf(StorageBackend b, Class<S> type) {
    assertTrue(b.offers(type), b + " does not offer " + type.getSimpleName() + "; the kit needs all five store types");
    return b.store(type);
  }

  private void closeAndCheck(StorageBackend b) {
    b.close();
    assertNoLeaks(b);
  }

  @AfterEach
  void closeBackends() {
    for (StorageBackend b : opened) {
      if (!b.isClosed()) {
        closeAndCheck(b);
      }
    }
    opened.clear();
  }

  @Nested
  @DisplayName("the backend")
  class Backend {
    @Test
    @DisplayName("offers every store type and makes each once")
    void storesAreMadeOnce() {
      StorageBackend b = openBackend();
      for (Class<?> type : STORE_TYPES) {
        assertTrue(b.offers(type), b + " offers " + type.getSimpleName());
        assertSame(b.store(type), b.store(type), type.getSimpleName() + " is made once per backend");
      }
      assertTrue(b.storeTypes().containsAll(STORE_TYPES), b.storeTypes().toString());
    }

    @Test
    @DisplayName("names what it does not offer")
    void refusesUnknownStores() {
      StorageBackend b = openBackend();
      MlopsException e = assertThrows(MlopsException.class, () -> b.store(StringBuilder.class));
      assertTrue(e.getMessage().contains("StringBuilder"), e.getMessage());
    }

    @Test
    @DisplayName("closes idempotently and then refuses to make stores")
    void closes() {
      StorageBackend b = openBackend();
      for (Class<?> type : STORE_TYPES) {
        storeOf(b, type);
      }
      b.close();
      b.close();
      assertNoLeaks(b);
    }

    @Test
    @DisplayName("two backends from the factory are independent")
    void independent() {
      StorageBackend a = openBackend();
      StorageBackend c = openBackend();
      storeOf(a, MonitoringStore.class).putProfile("m", "reference", new byte[] {1});
      assertTrue(storeOf(c, MonitoringStore.class).profile("m", "reference").isEmpty(), "a fresh backend starts empty");
      assertEquals(1, storeOf(a, MonitoringStore.class).profile("m", "reference").orElseThrow().length);
    }
  }

  @Nested
  @DisplayName("tracking store")
  class Tracking extends TrackingStoreContract {
    private StorageBackend backend;

    @Override
    protected TrackingStore newStore() {
      backend = openBackend();
      return storeOf(backend, TrackingStore.class);
    }

    @Override
    protected void afterStore() {
      closeAndCheck(backend);
    }
  }

  @Nested
  @DisplayName("artifact store")
  class Artifacts extends ArtifactStoreContract {
    private StorageBackend backend;

    @Override
    protected ArtifactStore newStore() {
      backend = openBackend();
      return storeOf(backend, ArtifactStore.class);
    }

    @Override
    protected void afterStore() {
      closeAndCheck(backend);
    }
  }

  @Nested
  @DisplayName("registry store")
  class Registry extends RegistryStoreContract {
    private StorageBackend backend;

    @Override
    protected RegistryStore newStore() {
      backend = openBackend();
      return storeOf(backend, RegistryStore.class);
    }

    @Override
    protected void afterStore() {
      closeAndCheck(backend);
    }
  }

  @Nested
  @DisplayName("monitoring store")
  class Monitoring extends MonitoringStoreContract {
    private StorageBackend backend;

    @Override
    protected MonitoringStore newStore() {
      backend = openBackend();
      return storeOf(backend, MonitoringStore.class);
    }

    @Override
    protected void afterStore() {
      closeAndCheck(backend);
    }
  }

  @Nested
  @DisplayName("retraining store")
  class Retraining extends RetrainingStoreContract {
    private StorageBackend backend;

    @Override
    protected RetrainingStore newStore() {
      backend = openBackend();
      return storeOf(backend, RetrainingStore.class);
    }

    @Override
    protected void afterStore() {
      closeAndCheck(backend);
    }
  }
}
