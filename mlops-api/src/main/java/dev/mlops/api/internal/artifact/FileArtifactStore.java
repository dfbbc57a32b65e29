package dev.mlops.api.internal.artifact;

import dev.mlops.api.internal.Digests;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.artifact.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Artifacts as plain files: {@code ROOT/RUN_ID/files/PATH}, with the size and SHA-256 of each in
 * {@code ROOT/RUN_ID/meta/PATH.sha256} ("HEX SIZE"). A file is written to a temporary name, forced
 * to disk and renamed over the old one, so readers and crashes see the old file or the whole new
 * one. Symbolic links inside the root are never followed.
 */
public final class FileArtifactStore implements ArtifactStore {
  private static final String STAGING = ".staging";
  private final Path root;
  private final java.util.function.BooleanSupplier deleteOnClose;

  /**
   * A store rooted at {@code root}; on close, {@code deleteOnClose} is asked whether to remove the
   * root (the last backend of a {@code mem:} name does).
   */
  public FileArtifactStore(Path root, java.util.function.BooleanSupplier deleteOnClose) {
    this.root = root.toAbsolutePath().normalize();
    this.deleteOnClose = deleteOnClose;
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new StorageException("cannot create artifact root " + root + ": " + e.getMessage(), e);
    }
  }

  private Path files(String runId) {
    return root.resolve(Validation.id("run id", runId)).resolve("files");
  }

  private Path meta(String runId) {
    return root.resolve(runId).resolve("meta");
  }

  /** Resolves {@code rel} below {@code base}, refusing any existing symbolic link on the way. */
  private static Path resolveInside(Path base, String rel, String original) {
    Path p = base;
    if (!rel.isEmpty()) {
      for (String seg : rel.split("/")) {
        p = p.resolve(seg);
        if (Files.isSymbolicLink(p)) {
          throw InvalidArgumentException.of("artifact path", original, "passes through a symbolic link, which could lead outside the run's artifact root");
        }
      }
    }
    if (!p.normalize().startsWith(base)) {
      throw InvalidArgumentException.of("artifact path", original, "escapes the run's artifact root");
    }
    return p;
  }

  @Override
  public ArtifactInfo put(String runId, String path, InputStream content) {
    String rel = ArtifactPaths.normalize(path);
    Path base = files(runId);
    Path dest = resolveInside(base, rel, path);
    Path metaFile = resolveInside(meta(runId), rel + ".sha256", path);
    Path tmp = null;
    try {
      Files.createDirectories(dest.getParent());
      if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
        throw InvalidArgumentException.of("artifact path", path, "is an existing directory");
      }
      tmp = staging().resolve(UUID.randomUUID().toString());
      MessageDigest md = Digests.newSha256();
      long size = 0;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = content.read(buf)) > 0;) {
          md.update(buf, 0, n);
          out.write(buf, 0, n);
          size += n;
        }
        out.flush();
        ch.force(true);
      }
      String hex = Digests.hex(md);
      Files.createDirectories(metaFile.getParent());
      writeAtomically(metaFile, (hex + " " + size + "\n").getBytes(StandardCharsets.US_ASCII));
      move(tmp, dest);
      tmp = null;
      return new ArtifactInfo(rel, false, size, hex);
    } catch (IOException e) {
      throw new StorageException("cannot store artifact '" + rel + "' of run " + runId + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // best effort: a leftover in the staging directory is never listed
        }
      }
    }
  }

  /**
   * Where files are written before they are moved into place: beside the run directories, under a
   * name no run id can have (run ids start with a letter or digit), so internal names never
   * collide with a user's file names.
   */
  private Path staging() throws IOException {
    return Files.createDirectories(root.resolve(STAGING));
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = staging().resolve(UUID.randomUUID().toString());
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    move(tmp, target);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }



  @Override
  public List<ArtifactInfo> list(String runId, String dir) {
    String rel = ArtifactPaths.normalize(dir == null ? "" : dir, true);
    Path d = resolveInside(files(runId), rel, dir == null ? "" : dir);
    List<ArtifactInfo> out = new ArrayList<>();
    if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        String child = rel.isEmpty() ? name : rel + "/" + name;
        out.add(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? new ArtifactInfo(child, true, 0, "") : info(runId, child));
      }
    } catch (IOException e) {
      throw new StorageException("cannot list artifacts of run " + runId + ": " + e.getMessage(), e);
    }
    out.sort((a, b) -> a.path().compareTo(b.path()));
    return out;
  }

  /** The stored file at {@code path}, which must exist. */
  private Path existing(String runId, String rel, String path) {
    Path f = resolveInside(files(runId), rel, path);
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotFoundException("artifact '" + rel + "' of run " + runId + " does not exist");
    }
    return f;
  }

  @Override
  public InputStream open(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    Path f = existing(runId, rel, path);
    try {
      return Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new StorageException("cannot read artifact '" + rel + "': " + e.getMessage(), e);
    }
  }

  @Override
  public ArtifactInfo info(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    Path f = existing(runId, rel, path);
    try {
      long size = Files.size(f);
      Path m = resolveInside(meta(runId), rel + ".sha256", path);
      if (Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS)) {
        String[] parts = Files.readString(m, StandardCharsets.US_ASCII).trim().split(" ");
        if (parts.length == 2 && Long.parseLong(parts[1]) == size) {
          return new ArtifactInfo(rel, false, size, parts[0]);
        }
      }
      // metadata missing or stale (a crash between the two renames): recompute from the bytes
      MessageDigest md = Digests.newSha256();
      try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0;) {
          md.update(buf, 0, n);
        }
      }
      return new ArtifactInfo(rel, false, size, Digests.hex(md));
    } catch (IOException | NumberFormatException e) {
      throw new StorageException("cannot read artifact info of '" + rel + "': " + e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    Path f = resolveInside(files(runId), rel, path);
    try {
      boolean existed = Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(f);
      Files.deleteIfExists(resolveInside(meta(runId), rel + ".sha256", path));
      return existed;
    } catch (IOException e) {
      throw new StorageException("cannot delete artifact '" + rel + "' of run " + runId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void deleteAll(String runId) {
    deleteTree(root.resolve(Validation.id("run id", runId)));
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new StorageException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (deleteOnClose.getAsBoolean()) {
      deleteTree(root);
    }
  }
}
