package io.jpar.internal.process.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A chunk of values as {@link Values} encoded them (its layout is described there): what a batch's
 * inputs and a results message's values travel as. It is a view of a range of a byte array and does
 * not copy it — inputs can be megabytes, and are encoded once per batch, sent, and sometimes re-sent —
 * so whoever makes one hands the array over and must not change it afterwards.
 *
 * <p>Made only by {@link Values#encode}, by {@link Values#parse}, which checked the layout, or by
 * {@link Values#readFrom}, which checked it while decoding a raw block as it arrived ({@link #decoded}): a block
 * always has a known tag and a count that its bytes back up, except for a codec block, whose count
 * is what the sender claims (the codec's bytes say nothing about it until decoded).
 *
 * <p>A block of {@code byte[]}, strings' UTF-8 or primitive arrays on its way out is not copied into
 * one array: it keeps the values and writes them to the stream when it is sent ({@link #ofByteArrays},
 * {@link #streamed}), so a 100 MB input costs no second 100 MB in the sender's heap. Their contents are read when the block is written: whoever
 * hands them over must not change them until the batch or result has gone.
 *
 * <p>Immutable, so any thread may use it.
 */
public final class EncodedValues {
  private final byte[] bytes;
  private final int offset;
  private final int length;
  private final int count;
  /** For a block written from the values themselves when sent: how, with {@code bytes} null. */
  private final Streamed streamed;
  /** For a block read from a stream as values ({@link #decoded}): them; else null. */
  private final Object[] decoded;
  /**
   * For a block of {@code byte[]} or strings made by {@link #ofByteArrays}: the arrays it writes (a
   * string's UTF-8), for {@link ValueFiles#spill} to send the big ones through files; else null.
   */
  private final byte[][] arrays;
  /** The tag of a block with {@link #arrays}. */
  private final byte arraysTag;

  /** Writes a whole block, header included, from the values it holds: exactly the block's length. */
  interface Streamed {
    void writeTo(DataOutputStream out) throws IOException;
  }

  EncodedValues(byte[] bytes, int offset, int length, int count) {
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    this.count = count;
    this.streamed = null;
    this.decoded = null;
    this.arrays = null;
    this.arraysTag = 0;
  }

  private EncodedValues(Streamed streamed, int length, int count, Object[] decoded, byte[][] arrays, byte arraysTag) {
    this.bytes = null;
    this.offset = 0;
    this.length = length;
    this.count = count;
    this.streamed = streamed;
    this.decoded = decoded;
    this.arrays = arrays;
    this.arraysTag = arraysTag;
  }

  /**
   * A block of {@code count x ([u32 n][n bytes])} under {@code tag}, written from the arrays when sent;
   * its size must fit a frame.
   */
  static EncodedValues ofByteArrays(byte tag, byte[][] arrays, int length) {
    return new EncodedValues(out -> {
      out.writeByte(tag);
      out.writeInt(arrays.length);
      for (byte[] a : arrays) {
        out.writeInt(a.length);
        writeSlices(out, a, 0, a.length);
      }
    }, length, arrays.length, null, arrays, tag);
  }

  /** A block of {@code length} bytes holding {@code count} values that {@code streamed} writes when sent. */
  static EncodedValues streamed(Streamed streamed, int length, int count) {
    return new EncodedValues(streamed, length, count, null, null, (byte) 0);
  }

  /**
   * A raw block that {@link Values#readFrom} decoded as it arrived, {@code length} bytes on the wire:
   * it holds the values, which {@link Values#read} hands out (they are decoded once, for whoever
   * received the block), and writes them again like the block they came as if it is sent on.
   */
  static EncodedValues decoded(Object[] values, int length) {
    return new EncodedValues(out -> Values.encode(values, null).writeTo(out), length, values.length, values, null,
        (byte) 0);
  }

  /** The arrays of a block of {@code byte[]} or strings made by {@link #ofByteArrays}, or null. */
  byte[][] arrays() {
    return arrays;
  }

  /** The tag of a block with {@link #arrays()}: {@link Values#BYTES} or {@link Values#STRINGS}. */
  byte arraysTag() {
    return arraysTag;
  }

  /** The values of a block read as values ({@link #decoded}), or null. */
  Object[] decoded() {
    return decoded;
  }

  /**
   * How many values the block holds, known without decoding them. For a codec block it is only what
   * the sender said: bound it by something known before allocating for it.
   */
  public int count() {
    return count;
  }

  /** The block's size in bytes. */
  public int length() {
    return length;
  }

  /**
   * Writes the block in slices of {@link Frame#IO_SLICE}: a pipe's {@code FileOutputStream} copies what
   * one call writes into a native buffer of that size first, so one call for 100 MB would allocate
   * 100 MB outside the heap (and fault it in) before writing a byte.
   */
  public void writeTo(DataOutputStream out) throws IOException {
    if (streamed == null) {
      writeSlices(out, bytes, offset, length);
    } else {
      streamed.writeTo(out);
    }
  }

  static void writeSlices(DataOutputStream out, byte[] b, int offset, int length) throws IOException {
    for (int at = offset, end = offset + length; at < end; at += Frame.IO_SLICE) {
      out.write(b, at, Math.min(Frame.IO_SLICE, end - at));
    }
  }

  /** The block as an array of its exact size: the underlying array when it is exactly that, else a copy. */
  public byte[] toByteArray() {
    if (streamed != null) {
      ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(length);
      try {
        writeTo(new DataOutputStream(buf));
      } catch (IOException e) {
        throw new UncheckedIOException(e); // an in-memory stream does not fail
      }
      return buf.toByteArray();
    }
    return offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length);
  }

  /** The block backed by one array: itself, or for a block of byte arrays a copy, for decoding here (tests). */
  EncodedValues inOneArray() {
    return streamed == null ? this : new EncodedValues(toByteArray(), 0, length, count);
  }

  byte[] bytes() {
    return bytes;
  }

  int offset() {
    return offset;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EncodedValues other)) {
      return false;
    }
    EncodedValues a = inOneArray();
    EncodedValues b = other.inOneArray();
    return Arrays.equals(a.bytes, a.offset, a.offset + a.length, b.bytes, b.offset, b.offset + b.length);
  }

  @Override
  public int hashCode() {
    EncodedValues a = inOneArray();
    int h = 1;
    for (int i = a.offset; i < a.offset + a.length; i++) {
      h = 31 * h + a.bytes[i];
    }
    return h;
  }

  @Override
  public String toString() {
    return "EncodedValues[" + count + " values, " + length + " bytes]";
  }
}
