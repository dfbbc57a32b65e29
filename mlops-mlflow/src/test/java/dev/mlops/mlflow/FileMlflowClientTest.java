package dev.mlops.mlflow;

import dev.mlops.api.StorageBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The official MLflow client against the server on a {@code file:} store (SQLite and files). */
class FileMlflowClientTest extends MlflowClientContract {
  @TempDir
  Path dir;

  @Override
  StorageBackend open() {
    return StorageBackend.open("file:" + dir.resolve("mlops"));
  }
}
