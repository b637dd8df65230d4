package io.jpar.internal.process.wire;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the fields of one payload (or one part of it) in order, checking each against the bytes that
 * are left, so that a bad payload fails with a {@link ProtocolException} naming the message and the
 * field instead of an index error, and a length is never trusted beyond the bytes that back it.
 * Integers are big-endian, as {@link java.io.DataOutputStream} writes them.
 */
final class PayloadReader {
  private final String what;
  private final ByteBuffer buf;
  private final int end;
  private int pos;

  /** Reads {@code bytes[offset, offset + length)}; {@code what} names it in errors ("BATCH frame"). */
  PayloadReader(String what, byte[] bytes, int offset, int length) {
    this.what = what;
    this.buf = ByteBuffer.wrap(bytes);
    this.pos = offset;
    this.end = offset + length;
  }

  PayloadReader(String what, byte[] bytes) {
    this(what, bytes, 0, bytes.length);
  }

  int position() {
    return pos;
  }

  int remaining() {
    return end - pos;
  }

  byte i8(String field) throws ProtocolException {
    need(1, field);
    return buf.get(pos++);
  }

  int i32(String field) throws ProtocolException {
    need(4, field);
    int v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  long i64(String field) throws ProtocolException {
    need(8, field);
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  /** A boolean is one byte, 0 or 1; anything else is a broken frame, not {@code true}. */
  boolean bool(String field) throws ProtocolException {
    byte b = i8(field);
    if (b != 0 && b != 1) {
      throw error(field + " is " + b + ", not a boolean (0 or 1)");
    }
    return b == 1;
  }

  /** An int that must be {@code >= 0} (an index, a first position). */
  int index(String field) throws ProtocolException {
    int v = i32(field);
    if (v < 0) {
      throw error(field + " " + v + " is negative");
    }
    return v;
  }

  /**
   * A count of items that take at least {@code minItemBytes} each: checked against the bytes left, so
   * that no caller allocates for items that are not there.
   */
  int count(String field, int minItemBytes) throws ProtocolException {
    int n = index(field);
    if ((long) n * minItemBytes > remaining()) {
      throw error(field + " " + n + " needs at least " + (long) n * minItemBytes + " bytes, " + remaining() + " are left");
    }
    return n;
  }

  /** {@code [u32 n][n bytes]}, copied out. */
  byte[] bytes(String field) throws ProtocolException {
    int n = count(field + " length", 1);
    byte[] b = Arrays.copyOfRange(buf.array(), pos, pos + n);
    pos += n;
    return b;
  }

  /** {@code [u32 n][n bytes of UTF-8]}. */
  String string(String field) throws ProtocolException {
    int n = count(field + " length", 1);
    String s = new String(buf.array(), pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  /** Skips {@code n} bytes that the caller has checked are there. */
  void skip(int n, String field) throws ProtocolException {
    need(n, field);
    pos += n;
  }

  /** Everything that is left, copied out. */
  byte[] rest() {
    byte[] b = Arrays.copyOfRange(buf.array(), pos, end);
    pos = end;
    return b;
  }

  /** Fails if any bytes are left: a payload longer than its fields is as broken as a shorter one. */
  void end() throws ProtocolException {
    if (pos != end) {
      throw error(remaining() + " bytes left over after the last field");
    }
  }

  ProtocolException error(String problem) {
    return new ProtocolException(what + ": " + problem);
  }

  private void need(int n, String field) throws ProtocolException {
    if (remaining() < n) {
      throw error("truncated: " + field + " needs " + n + " bytes, " + remaining() + " are left");
    }
  }
}
