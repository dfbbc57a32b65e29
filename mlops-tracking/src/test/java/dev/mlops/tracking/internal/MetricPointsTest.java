package dev.mlops.tracking.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageException;
import dev.mlops.api.tracking.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The stored form of a chunk of metric points reads back every step, timestamp and value bit pattern. */
class MetricPointsTest {

  private static List<Metric> read(byte[] bytes, int count) {
    long[] steps = new long[count];
    long[] timestamps = new long[count];
    double[] values = new double[count];
    MetricPoints.decode(bytes, count, steps, timestamps, values);
    List<Metric> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new Metric("m", values[i], timestamps[i], steps[i]));
    }
    return out;
  }

  private static void assertSameBits(List<Metric> expected, List<Metric> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      Metric e = expected.get(i);
      Metric a = actual.get(i);
      assertEquals(e.step(), a.step(), "step of point " + i);
      assertEquals(e.timestamp(), a.timestamp(), "timestamp of point " + i);
      assertEquals(Double.doubleToRawLongBits(e.value()), Double.doubleToRawLongBits(a.value()), "value bits of point " + i);
    }
  }

  @Provide
  Arbitrary<Metric> points() {
    Arbitrary<Long> longs = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-3, 1000),
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, 1_764_000_000_000L));
    Arbitrary<Double> values = Arbitraries.oneOf(Arbitraries.doubles(),
        Arbitraries.of(Double.NaN, Double.longBitsToDouble(0x7ff8_0000_dead_beefL), -0.0, 0.0, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MAX_VALUE));
    Arbitrary<Long> timestamps = Arbitraries.oneOf(Arbitraries.longs().greaterOrEqual(0), Arbitraries.longs().between(0, 1000),
        Arbitraries.of(Long.MAX_VALUE, 0L, 1_764_000_000_000L));
    return Combinators.combine(values, timestamps, longs).as((v, ts, step) -> new Metric("m", v, ts, step));
  }

  @Property(tries = 500)
  void everyChunkReadsBackBitForBit(@ForAll @Size(min = 1, max = 60) List<@From("points") Metric> points) {
    byte[] stored = MetricPoints.encode(points);
    assertSameBits(points, read(stored, points.size()));
    // the length rule that tells the forms apart: exactly 24 bytes a point is raw, anything shorter is delta
    assertTrue(stored.length <= points.size() * MetricPoints.RAW_POINT_BYTES);
    assertSameBits(points, read(MetricPoints.raw(points), points.size()));
  }

  @Test
  void aSeriesLoggedStepByStepTakesAboutTenBytesAPoint() {
    List<Metric> points = new ArrayList<>();
    long t = 1_764_000_000_000L;
    for (int i = 0; i < 10_000; i++) {
      points.add(new Metric("loss", 1.0 / (i + 1), t + i / 50, i));
    }
    byte[] stored = MetricPoints.encode(points);
    assertEquals(MetricPoints.DELTA, stored[0]);
    assertTrue(stored.length < 10.1 * points.size(), stored.length + " bytes");
    assertSameBits(points, read(stored, points.size()));
  }

  @Test
  void pointsWhoseDeltasAreLongerThanRawAreStoredRaw() {
    // steps and timestamps jumping by 2^62 take 9- and 10-byte varints: 26 to 28 bytes a point
    long far = 1L << 62;
    List<Metric> points = List.of(new Metric("m", 1, far, far), new Metric("m", 2, 0, 0), new Metric("m", 3, far, far));
    byte[] stored = MetricPoints.encode(points);
    assertEquals(3 * MetricPoints.RAW_POINT_BYTES, stored.length);
    assertSameBits(points, read(stored, 3));
  }

  @Test
  void damagedOrUnknownChunksFailLoudly() {
    byte[] stored = MetricPoints.encode(List.of(new Metric("m", 1, 5, 1), new Metric("m", 2, 6, 2)));
    StorageException cut = assertThrows(StorageException.class, () -> read(Arrays.copyOf(stored, stored.length - 3), 2));
    assertTrue(cut.getMessage().contains("ends inside a point"), cut.getMessage());
    byte[] unknown = stored.clone();
    unknown[0] = 7;
    StorageException form = assertThrows(StorageException.class, () -> read(unknown, 2));
    assertTrue(form.getMessage().contains("unknown form"), form.getMessage());
  }
}
