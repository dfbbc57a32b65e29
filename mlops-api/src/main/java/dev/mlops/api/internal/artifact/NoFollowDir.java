package dev.mlops.api.internal.artifact;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An open directory whose entries are reached one name at a time without following symbolic links:
 * a name that is a link is refused as a folder ({@link LinkOnTheWay}) and opened as a file with
 * {@code NOFOLLOW_LINKS}. Where the platform offers a {@link SecureDirectoryStream} (Linux, macOS),
 * each name is opened relative to the directory already open ({@code openat} with {@code O_NOFOLLOW},
 * {@code renameat}, {@code unlinkat}), so a link swapped in while a call runs is refused too;
 * elsewhere each name is checked ({@code lstat}) just before it is used. Creating a folder goes by
 * path on every platform (there is no {@code mkdirat} in the JDK), so at worst it makes an empty folder
 * where a racing swap pointed; it is then opened like any other name.
 */
abstract class NoFollowDir implements Closeable {
  /** A name on the way is a symbolic link, which is never followed. */
  static final class LinkOnTheWay extends IOException {
    private static final long serialVersionUID = 1L;
    /** The link's path. */
    final Path link;

    LinkOnTheWay(Path link) {
      super(link + " is a symbolic link");
      this.link = link;
    }
  }

  /** The directory's path, for messages and for creating folders. */
  final Path path;

  private NoFollowDir(Path path) {
    this.path = path;
  }

  /**
   * Opens {@code dir}, following any link in its own path (the caller has resolved it to its real
   * path), with the platform's secure directory stream when {@code secure} and there is one.
   */
  static NoFollowDir open(Path dir, boolean secure) throws IOException {
    if (!secure) {
      return new Checked(dir);
    }
    DirectoryStream<Path> ds = Files.newDirectoryStream(dir);
    if (ds instanceof SecureDirectoryStream<Path> sds) {
      return new Secure(dir, sds);
    }
    ds.close();
    return new Checked(dir);
  }

  /**
   * The folder {@code name} in this one.
   *
   * @throws NoSuchFileException if there is none
   * @throws NotDirectoryException if it is a file
   * @throws LinkOnTheWay if it is a symbolic link
   */
  abstract NoFollowDir folder(String name) throws IOException;

  /** As {@link #folder(String)}, creating the folder when it is missing. */
  final NoFollowDir folderCreated(String name) throws IOException {
    try {
      return folder(name);
    } catch (NoSuchFileException e) {
      try {
        Files.createDirectory(path.resolve(name));
      } catch (FileAlreadyExistsException raced) {
        // another writer made it (or put a file or link there, which folder() refuses below)
      }
      return folder(name);
    }
  }

  /** The attributes of the entry {@code name} itself (a link is reported as a link), if there is one. */
  abstract Optional<BasicFileAttributes> entry(String name) throws IOException;

  /** Opens the file {@code name} with {@code options}; a link there is never followed. */
  abstract SeekableByteChannel channel(String name, Set<? extends OpenOption> options) throws IOException;

  /** The names of the entries, in no order. */
  abstract List<String> names() throws IOException;

  /** Removes the file or link {@code name}. */
  abstract void deleteFile(String name) throws IOException;

  /** Removes the empty folder {@code name}. */
  abstract void deleteFolder(String name) throws IOException;

  /** Renames {@code name} to {@code target}'s {@code targetName} atomically, replacing a file there. */
  abstract void moveTo(String name, NoFollowDir target, String targetName) throws IOException;

  /** Removes the entry {@code name} and, if it is a folder, everything in it; links are removed, never followed. */
  final void deleteTree(String name) throws IOException {
    Optional<BasicFileAttributes> a = entry(name);
    if (a.isEmpty()) {
      return;
    }
    if (a.get().isDirectory()) {
      try (NoFollowDir d = folder(name)) {
        for (String n : d.names()) {
          d.deleteTree(n);
        }
      }
      deleteFolder(name);
    } else {
      deleteFile(name);
    }
  }

  static Set<OpenOption> noFollow(Set<? extends OpenOption> options) {
    Set<OpenOption> o = new HashSet<>(options);
    o.add(LinkOption.NOFOLLOW_LINKS);
    return o;
  }

