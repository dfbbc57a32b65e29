package dev.mlops.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every store contract shares: a fresh store before each test, closed after it.
 *
 * @param <S> the store type under test
 */
public abstract class StoreContract<S extends AutoCloseable> {
  /** For the contracts. */
  protected StoreContract() {}

  /** A fresh, empty store; closed after each test. */
  protected abstract S newStore();

  /** Called after each test once the store is closed: release what {@link #newStore()} opened. */
  protected void afterStore() {}

  /** The store under test, fresh for each test. */
  protected S store;

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
    afterStore();
  }
}
