package dev.mlops.tracking.internal;

import dev.mlops.api.StorageException;
import dev.mlops.api.tracking.Metric;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The packed form of a chunk of metric points, as stored in {@code metric_chunks.points}.
 *
 * <p>Two forms are read. The raw form (every release): per point the step, the timestamp and the
 * value's bits, three big-endian longs, 24 bytes. The delta form (schema v5 on): a marker byte
 * {@code 1}, then per point the step and the timestamp as zigzag varints of their difference to the
 * previous point's (the first point's to zero) and the value's bits as 8 little-endian bytes; a
 * series logged step by step takes about 10 bytes a point. A chunk is written in the delta form
 * only when that is shorter than the raw one, so a blob of exactly {@code 24 * count} bytes is raw
 * and any other length is delta: the two never collide. Differences wrap around like the longs they
 * come from, so every step and timestamp, {@code Long.MIN_VALUE} and {@code Long.MAX_VALUE} included,
 * round-trips, and so does every value's bit pattern (NaN payloads, -0.0).
 */
final class MetricPoints {
  static final int RAW_POINT_BYTES = 24;
  static final byte DELTA = 1;
  private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private MetricPoints() {}

  /** The stored form of {@code points}: the delta form, or the raw one when that is not longer. */
  static byte[] encode(List<Metric> points) {
    int n = points.size();
    long size = 1;
    long step = 0;
    long ts = 0;
    for (int i = 0; i < n; i++) {
      Metric m = points.get(i);
      size += varLongSize(zigzag(m.step() - step)) + varLongSize(zigzag(m.timestamp() - ts)) + 8;
      step = m.step();
      ts = m.timestamp();
    }
    if (size >= (long) n * RAW_POINT_BYTES) {
      return raw(points);
    }
    byte[] out = new byte[(int) size];
    out[0] = DELTA;
    int p = 1;
    step = 0;
    ts = 0;
    for (int i = 0; i < n; i++) {
      Metric m = points.get(i);
      p = putVarLong(out, p, zigzag(m.step() - step));
      p = putVarLong(out, p, zigzag(m.timestamp() - ts));
      LE_LONG.set(out, p, Double.doubleToRawLongBits(m.value()));
      p += 8;
      step = m.step();
      ts = m.timestamp();
    }
    return out;
  }

  /** The raw form, which every release reads. */
  static byte[] raw(List<Metric> points) {
    byte[] out = new byte[points.size() * RAW_POINT_BYTES];
    int p = 0;
    for (Metric m : points) {
      BE_LONG.set(out, p, m.step());
      BE_LONG.set(out, p + 8, m.timestamp());
      BE_LONG.set(out, p + 16, Double.doubleToRawLongBits(m.value()));
      p += RAW_POINT_BYTES;
    }
    return out;
  }

  /**
   * Reads a stored chunk of {@code count} points into the three arrays (each at least
   * {@code count} long).
   *
   * @throws StorageException if the bytes are in an unknown form or end inside a point
   */
  static void decode(byte[] bytes, int count, long[] steps, long[] timestamps, double[] values) {
    if ((long) count * RAW_POINT_BYTES == bytes.length) {
      for (int i = 0, p = 0; i < count; i++, p += RAW_POINT_BYTES) {
        steps[i] = (long) BE_LONG.get(bytes, p);
        timestamps[i] = (long) BE_LONG.get(bytes, p + 8);
        values[i] = Double.longBitsToDouble((long) BE_LONG.get(bytes, p + 16));
      }
      return;
    }
    if (bytes.length == 0 || bytes[0] != DELTA) {
      throw new StorageException("a metric chunk of " + count + " points has " + bytes.length
          + " bytes in an unknown form (first byte " + (bytes.length == 0 ? "none" : bytes[0]) + "); written by a newer release?");
    }
    int p = 1;
    long step = 0;
    long ts = 0;
    for (int i = 0; i < count; i++) {
      // a varint: 7 bits a byte, the high bit set on every byte but the last
      for (int field = 0; field < 2; field++) {
        long v = 0;
        int shift = 0;
        while (true) {
          if (p >= bytes.length || shift > 63) {
            throw corrupt(p, bytes.length);
          }
          byte b = bytes[p++];
          v |= (long) (b & 0x7f) << shift;
          shift += 7;
          if (b >= 0) {
            break;
          }
        }
        if (field == 0) {
          step += unzigzag(v);
        } else {
          ts += unzigzag(v);
        }
      }
      if (p + 8 > bytes.length) {
        throw corrupt(p, bytes.length);
      }
      steps[i] = step;
      timestamps[i] = ts;
      values[i] = Double.longBitsToDouble((long) LE_LONG.get(bytes, p));
      p += 8;
    }
  }

  private static StorageException corrupt(int pos, int length) {
    return new StorageException("a metric chunk ends inside a point at byte " + pos + " of " + length + "; the store is damaged");
  }

  static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  static int varLongSize(long v) {
    // 7 bits a byte; zero takes one byte
    return Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
  }

  private static int putVarLong(byte[] out, int p, long v) {
    while ((v & ~0x7fL) != 0) {
      out[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }
}
