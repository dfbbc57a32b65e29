package dev.mlops.mlflow;

import dev.mlops.api.StorageBackend;
import java.util.UUID;

/** The official MLflow client against the server on a {@code mem:} store. */
class MemMlflowClientTest extends MlflowClientContract {
  @Override
  StorageBackend open() {
    return StorageBackend.open("mem:" + UUID.randomUUID());
  }
}
