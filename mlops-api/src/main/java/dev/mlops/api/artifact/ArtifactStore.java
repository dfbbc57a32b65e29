package dev.mlops.api.artifact;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import java.io.InputStream;
import java.util.List;

/**
 * The storage SPI of artifact bytes, per run. Content is streamed both ways (a 1 GB artifact does
 * not need 1 GB of heap); each file's SHA-256 and size are computed while it is written and kept.
 * A write is atomic: readers see the old file or the whole new one. Paths are relative, '/'
 * separated, and validated with {@link ArtifactPaths#normalize(String)} before anything is written.
 *
 * <p>Implementations pass {@code dev.mlops.testkit.ArtifactStoreContract}.
 */
public interface ArtifactStore extends AutoCloseable {

  /**
   * Stores {@code content} at {@code path} under the run's artifact root, replacing a file there.
   *
   * @return the stored file's info with its size and digest
   * @throws InvalidArgumentException if the path is empty, absolute or escapes the root
   */
  ArtifactInfo put(String runId, String path, InputStream content);

  /**
   * Lists the direct children of {@code dir} ("" for the root), directories included, sorted by path.
   */
  List<ArtifactInfo> list(String runId, String dir);

  /**
   * Opens a stored file for reading; the caller closes the stream.
   *
   * @throws NotFoundException if there is no such file
   */
  InputStream open(String runId, String path);

  /** The info of one stored file. @throws NotFoundException if there is no such file */
  ArtifactInfo info(String runId, String path);

  /**
   * Deletes one stored file, atomically (readers see the whole file or none).
   *
   * @return whether a file was there
   */
  boolean delete(String runId, String path);

  /** Deletes every artifact of a run (used when a run is purged). */
  void deleteAll(String runId);

  @Override
  void close();
}
