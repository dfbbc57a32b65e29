package dev.mlops.onnx.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protobuf reader over a stream: one reader per message, bounded by the message's end,
 * all sharing one position in the stream. Fields that are not wanted are skipped without being
 * read into memory, so a message of any size costs a few buffers; a field that claims to run past
 * the end of its message is reported as a truncated or corrupt file.
 */
final class ProtoReader {
  /** The largest field read into memory (names, types, small attributes); larger ones can only be skipped. */
  static final int MAX_INLINE = 16 << 20;

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  /** The stream and the position reached in it, shared by a message's reader and its nested messages' readers. */
  private static final class Source {
    final InputStream in;
    long position;

    Source(InputStream in) {
      this.in = in;
    }
  }

  private final Source source;
  private final long end;
  private int wireType = -1;

  private ProtoReader(Source source, long end) {
    this.source = source;
    this.end = end;
  }

  /** A reader of the message that fills {@code size} bytes of {@code in}. */
  static ProtoReader of(InputStream in, long size) {
    return new ProtoReader(new Source(in), size);
  }

  /** Whether the message has more fields. */
  boolean more() {
    return source.position < end;
  }

  /** The byte offset reached in the stream. */
  long position() {
    return source.position;
  }

  /** Reads the next field's key: returns its number; {@link #wireType()} is its wire type. */
  int nextField() throws IOException {
    long key = varint();
    int field = (int) (key >>> 3);
    wireType = (int) (key & 7);
    if (field <= 0) {
      throw new IOException("not a protobuf message: field number " + field + " at byte " + source.position);
    }
    return field;
  }

  /** The wire type of the field whose key was read last. */
  int wireType() {
    return wireType;
  }

  long varint() throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = source.in.read();
      if (b < 0) {
        throw new EOFException("truncated file: it ends inside a number at byte " + source.position);
      }
      source.position++;
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("corrupt file: a number longer than 10 bytes at byte " + source.position);
  }

  /** Reads a length-delimited field's length and checks that it fits in this message. */
  long length() throws IOException {
    long at = source.position;
    long length = varint();
    if (length < 0 || source.position + length > end) {
      throw new IOException("truncated or corrupt file: a field of " + length + " bytes at byte " + at
          + " runs past the end of its message (byte " + end + ")");
    }
    return length;
  }

  /** A reader of the nested message in the current length-delimited field; this reader continues after it. */
  ProtoReader message() throws IOException {
    long length = length();
    return new ProtoReader(source, source.position + length);
  }

  byte[] bytes() throws IOException {
    long length = length();
    if (length > MAX_INLINE) {
      throw new IOException("a field of " + length + " bytes at byte " + source.position + " is larger than the "
          + MAX_INLINE + " bytes read into memory");
    }
    byte[] b = source.in.readNBytes((int) length);
    if (b.length != length) {
      throw new EOFException("truncated file at byte " + (source.position + b.length));
    }
    source.position += length;
    return b;
  }

  String string() throws IOException {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  /** The values of a repeated varint field, packed (one length-delimited field) or not (one value). */
  void varints(java.util.function.LongConsumer out) throws IOException {
    if (wireType == VARINT) {
      out.accept(varint());
      return;
    }
    ProtoReader packed = message();
    while (packed.more()) {
      out.accept(packed.varint());
    }
  }

  /** Skips the current field's value. */
  void skipField() throws IOException {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> skip(8);
      case FIXED32 -> skip(4);
      case LENGTH_DELIMITED -> skip(length());
      default -> throw new IOException("corrupt file: wire type " + wireType + " at byte " + source.position);
    }
  }

  /** Skips the current length-delimited field and returns its length. */
  long skipLengthDelimited() throws IOException {
    long length = length();
    skip(length);
    return length;
  }

  /** Skips what is left of this message. */
  void skipRest() throws IOException {
    skip(end - source.position);
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = source.in.skip(left);
      if (skipped <= 0) {
        if (source.in.read() < 0) {
          throw new EOFException("truncated file at byte " + (source.position + n - left));
        }
        skipped = 1;
      }
      left -= skipped;
    }
    source.position += n;
  }
}
