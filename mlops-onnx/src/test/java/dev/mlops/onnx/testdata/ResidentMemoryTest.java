package dev.mlops.onnx.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The memory tests' measure sees native memory and not the Java heap's. */
// measures the process's resident memory: no other test class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class ResidentMemoryTest {
  private static final long MB = 1 << 20;

  @Test
  void nativeMemoryTouchedCountsAndHeapMemoryTouchedDoesNot() throws Exception {
    long[] heap = TestModels.heapRange();
    assertTrue(Long.compareUnsigned(heap[0], heap[1]) < 0, "a heap range");
    long before = TestModels.residentBytesOutsideHeap();
    ByteBuffer direct = ByteBuffer.allocateDirect((int) (64 * MB));
    for (int i = 0; i < direct.capacity(); i += 4096) {
      direct.put(i, (byte) 1);
    }
    long withNative = TestModels.residentBytesOutsideHeap();
    // at least the 48 MB the leak tests allow: a leak that size would be seen
    assertTrue(withNative - before >= 48 * MB, "64 MB of touched direct memory: " + (withNative - before) / MB + " MB more outside the heap");
    // the rest of the process (the JIT, the collector's own structures, other threads) can take native memory
    // meanwhile: the smallest growth of three rounds, each touching 64 MB of new heap arrays, is what heap pages add
    long least = Long.MAX_VALUE;
    long last = withNative;
    // all three rounds' arrays stay reachable, so each round touches heap pages no earlier round touched
    byte[][][] rounds = new byte[3][64][];
    byte[][] onHeap = null;
    for (int round = 0; round < 3; round++) {
      onHeap = rounds[round];
      for (int i = 0; i < onHeap.length; i++) {
        onHeap[i] = new byte[(int) MB];
        java.util.Arrays.fill(onHeap[i], (byte) 1);
      }
      long now = TestModels.residentBytesOutsideHeap();
      least = Math.min(least, now - last);
      last = now;
    }
    assertTrue(least < 16 * MB, "64 MB of touched heap arrays: at least " + least / MB + " MB more outside the heap in each of three rounds");
    assertTrue(rounds[0][0][0] == 1 && onHeap[63][0] == 1 && direct.get(0) == 1);
  }
}
