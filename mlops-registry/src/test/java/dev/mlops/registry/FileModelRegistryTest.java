package dev.mlops.registry;

import dev.mlops.api.IntegrityException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileModelRegistryTest extends SqlModelRegistryContract {
  private Path root;

  @Override
  StorageBackend newBackend() {
    String uri = Backends.fileUri();
    root = Path.of(uri.substring("file:".length()));
    tamper = new SqlTamper("jdbc:sqlite:" + root.resolve("mlops.db"));
    return StorageBackend.open(uri);
  }

  @Test
  void aModelFileCorruptedOnDiskIsRefusedAtLoad() throws Exception {
    ModelVersion v = registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    Path blob = root.resolve("artifacts").resolve(ModelRegistry.BLOB_NAMESPACE).resolve("files").resolve("blobs").resolve(v.sha256());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(blob, bytes);
    IntegrityException e = assertThrows(IntegrityException.class, () -> registry.load("models:/fraud/1", Label.class));
    assertTrue(e.getMessage().contains(v.sha256()) && e.getMessage().contains("refusing to load"), e.getMessage());
  }
}
