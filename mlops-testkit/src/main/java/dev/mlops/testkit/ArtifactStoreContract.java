package dev.mlops.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract every {@link ArtifactStore} must meet; extend it and return a fresh store from {@link #newStore()}. */
public abstract class ArtifactStoreContract extends StoreContract<ArtifactStore> {
  /** For subclasses: one per backend under test. */
  protected ArtifactStoreContract() {}

  /** The run id the artifacts are stored under. */
  protected static final String RUN = "0123456789abcdef0123456789abcdef";

  /** The lower-case hex SHA-256 of the bytes. */
  protected static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** The UTF-8 bytes of {@code s} as a stream. */
  protected static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Nested
  @DisplayName("files")
  class Files {
    @Test
    @DisplayName("round-trip with size and SHA-256, and are replaced whole")
    void roundTrip() throws Exception {
      byte[] body = "hello artifacts".getBytes(StandardCharsets.UTF_8);
      ArtifactInfo info = store.put(RUN, "model/notes.txt", new ByteArrayInputStream(body));
      assertEquals(new ArtifactInfo("model/notes.txt", false, body.length, sha256(body)), info);
      assertEquals(info, store.info(RUN, "model/notes.txt"));
      try (InputStream in = store.open(RUN, "model/notes.txt")) {
        assertArrayEquals(body, in.readAllBytes());
      }
      store.put(RUN, "model/notes.txt", text("v2"));
      try (InputStream in = store.open(RUN, "./model//notes.txt")) {
        assertEquals("v2", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }

    @Test
    @DisplayName("a stream opened before the file is replaced reads the whole old file")
    void readerSeesOldOrNewWhole() throws Exception {
      byte[] old = new byte[5 * (1 << 20) + 123];
      new java.util.Random(1).nextBytes(old);
      store.put(RUN, "big.bin", new ByteArrayInputStream(old));
      try (InputStream in = store.open(RUN, "big.bin")) {
        byte[] head = in.readNBytes(1000);
        store.put(RUN, "big.bin", text("replacement"));
        byte[] rest = in.readAllBytes();
        byte[] all = new byte[head.length + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        assertEquals(old.length, all.length, "the open stream delivered the whole old file");
        assertArrayEquals(old, all);
      }
      try (InputStream in = store.open(RUN, "big.bin")) {
        assertEquals("replacement", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }

    @Test
    @DisplayName("a file is deleted whole; deleting a missing file says so")
    void delete() throws Exception {
      store.put(RUN, "dir/a.txt", text("a"));
      store.put(RUN, "dir/b.txt", text("b"));
      assertTrue(store.delete(RUN, "dir/a.txt"));
      assertThrows(NotFoundException.class, () -> store.info(RUN, "dir/a.txt"));
      assertTrue(!store.delete(RUN, "dir/a.txt"));
      assertEquals(List.of("dir/b.txt"), store.list(RUN, "dir").stream().map(ArtifactInfo::path).toList());
    }

    @Test
    @DisplayName("list shows files and directories one level at a time")
    void list() {
      store.put(RUN, "a.txt", text("a"));
      store.put(RUN, "dir/b.txt", text("bb"));
      store.put(RUN, "dir/sub/c.txt", text("ccc"));
      List<ArtifactInfo> root = store.list(RUN, "");
      assertEquals(List.of("a.txt", "dir"), root.stream().map(ArtifactInfo::path).toList());
      assertTrue(root.get(1).directory());
      List<ArtifactInfo> dir = store.list(RUN, "dir");
      assertEquals(List.of("dir/b.txt", "dir/sub"), dir.stream().map(ArtifactInfo::path).toList());
      assertEquals(2, dir.get(0).size());
      assertEquals(List.of(), store.list(RUN, "nothing-here"));
    }

    @Test
    @DisplayName("a large file is streamed in and out with the right digest")
    void large() throws Exception {
      long size = 48L << 20;
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      InputStream generated = new InputStream() {
        long pos;

        @Override
        public int read() {
          return pos < size ? (int) ((pos++ * 31) & 0xff) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (pos >= size) {
            return -1;
          }
          int n = (int) Math.min(len, size - pos);
          for (int i = 0; i < n; i++) {
            b[off + i] = (byte) ((pos++ * 31) & 0xff);
          }
          md.update(b, off, n);
          return n;
        }
      };
      ArtifactInfo info = store.put(RUN, "big.bin", generated);
      assertEquals(size, info.size());
      assertEquals(HexFormat.of().formatHex(md.digest()), info.sha256());
      MessageDigest back = MessageDigest.getInstance("SHA-256");
      long read = 0;
      try (InputStream in = store.open(RUN, "big.bin")) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0;) {
          back.update(buf, 0, n);
          read += n;
        }
      }
      assertEquals(size, read);
      assertEquals(info.sha256(), HexFormat.of().formatHex(back.digest()));
    }

    @Test
    @DisplayName("missing files are not found, and deleteAll removes a run's files")
    void missingAndDelete() throws IOException {
      assertThrows(NotFoundException.class, () -> store.open(RUN, "none.txt"));
      assertThrows(NotFoundException.class, () -> store.info(RUN, "none.txt"));
      store.put(RUN, "x/y.txt", text("y"));
      store.deleteAll(RUN);
      assertEquals(List.of(), store.list(RUN, ""));
    }
  }

  @Nested
  @DisplayName("paths")
  class Paths {
    @ParameterizedTest
    @ValueSource(strings = {"../escape.txt", "a/../../escape.txt", "/etc/passwd", "..", "a/..", "C:/windows/x", "..\\x", "", "a/\u0000b"})
    @DisplayName("that could escape the run's root are refused before anything is written")
    void escapes(String path) {
      assertThrows(InvalidArgumentException.class, () -> store.put(RUN, path, text("x")));
      assertEquals(List.of(), store.list(RUN, ""));
    }
  }
}
