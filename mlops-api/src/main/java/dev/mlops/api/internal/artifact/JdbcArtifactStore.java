package dev.mlops.api.internal.artifact;

import dev.mlops.api.internal.Digests;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.internal.jdbc.Migration;
import dev.mlops.api.internal.jdbc.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Artifacts inside PostgreSQL, for deployments where the JVMs share a database but no file system.
 * Files are streamed in chunks of 1 MiB; each write is a new generation, made visible in the same
 * transaction that removes the old one, so readers see the old file or the whole new one.
 */
public final class JdbcArtifactStore implements ArtifactStore {
  static final int CHUNK = 1 << 20;
  /** How long the bytes of a replaced file stay readable for streams opened before the replacement. */
  static final long GRACE_MS = 10 * 60_000L;
  private static final Logger LOG = LoggerFactory.getLogger(JdbcArtifactStore.class);
  static final List<Migration> MIGRATIONS = List.of(new Migration(1, "artifact tables", List.of(
      "CREATE TABLE artifact_files (run_id TEXT NOT NULL, path TEXT NOT NULL, generation TEXT NOT NULL, size {BIGINT} NOT NULL,"
          + " sha256 TEXT NOT NULL, PRIMARY KEY (run_id, path))",
      "CREATE TABLE artifact_chunks (generation TEXT NOT NULL, seq INTEGER NOT NULL, data {BLOB} NOT NULL, PRIMARY KEY (generation, seq))")),
      new Migration(2, "replaced generations kept for open readers", List.of(
          "CREATE TABLE artifact_garbage (generation TEXT PRIMARY KEY, since {BIGINT} NOT NULL)")));

  private final Database db;

  /** Opens the store, applying its schema migrations. */
  public JdbcArtifactStore(Database db) {
    this.db = db;
    db.migrate("artifacts", MIGRATIONS);
  }

