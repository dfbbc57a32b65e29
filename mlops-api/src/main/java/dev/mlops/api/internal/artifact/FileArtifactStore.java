package dev.mlops.api.internal.artifact;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.internal.Digests;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.internal.artifact.NoFollowDir.LinkOnTheWay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Artifacts as plain files: {@code ROOT/RUN_ID/files/PATH}, with the size and SHA-256 of each in
 * {@code ROOT/RUN_ID/meta/PATH.sha256} ("HEX SIZE"). A file is written to a temporary name, forced
 * to disk and renamed over the old one, so readers and crashes see the old file or the whole new
 * one.
 *
 * <p>No symbolic link at or below {@code ROOT} is ever followed, whether it points outside the
 * store or inside it: every call walks from the folder holding {@code ROOT} down one name at a time
 * ({@link NoFollowDir}), and refuses with an {@link InvalidArgumentException} naming the link when
 * {@code ROOT} itself, a run's folder, its {@code files/} or {@code meta/}, or a folder of the
 * artifact path is a link; the staging folder being a link is a {@link StorageException}. A link in
 * place of a file is not an artifact: it is not listed, opening it is "not found", and a put replaces
 * the link itself. Purging a run removes links as entries, never their targets. The folder holding
 * {@code ROOT} (the {@code file:} store's directory) is taken at its real path when the store opens,
 * so the store may be reached through links above it.
 */
public final class FileArtifactStore implements ArtifactStore {
  private static final String STAGING = ".staging";
  private static final String FILES = "files";
  private static final String META = "meta";
  private static final String DIGEST_SUFFIX = ".sha256";
  private final Path home;
  private final String rootName;
  private final BooleanSupplier deleteOnClose;
  private final boolean secureStreams;

  /**
   * A store rooted at {@code root} (created if missing); on close, {@code deleteOnClose} is asked
   * whether to remove the root (the last backend of a {@code mem:} name does).
   */
  public FileArtifactStore(Path root, BooleanSupplier deleteOnClose) {
    this(root, deleteOnClose, true);
  }

  /** As above; without {@code secureStreams}, names are checked one by one even where the platform could open them securely. */
  FileArtifactStore(Path root, BooleanSupplier deleteOnClose, boolean secureStreams) {
    this.secureStreams = secureStreams;
    Path abs = root.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || abs.getFileName() == null) {
      throw InvalidArgumentException.of("artifact root", root, "must be a folder below a file system root");
    }
    this.rootName = abs.getFileName().toString();
    this.deleteOnClose = deleteOnClose;
    try {
      Files.createDirectories(parent);
      this.home = parent.toRealPath();
      try (NoFollowDir h = NoFollowDir.open(home, secureStreams)) {
        h.folderCreated(rootName).close();
      } catch (LinkOnTheWay e) {
        // every call refuses it, naming the link
      }
    } catch (IOException e) {
      throw new StorageException("cannot create artifact root " + root + ": " + e.getMessage(), e);
    }
  }

  private Path root() {
    return home.resolve(rootName);
  }

  /** The names from the store's folder down to a run's {@code area} folder and then {@code folders}. */
  private List<String> chain(String runId, String area, List<String> folders) {
    List<String> names = new ArrayList<>(folders.size() + 3);
    names.add(rootName);
    names.add(Validation.id("run id", runId));
    names.add(area);
    names.addAll(folders);
    return names;
  }

  /** A path's folders and its file name. */
  private record Split(List<String> folders, String name) {
    static Split of(String rel) {
      String[] segs = rel.split("/");
      return new Split(Arrays.asList(segs).subList(0, segs.length - 1), segs[segs.length - 1]);
    }
  }

  /** Opens the folder at the end of {@code names}, creating missing folders when asked. */
  private NoFollowDir walk(List<String> names, boolean create) throws IOException {
    NoFollowDir d = NoFollowDir.open(home, secureStreams);
    try {
      for (String n : names) {
        NoFollowDir next = create ? d.folderCreated(n) : d.folder(n);
        d.close();
        d = next;
      }
      return d;
    } catch (IOException | RuntimeException e) {
      NoFollowDir.closeQuietly(d);
      throw e;
    }
  }

  /** As {@link #walk(List, boolean)} without creating; null when a folder is missing or is a file. */
  private @Nullable NoFollowDir existing(List<String> names) throws IOException {
    try {
      return walk(names, false);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return null;
    }
  }

  private InvalidArgumentException throughLink(LinkOnTheWay e, String runId, String path) {
    return InvalidArgumentException.of("artifact path", path, "of run " + runId + " passes through the symbolic link " + e.link
        + ", and the artifact store follows no link below " + root());
  }

  @Override
  public ArtifactInfo put(String runId, String path, InputStream content) {
    String rel = ArtifactPaths.normalize(path);
    Split p = Split.of(rel);
    List<String> fileFolders = chain(runId, FILES, p.folders());
    List<String> metaFolders = chain(runId, META, p.folders());
    String metaName = p.name() + DIGEST_SUFFIX;
    NoFollowDir staging = null;
    String tmp = null;
    String tmpMeta = null;
    try {
      // a link or a file where a folder is needed is refused before anything is written
      probe(fileFolders, p.name(), path);
      probe(metaFolders, metaName, path);
      try {
        staging = walk(List.of(rootName, STAGING), true);
      } catch (LinkOnTheWay e) {
        throw new StorageException("cannot store artifact '" + rel + "' of run " + runId + ": the staging folder " + e.link
            + " is a symbolic link, and the artifact store follows no link below " + root());
      }
      tmp = UUID.randomUUID().toString();
      MessageDigest md = Digests.newSha256();
      long size = 0;
      try (SeekableByteChannel ch = staging.channel(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
          OutputStream out = Channels.newOutputStream(ch)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = content.read(buf)) > 0;) {
          md.update(buf, 0, n);
          out.write(buf, 0, n);
          size += n;
        }
        out.flush();
        force(ch);
      }
      String hex = Digests.hex(md);
      tmpMeta = UUID.randomUUID().toString();
      try (SeekableByteChannel ch = staging.channel(tmpMeta, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
        ch.write(ByteBuffer.wrap((hex + " " + size + "\n").getBytes(StandardCharsets.US_ASCII)));
        force(ch);
      }
      try (NoFollowDir meta = walk(metaFolders, true)) {
        staging.moveTo(tmpMeta, meta, metaName);
        tmpMeta = null;
      }
      try (NoFollowDir files = walk(fileFolders, true)) {
        staging.moveTo(tmp, files, p.name());
        tmp = null;
      }
      return new ArtifactInfo(rel, false, size, hex);
    } catch (LinkOnTheWay e) {
      throw throughLink(e, runId, path);
    } catch (NotDirectoryException e) {
      throw InvalidArgumentException.of("artifact path", path, "needs a folder where run " + runId + " has a stored file (" + e.getFile() + ")");
    } catch (IOException e) {
      throw new StorageException("cannot store artifact '" + rel + "' of run " + runId + ": " + e.getMessage(), e);
    } finally {
      if (staging != null) {
        for (String leftover : new String[] {tmp, tmpMeta}) {
          if (leftover != null) {
            try {
              staging.deleteFile(leftover);
            } catch (IOException e) {
              // best effort: a leftover in the staging folder is never listed
            }
          }
        }
        NoFollowDir.closeQuietly(staging);
      }
    }
  }

  private static void force(SeekableByteChannel ch) throws IOException {
    if (ch instanceof FileChannel fc) {
      fc.force(true);
    }
  }

  /**
   * Walks the folders that exist of {@code folders}, refusing a link or a file among them, and
   * refuses a folder in place of the file {@code name}.
   */
  private void probe(List<String> folders, String name, String path) throws IOException {
    NoFollowDir d = NoFollowDir.open(home, secureStreams);
    try {
      for (String n : folders) {
        NoFollowDir next;
        try {
          next = d.folder(n);
        } catch (NoSuchFileException e) {
          return;
        }
        d.close();
        d = next;
      }
      Optional<BasicFileAttributes> a = d.entry(name);
      if (a.isPresent() && a.get().isDirectory()) {
        throw InvalidArgumentException.of("artifact path", path, "is an existing directory");
      }
    } finally {
      NoFollowDir.closeQuietly(d);
    }
  }

  @Override
  public List<ArtifactInfo> list(String runId, String dir) {
    String path = dir == null ? "" : dir;
    String rel = ArtifactPaths.normalize(path, true);
    List<String> folders = rel.isEmpty() ? List.of() : List.of(rel.split("/"));
    List<ArtifactInfo> out = new ArrayList<>();
    try (NoFollowDir files = existing(chain(runId, FILES, folders))) {
      if (files == null) {
        return out;
      }
      try (NoFollowDir meta = existing(chain(runId, META, folders))) {
        for (String name : files.names()) {
          Optional<BasicFileAttributes> a = files.entry(name);
          String child = rel.isEmpty() ? name : rel + "/" + name;
          if (a.isEmpty() || a.get().isSymbolicLink()) {
            continue;
          }
          if (a.get().isDirectory()) {
            out.add(new ArtifactInfo(child, true, 0, ""));
          } else if (a.get().isRegularFile()) {
            out.add(fileInfo(files, meta, name, child, a.get().size()));
          }
        }
      }
    } catch (LinkOnTheWay e) {
      throw throughLink(e, runId, path);
    } catch (IOException e) {
      throw new StorageException("cannot list artifacts of run " + runId + ": " + e.getMessage(), e);
    }
    out.sort((a, b) -> a.path().compareTo(b.path()));
    return out;
  }

  /** The size and digest of the stored file {@code name}: from its checksum file when that matches the size, else from the bytes. */
  private static ArtifactInfo fileInfo(NoFollowDir files, @Nullable NoFollowDir meta, String name, String rel, long size) throws IOException {
    if (meta != null && meta.entry(name + DIGEST_SUFFIX).map(BasicFileAttributes::isRegularFile).orElse(false)) {
      try (InputStream in = Channels.newInputStream(meta.channel(name + DIGEST_SUFFIX, Set.of(StandardOpenOption.READ)))) {
        String[] parts = new String(in.readNBytes(200), StandardCharsets.US_ASCII).trim().split(" ");
        if (parts.length == 2 && parts[1].equals(Long.toString(size))) {
          return new ArtifactInfo(rel, false, size, parts[0]);
        }
      }
    }
    // checksum missing or stale (a crash between the two renames): recompute from the bytes
    MessageDigest md = Digests.newSha256();
    try (InputStream in = Channels.newInputStream(files.channel(name, Set.of(StandardOpenOption.READ)))) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0;) {
        md.update(buf, 0, n);
      }
    }
    return new ArtifactInfo(rel, false, size, Digests.hex(md));
  }

  /** The attributes of the stored file {@code name} in {@code files}, which must be a regular file (a link is not). */
  private static BasicFileAttributes storedFile(@Nullable NoFollowDir files, String name, String runId, String rel) throws IOException {
    Optional<BasicFileAttributes> a = files == null ? Optional.empty() : files.entry(name);
    if (a.isEmpty() || !a.get().isRegularFile()) {
      throw new NotFoundException("artifact '" + rel + "' of run " + runId + " does not exist");
    }
    return a.get();
  }

  @Override
  public InputStream open(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    Split p = Split.of(rel);
    try (NoFollowDir files = existing(chain(runId, FILES, p.folders()))) {
      storedFile(files, p.name(), runId, rel);
      return Channels.newInputStream(files.channel(p.name(), Set.of(StandardOpenOption.READ)));
    } catch (LinkOnTheWay e) {
      throw throughLink(e, runId, path);
    } catch (IOException e) {
      throw new StorageException("cannot read artifact '" + rel + "': " + e.getMessage(), e);
    }
  }

  @Override
  public ArtifactInfo info(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    Split p = Split.of(rel);
    try (NoFollowDir files = existing(chain(runId, FILES, p.folders()))) {
      long size = storedFile(files, p.name(), runId, rel).size();
      try (NoFollowDir meta = existing(chain(runId, META, p.folders()))) {
        return fileInfo(files, meta, p.name(), rel, size);
      }
    } catch (LinkOnTheWay e) {
      throw throughLink(e, runId, path);
    } catch (IOException e) {
      throw new StorageException("cannot read artifact info of '" + rel + "': " + e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(String runId, String path) {
    String rel = ArtifactPaths.normalize(path);
    Split p = Split.of(rel);
    // both folders are reached (or refused) before anything is deleted
    try (NoFollowDir files = existing(chain(runId, FILES, p.folders())); NoFollowDir meta = existing(chain(runId, META, p.folders()))) {
      boolean existed = false;
      if (files != null && files.entry(p.name()).map(BasicFileAttributes::isRegularFile).orElse(false)) {
        files.deleteFile(p.name());
        existed = true;
      }
      if (meta != null && meta.entry(p.name() + DIGEST_SUFFIX).isPresent()) {
        meta.deleteFile(p.name() + DIGEST_SUFFIX);
      }
      return existed;
    } catch (LinkOnTheWay e) {
      throw throughLink(e, runId, path);
    } catch (IOException e) {
      throw new StorageException("cannot delete artifact '" + rel + "' of run " + runId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void deleteAll(String runId) {
    Validation.id("run id", runId);
    try (NoFollowDir r = existing(List.of(rootName))) {
      if (r != null) {
        r.deleteTree(runId);
      }
    } catch (LinkOnTheWay e) {
      throw InvalidArgumentException.of("run id", runId, "has its artifacts below the symbolic link " + e.link
          + ", and the artifact store follows no link below " + root());
    } catch (IOException e) {
      throw new StorageException("cannot delete the artifacts of run " + runId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (deleteOnClose.getAsBoolean()) {
      try (NoFollowDir h = NoFollowDir.open(home, secureStreams)) {
        h.deleteTree(rootName);
      } catch (IOException e) {
        throw new StorageException("cannot delete " + root() + ": " + e.getMessage(), e);
      }
    }
  }
}
