package dev.mlops.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.AuditEntry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code file:} registry store written by release 0.1.0 at {@code a237dcb} ({@link GoldenRegistry#fill}: every kind of
 * audited change, denials, names and values holding {@code ;} and {@code =}), with the audit trail that release exported:
 * this release reads, exports and verifies the same trail, and its own changes extend the old chain.
 */
class GoldenRegistryTest {
  private static final String RELEASE = "0.1.0-a237dcb";

  @TempDir
  Path dir;
  private Path store;
  private String golden;

  @BeforeEach
  void unpack() throws IOException, URISyntaxException {
    store = dir.resolve("store");
    Path zipFile = Path.of(GoldenRegistryTest.class.getResource("/golden/registry-" + RELEASE + ".zip").toURI());
    try (FileSystem zip = FileSystems.newFileSystem(zipFile); Stream<Path> files = Files.walk(zip.getPath("/"))) {
      for (Path p : files.toList()) {
        Path out = store.resolve(p.toString().substring(1));
        if (Files.isDirectory(p)) {
          Files.createDirectories(out);
        } else {
          Files.copy(p, out);
        }
      }
    }
    try (InputStream in = GoldenRegistryTest.class.getResourceAsStream("/golden/audit-" + RELEASE + ".jsonl")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private ModelRegistry open() {
    return ModelRegistry.builder().storage("file:" + store).principal(() -> "auditor").build();
  }

  private String goldenHead() {
    String last = golden.lines().reduce((a, b) -> b).orElseThrow();
    return last.substring(last.lastIndexOf("\"hash\":\"") + 8, last.length() - 2);
  }

  @Test
  @DisplayName("the trail an earlier release wrote reads, exports and verifies as that release exported it")
  void anEarlierReleasesTrailReadsAndVerifies() {
    try (ModelRegistry registry = open()) {
      assertEquals(golden, GoldenRegistry.export(registry));
      AuditChain.Verification v = registry.verifyAudit(goldenHead());
      assertTrue(v.valid(), v.problems().toString());
      assertEquals(37, v.entries());
    }
  }

  @Test
  @DisplayName("the fields of entries in the earlier key=value form read through the same accessors as JSON ones")
  void earlierEntriesReadTheirFields() {
    try (ModelRegistry registry = open()) {
      registry.setAlias("fraud", "staging", 1);
      List<AuditEntry> all = registry.audit();
      List<String> staging = all.stream().filter(e -> e.action().equals("ALIAS_MOVED") && e.target().equals("fraud@staging"))
          .map(e -> e.beforeFields().getOrDefault("version", "none") + " -> " + e.afterFields().get("version")).toList();
      assertEquals(List.of("none -> 1", "1 -> 2", "none -> 1"), staging, "two moves of the earlier form, one of this one");
      AuditEntry registered = all.get(4);
      assertEquals("VERSION_REGISTERED", registered.action());
      assertEquals(List.of("sha256", "source", "status"), List.copyOf(registered.afterFields().keySet()));
      assertEquals("READY", registered.afterFields().get("status"));
      assertEquals(Map.of(), all.get(3).afterFields(), "free text of the earlier form has no fields");
    }
  }

  @Test
  @DisplayName("every action an earlier release audited is still the name of a kind of change")
  void theVocabularyIsUnchanged() {
    Set<String> earlier = golden.lines().map(l -> l.replaceAll(".*\"action\":\"([A-Z_]+)\".*", "$1")).collect(Collectors.toSet());
    Set<String> now = Arrays.stream(Mutation.Kind.values()).map(Enum::name).collect(Collectors.toSet());
    assertEquals(earlier, now);
  }

  @Test
  @DisplayName("changes made now extend the chain an earlier release wrote, and the whole chain verifies")
  void newEntriesExtendTheOldChain() {
    try (ModelRegistry registry = open()) {
      registry.setAlias("fraud", "staging", 1);
      registry.setModelTag("fraud", "team", "fraud-ops");
      registry.deleteAlias("fraud", "staging");
      AuditChain.Verification v = registry.verifyAudit(goldenHead());
      assertTrue(v.valid(), v.problems().toString());
      assertEquals(40, v.entries());
      List<AuditEntry> all = registry.audit();
      assertEquals(goldenHead(), all.get(37).prevHash(), "the first new entry chains to the old head");
    }
  }
}