  /**
   * Stages the bytes first, one chunk per short transaction under a new generation that nothing
   * refers to yet (the caller's stream is read exactly once, outside any retried transaction), then
   * points the path at the new generation in one short transaction. The replaced generation is
   * kept for {@link #GRACE_MS} so that readers that opened it can finish; later puts collect it.
   */
  @Override
  public ArtifactInfo put(String runId, String path, InputStream content) {
    Validation.id("run id", runId);
    String rel = ArtifactPaths.normalize(path);
    String generation = UUID.randomUUID().toString();
    MessageDigest md = Digests.newSha256();
    long size = 0;
    boolean committed = false;
    try {
      byte[] buf = new byte[CHUNK];
      int seq = 0;
      while (true) {
        int n;
        try {
          n = content.readNBytes(buf, 0, CHUNK);
        } catch (IOException e) {
          throw new StorageException("cannot read the content of artifact '" + rel + "': " + e.getMessage(), e);
        }
        if (n <= 0 && seq > 0) {
          break;
        }
        md.update(buf, 0, Math.max(n, 0));
        size += Math.max(n, 0);
        byte[] chunk = Arrays.copyOf(buf, Math.max(n, 0));
        int chunkSeq = seq++;
        db.transaction(c -> Sql.update(c, "INSERT INTO artifact_chunks (generation, seq, data) VALUES (?, ?, ?)", generation, chunkSeq, chunk));
        if (n < CHUNK) {
          break;
        }
      }
      String hex = Digests.hex(md);
      long total = size;
      ArtifactInfo info = db.transaction(c -> {
        if (Sql.first(c, "SELECT 1 FROM artifact_files WHERE run_id = ? AND path LIKE ? LIMIT 1", rs -> 1, runId,
            rel.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%").isPresent()) {
          throw InvalidArgumentException.of("artifact path", path, "is an existing directory");
        }
        // FOR UPDATE: a concurrent put of the same path waits and then sees this one's generation as the one it replaces
        Optional<String> old = Sql.first(c, "SELECT generation FROM artifact_files WHERE run_id = ? AND path = ?"
            + (db.dialect() == Dialect.POSTGRES ? " FOR UPDATE" : ""), rs -> rs.getString(1), runId, rel);
        Sql.update(c, "INSERT INTO artifact_files (run_id, path, generation, size, sha256) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (run_id, path) DO UPDATE SET generation = excluded.generation, size = excluded.size, sha256 = excluded.sha256",
            runId, rel, generation, total, hex);
        if (old.isPresent()) {
          Sql.update(c, "INSERT INTO artifact_garbage (generation, since) VALUES (?, ?) ON CONFLICT (generation) DO NOTHING", old.get(), System.currentTimeMillis());
        }
        return new ArtifactInfo(rel, false, total, hex);
      });
      committed = true;
      collectGarbage();
      return info;
    } finally {
      if (!committed) {
        try {
          db.transaction(c -> Sql.update(c, "DELETE FROM artifact_chunks WHERE generation = ?", generation));
        } catch (RuntimeException e) {
          LOG.warn("could not remove the staged chunks of a failed artifact write ({}): {}", generation, e.getMessage());
        }
      }
    }
  }

  /** Removes the chunks of generations replaced more than {@link #GRACE_MS} ago. */
  private void collectGarbage() {
    long before = System.currentTimeMillis() - GRACE_MS;
    try {
      db.transaction(c -> {
        Sql.update(c, "DELETE FROM artifact_chunks WHERE generation IN (SELECT generation FROM artifact_garbage WHERE since < ?)", before);
        return Sql.update(c, "DELETE FROM artifact_garbage WHERE since < ?", before);
      });
    } catch (RuntimeException e) {
      LOG.debug("artifact garbage collection failed: {}", e.getMessage());
    }
  }

  @Override
  public List<ArtifactInfo> list(String runId, String dir) {
    Validation.id("run id", runId);
    String rel = ArtifactPaths.normalize(dir == null ? "" : dir, true);
    String prefix = rel.isEmpty() ? "" : rel + "/";
    return db.read(c -> {
      TreeMap<String, ArtifactInfo> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT path, size, sha256 FROM artifact_files WHERE run_id = ? ORDER BY path")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String p = rs.getString(1);
            if (!p.startsWith(prefix)) {
              continue;
            }
            String rest = p.substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
              out.put(p, new ArtifactInfo(p, false, rs.getLong(2), rs.getString(3)));
            } else {
              String d = prefix + rest.substring(0, slash);
              out.putIfAbsent(d, new ArtifactInfo(d, true, 0, ""));
            }
          }
        }
      }
      return new ArrayList<>(out.values());
    });
  }

  @Override
  public ArtifactInfo info(String runId, String path) {
    Validation.id("run id", runId);
    String rel = ArtifactPaths.normalize(path);
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT size, sha256 FROM artifact_files WHERE run_id = ? AND path = ?")) {
        ps.setString(1, runId);
        ps.setString(2, rel);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NotFoundException("artifact '" + rel + "' of run " + runId + " does not exist");
          }
          return new ArtifactInfo(rel, false, rs.getLong(1), rs.getString(2));
        }
      }
    });
  }

  @Override
  public InputStream open(String runId, String path) {
    Validation.id("run id", runId);
    String rel = ArtifactPaths.normalize(path);
    String[] found = db.read(c -> Sql.first(c, "SELECT generation, size FROM artifact_files WHERE run_id = ? AND path = ?",
        rs -> new String[] {rs.getString(1), Long.toString(rs.getLong(2))}, runId, rel)
        .orElseThrow(() -> new NotFoundException("artifact '" + rel + "' of run " + runId + " does not exist")));
    String generation = found[0];
    long expectedSize = Long.parseLong(found[1]);
    return new InputStream() {
      private byte[] chunk = new byte[0];
      private int pos;
      private int seq;
      private long delivered;
      private boolean eof;

      private boolean fill() throws IOException {
        if (eof) {
          return false;
        }
        while (pos >= chunk.length) {
          byte[] next = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM artifact_chunks WHERE generation = ? AND seq = ?")) {
              ps.setString(1, generation);
              ps.setInt(2, seq);
              try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
              }
            }
          });
          if (next == null) {
            if (delivered != expectedSize) {
              throw new IOException("artifact '" + rel + "' of run " + runId + " ended after " + delivered + " of " + expectedSize
                  + " bytes: its bytes were removed while it was read");
            }
            eof = true;
            return false;
          }
          seq++;
          chunk = next;
          pos = 0;
        }
        return true;
      }

      @Override
      public int read() throws IOException {
        if (!fill()) {
          return -1;
        }
        delivered++;
        return chunk[pos++] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        delivered += n;
        return n;
      }
    };
  }

  @Override
  public boolean delete(String runId, String path) {
    Validation.id("run id", runId);
    String rel = ArtifactPaths.normalize(path);
    return db.transaction(c -> {
      Sql.update(c, "DELETE FROM artifact_chunks WHERE generation IN (SELECT generation FROM artifact_files WHERE run_id = ? AND path = ?)",
          runId, rel);
      return Sql.update(c, "DELETE FROM artifact_files WHERE run_id = ? AND path = ?", runId, rel) > 0;
    });
  }

  @Override
  public void deleteAll(String runId) {
    Validation.id("run id", runId);
    db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM artifact_chunks WHERE generation IN (SELECT generation FROM artifact_files WHERE run_id = ?)");
          PreparedStatement files = c.prepareStatement("DELETE FROM artifact_files WHERE run_id = ?")) {
        ps.setString(1, runId);
        ps.executeUpdate();
        files.setString(1, runId);
        files.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void close() {
    // the database belongs to the backend
  }
}
