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
    byte[][] onHeap = new byte[64][];
    for (int i = 0; i < onHeap.length; i++) {
      onHeap[i] = new byte[(int) MB];
      java.util.Arrays.fill(onHeap[i], (byte) 1);
    }
    long withHeap = TestModels.residentBytesOutsideHeap();
    assertTrue(withHeap - withNative < 16 * MB, "64 MB of touched heap arrays: " + (withHeap - withNative) / MB + " MB more outside the heap");
    assertTrue(onHeap[63][0] == 1 && direct.get(0) == 1);
  }
}
