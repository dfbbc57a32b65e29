package dev.mlops.retraining.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.BuiltInStoreProvider;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.retraining.RetrainingStore;

/** The RetrainingStore of the built-in URIs (mem:, file:, jdbc:postgresql:), found through ServiceLoader. */
public final class RetrainingStoreProvider extends BuiltInStoreProvider<RetrainingStore> {
  /** The provider ServiceLoader instantiates. */
  public RetrainingStoreProvider() {
    super(RetrainingStore.class);
  }

  @Override
  protected RetrainingStore mem(StorageBackend backend) {
    return MemRetrainingStore.open(backend.location());
  }

  @Override
  protected RetrainingStore sql(Database db, StorageBackend backend) {
    return new JdbcRetrainingStore(db);
  }
}
