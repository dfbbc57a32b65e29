package dev.mlops.registry;

import dev.mlops.api.IntegrityException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void modelBytesBehindASymbolicLinkAreNeitherReadNorWritten() throws Exception {
    ModelVersion v = registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    // someone who can write the store's directory moves the registry's folder out and links it back in
    Path namespace = root.resolve("artifacts").resolve(ModelRegistry.BLOB_NAMESPACE);
    Path outside = Files.createDirectories(root.resolveSibling(root.getFileName() + "-outside")).resolve(ModelRegistry.BLOB_NAMESPACE);
    Files.move(namespace, outside);
    Files.createSymbolicLink(namespace, outside);
    InvalidArgumentException read = assertThrows(InvalidArgumentException.class, () -> registry.bytes("fraud", 1));
    assertTrue(read.getMessage().contains("symbolic link") && read.getMessage().contains(namespace.toString()), read.getMessage());
    assertThrows(InvalidArgumentException.class, () -> registry.load("models:/fraud/1", Label.class));
    assertThrows(InvalidArgumentException.class, () -> registry.register(Registration.of("fraud").fromModel(Models.train(2))));
    try (var files = Files.list(outside.resolve("files/blobs"))) {
      assertEquals(java.util.List.of(outside.resolve("files/blobs/" + v.sha256())), files.toList(),
          "no model bytes were written through the link");
    }
    assertEquals(1, registry.versions("fraud").size(), "the refused registration left no version");
  }
}
