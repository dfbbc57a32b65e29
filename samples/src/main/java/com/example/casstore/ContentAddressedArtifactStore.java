package com.example.casstore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.artifact.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A read-mostly artifact store written by a backend author against the public SPI only: file
 * contents are kept once each, by SHA-256, in immutable blobs ({@code blobs/SHA}); each run has an
 * index ({@code index/RUN.json}: path to digest and size) replaced atomically on every write. Reads
 * take no lock and, because blobs never change, a reader that opened a file keeps reading the whole
 * old file even if the path is replaced meanwhile. Writes of one store are serialized. Identical
 * files (a model logged by many runs) take their space once. Deleting a path drops it from the
 * index; blobs are kept (this store favours reads and deduplication over reclaiming space).
 */
public final class ContentAddressedArtifactStore implements ArtifactStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, Entry>> INDEX = new TypeReference<>() {};

  private final Path root;
  private final Object writeLock = new Object();

  /** An index entry. */
  record Entry(String sha256, long size) {}

  /** A store in {@code root} (created if absent). */
  public ContentAddressedArtifactStore(Path root) {
    this.root = root;
    try {
      Files.createDirectories(root.resolve("blobs"));
      Files.createDirectories(root.resolve("index"));
      Files.createDirectories(root.resolve("tmp"));
    } catch (IOException e) {
      throw new StorageException("cannot create content-addressed store in " + root + ": " + e.getMessage(), e);
    }
  }

  private Path indexFile(String runId) {
    return root.resolve("index").resolve(checkRunId(runId) + ".json");
  }

  /** Run ids become file names here: letters, digits, '_' and '-' only. */
  private static String checkRunId(String runId) {
    if (runId == null || !runId.matches("[a-zA-Z0-9][\\w-]{0,255}")) {
      throw InvalidArgumentException.of("run id", runId, "must match [a-zA-Z0-9][\\w-]{0,255}");
    }
    return runId;
  }

  private TreeMap<String, Entry> index(String runId) {
    Path f = indexFile(runId);
    if (!Files.exists(f)) {
      return new TreeMap<>();
    }
    try {
      return JSON.readValue(f.toFile(), INDEX);
    } catch (IOException e) {
      throw new StorageException("cannot read the artifact index of run " + runId + ": " + e.getMessage(), e);
    }
  }

  private void writeIndex(String runId, Map<String, Entry> index) throws IOException {
    Path tmp = root.resolve("tmp").resolve(UUID.randomUUID() + ".json");
    JSON.writeValue(tmp.toFile(), index);
    move(tmp, indexFile(runId));
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public ArtifactInfo put(String runId, String path, InputStream content) {
    checkRunId(runId);
    String rel = ArtifactPaths.normalize(path);
    Path tmp = root.resolve("tmp").resolve(UUID.randomUUID().toString());
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      long size;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
        size = content.transferTo(out);
      }
      String sha = HexFormat.of().formatHex(md.digest());
      Path blob = root.resolve("blobs").resolve(sha);
      try {
        Files.move(tmp, blob, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        Files.delete(tmp);
      }
      if (Files.exists(tmp)) {
        // a file system that moved over an existing blob without an error: the content is the same
        Files.delete(tmp);
      }
      synchronized (writeLock) {
        TreeMap<String, Entry> index = index(runId);
        if (!index.subMap(rel + "/", rel + "0").isEmpty()) {
          throw InvalidArgumentException.of("artifact path", path, "is an existing directory");
        }
        for (String parent = parentOf(rel); !parent.isEmpty(); parent = parentOf(parent)) {
          if (index.containsKey(parent)) {
            throw InvalidArgumentException.of("artifact path", path, "is below '" + parent + "', which is a file");
          }
        }
        index.put(rel, new Entry(sha, size));
        writeIndex(runId, index);
      }
      return new ArtifactInfo(rel, false, size, sha);
    } catch (IOException e) {
      throw new StorageException("cannot store artifact '" + rel + "' of run " + runId + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a leftover in tmp/ is never listed
      }
    }
  }

  private static String parentOf(String rel) {
    int slash = rel.lastIndexOf('/');
    return slash < 0 ? "" : rel.substring(0, slash);
  }

  @Override
  public List<ArtifactInfo> list(String runId, String dir) {
    String rel = ArtifactPaths.normalize(dir == null ? "" : dir, true);
    String prefix = rel.isEmpty() ? "" : rel + "/";
    TreeMap<String, ArtifactInfo> out = new TreeMap<>();
    for (Map.Entry<String, Entry> e : index(runId).entrySet()) {
      String p = e.getKey();
      if (!p.startsWith(prefix)) {
        continue;
      }
      String rest = p.substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        out.put(p, new ArtifactInfo(p, false, e.getValue().size(), e.getValue().sha256()));
      } else {
        String d = prefix + rest.substring(0, slash);
        out.putIfAbsent(d, new ArtifactInfo(d, true, 0, ""));
      }
    }
    return new ArrayList<>(out.values());
  }

  private Entry entry(String runId, String rel) {
    Entry e = index(runId).get(rel);
    if (e == null) {
      throw new NotFoundException("artifact '" + rel + "' of run " + runId + " does not exist");
    }
    return e;
  }

  @Override
  public InputStream open(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    Entry e = entry(runId, rel);
    try {
      return Files.newInputStream(root.resolve("blobs").resolve(e.sha256()));
    } catch (IOException ex) {
      throw new StorageException("cannot read artifact '" + rel + "': " + ex.getMessage(), ex);
    }
  }

  @Override
  public ArtifactInfo info(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    Entry e = entry(runId, rel);
    return new ArtifactInfo(rel, false, e.size(), e.sha256());
  }

  @Override
  public boolean delete(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    synchronized (writeLock) {
      TreeMap<String, Entry> index = index(runId);
      if (index.remove(rel) == null) {
        return false;
      }
      try {
        writeIndex(runId, index);
      } catch (IOException e) {
        throw new StorageException("cannot delete artifact '" + rel + "': " + e.getMessage(), e);
      }
      return true;
    }
  }

  @Override
  public void deleteAll(String runId) {
    synchronized (writeLock) {
      try {
        Files.deleteIfExists(indexFile(runId));
      } catch (IOException e) {
        throw new StorageException("cannot delete the artifacts of run " + runId + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    // nothing held open between calls
  }
}
