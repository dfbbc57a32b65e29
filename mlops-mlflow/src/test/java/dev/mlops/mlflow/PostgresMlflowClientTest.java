package dev.mlops.mlflow;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;

/** The official MLflow client against the server on a PostgreSQL store. */
@Postgres
class PostgresMlflowClientTest extends MlflowClientContract {
  @Override
  StorageBackend open() {
    return StorageBackend.open(PostgresServer.newDatabase());
  }
}
