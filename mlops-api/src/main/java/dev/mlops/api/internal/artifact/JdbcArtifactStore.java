package dev.mlops.api.internal.artifact;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageException;
import dev.mlops.api.Validation;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Migration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
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
  static final List<Migration> MIGRATIONS = List.of(new Migration(1, "artifact tables", List.of(
      "CREATE TABLE artifact_files (run_id TEXT NOT NULL, path TEXT NOT NULL, generation TEXT NOT NULL, size {BIGINT} NOT NULL,"
          + " sha256 TEXT NOT NULL, PRIMARY KEY (run_id, path))",
      "CREATE TABLE artifact_chunks (generation TEXT NOT NULL, seq INTEGER NOT NULL, data {BLOB} NOT NULL, PRIMARY KEY (generation, seq))")));

  private final Database db;

  /** Opens the store, applying its schema migrations. */
  public JdbcArtifactStore(Database db) {
    this.db = db;
    db.migrate("artifacts", MIGRATIONS);
  }

  @Override
  public ArtifactInfo put(String runId, String path, InputStream content) {
    Validation.id("run id", runId);
    String rel = ArtifactPaths.normalize(path);
    String generation = UUID.randomUUID().toString();
    return db.transaction(c -> {
      try (PreparedStatement dir = c.prepareStatement("SELECT 1 FROM artifact_files WHERE run_id = ? AND path LIKE ? LIMIT 1")) {
        dir.setString(1, runId);
        dir.setString(2, rel.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%");
        try (ResultSet rs = dir.executeQuery()) {
          if (rs.next()) {
            throw InvalidArgumentException.of("artifact path", path, "is an existing directory");
          }
        }
      }
      MessageDigest md;
      try {
        md = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      long size = 0;
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO artifact_chunks (generation, seq, data) VALUES (?, ?, ?)")) {
        byte[] buf = new byte[CHUNK];
        int seq = 0;
        while (true) {
          int n = content.readNBytes(buf, 0, CHUNK);
          if (n <= 0) {
            break;
          }
          md.update(buf, 0, n);
          size += n;
          ins.setString(1, generation);
          ins.setInt(2, seq++);
          ins.setBytes(3, n == CHUNK ? buf : java.util.Arrays.copyOf(buf, n));
          ins.executeUpdate();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String hex = HexFormat.of().formatHex(md.digest());
      String old = null;
      try (PreparedStatement sel = c.prepareStatement("SELECT generation FROM artifact_files WHERE run_id = ? AND path = ?")) {
        sel.setString(1, runId);
        sel.setString(2, rel);
        try (ResultSet rs = sel.executeQuery()) {
          if (rs.next()) {
            old = rs.getString(1);
          }
        }
      }
      try (PreparedStatement up = c.prepareStatement("INSERT INTO artifact_files (run_id, path, generation, size, sha256) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (run_id, path) DO UPDATE SET generation = excluded.generation, size = excluded.size, sha256 = excluded.sha256")) {
        up.setString(1, runId);
        up.setString(2, rel);
        up.setString(3, generation);
        up.setLong(4, size);
        up.setString(5, hex);
        up.executeUpdate();
      }
      if (old != null) {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM artifact_chunks WHERE generation = ?")) {
          del.setString(1, old);
          del.executeUpdate();
        }
      }
      return new ArtifactInfo(rel, false, size, hex);
    });
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
    String generation = db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT generation FROM artifact_files WHERE run_id = ? AND path = ?")) {
        ps.setString(1, runId);
        ps.setString(2, rel);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NotFoundException("artifact '" + rel + "' of run " + runId + " does not exist");
          }
          return rs.getString(1);
        }
      }
    });
    return new InputStream() {
      private byte[] chunk = new byte[0];
      private int pos;
      private int seq;
      private boolean eof;

      private boolean fill() {
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
      public int read() {
        return fill() ? chunk[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
      }
    };
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
