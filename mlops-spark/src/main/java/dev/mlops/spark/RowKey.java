package dev.mlops.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A shuffle key: a row's values in an unambiguous byte form (equal keys exactly when the library's
 * duplicate-row check takes the rows as equal), or a partition's tally ({@code tally} set, the bytes
 * the partition's index), which never equals a row's key. Immutable.
 */
final class RowKey implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean tally;
  private final byte[] bytes;
  private final int hash;

  private RowKey(boolean tally, byte[] bytes) {
    this.tally = tally;
    this.bytes = bytes;
    this.hash = 31 * Arrays.hashCode(bytes) + (tally ? 1 : 0);
  }

  static RowKey row(byte[] encoded) {
    return new RowKey(false, encoded);
  }

  static RowKey tally(int partition) {
    return new RowKey(true, new byte[] {(byte) (partition >>> 24), (byte) (partition >>> 16), (byte) (partition >>> 8), (byte) partition});
  }

  boolean isTally() {
    return tally;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowKey k && k.tally == tally && k.hash == hash && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