  /** The platform's secure directory stream: every name is resolved against the open directory. */
  private static final class Secure extends NoFollowDir {
    private final SecureDirectoryStream<Path> ds;

    Secure(Path path, SecureDirectoryStream<Path> ds) {
      super(path);
      this.ds = ds;
    }

    private Path name(String name) {
      return path.getFileSystem().getPath(name);
    }

    @Override
    NoFollowDir folder(String name) throws IOException {
      try {
        return new Secure(path.resolve(name), ds.newDirectoryStream(name(name), LinkOption.NOFOLLOW_LINKS));
      } catch (NoSuchFileException | NotDirectoryException e) {
        throw e;
      } catch (IOException e) {
        throw linkOr(name, e);
      }
    }

    /** The refusal to report when opening {@code name} failed: a link, or the failure itself. */
    private IOException linkOr(String name, IOException e) throws IOException {
      Optional<BasicFileAttributes> a = entry(name);
      if (a.isPresent() && a.get().isSymbolicLink()) {
        return new LinkOnTheWay(path.resolve(name));
      }
      if (a.isPresent() && !a.get().isDirectory() && !(e instanceof NotDirectoryException)) {
        return new NotDirectoryException(path.resolve(name).toString());
      }
      return e;
    }

    @Override
    Optional<BasicFileAttributes> entry(String name) throws IOException {
      try {
        return Optional.of(ds.getFileAttributeView(name(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes());
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }

    @Override
    SeekableByteChannel channel(String name, Set<? extends OpenOption> options) throws IOException {
      try {
        return ds.newByteChannel(name(name), noFollow(options));
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        throw e;
      } catch (IOException e) {
        throw linkOr(name, e);
      }
    }

    @Override
    List<String> names() {
      List<String> out = new ArrayList<>();
      for (Path p : ds) {
        out.add(p.getFileName().toString());
      }
      return out;
    }

    @Override
    void deleteFile(String name) throws IOException {
      ds.deleteFile(name(name));
    }

    @Override
    void deleteFolder(String name) throws IOException {
      ds.deleteDirectory(name(name));
    }

    @Override
    void moveTo(String name, NoFollowDir target, String targetName) throws IOException {
      ds.move(name(name), ((Secure) target).ds, name(targetName));
    }

    @Override
    public void close() throws IOException {
      ds.close();
    }
  }

  /** Paths checked one name at a time, where the platform has no secure directory stream. */
  private static final class Checked extends NoFollowDir {
    Checked(Path path) {
      super(path);
    }

    @Override
    NoFollowDir folder(String name) throws IOException {
      Path p = path.resolve(name);
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink()) {
        throw new LinkOnTheWay(p);
      }
      if (!a.isDirectory()) {
        throw new NotDirectoryException(p.toString());
      }
      return new Checked(p);
    }

    @Override
    Optional<BasicFileAttributes> entry(String name) throws IOException {
      try {
        return Optional.of(Files.readAttributes(path.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }

    @Override
    SeekableByteChannel channel(String name, Set<? extends OpenOption> options) throws IOException {
      return Files.newByteChannel(path.resolve(name), noFollow(options));
    }

    @Override
    List<String> names() throws IOException {
      List<String> out = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
        for (Path p : ds) {
          out.add(p.getFileName().toString());
        }
      }
      return out;
    }

    @Override
    void deleteFile(String name) throws IOException {
      Files.delete(path.resolve(name));
    }

    @Override
    void deleteFolder(String name) throws IOException {
      Files.delete(path.resolve(name));
    }

    @Override
    void moveTo(String name, NoFollowDir target, String targetName) throws IOException {
      Path from = path.resolve(name);
      Path to = target.path.resolve(targetName);
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    @Override
    public void close() {}
  }

  /** Closes {@code d} if there is one, for cleanup paths. */
  static void closeQuietly(@Nullable NoFollowDir d) {
    if (d != null) {
      try {
        d.close();
      } catch (IOException e) {
        // a directory handle that fails to close has nothing left to flush
      }
    }
  }
}
