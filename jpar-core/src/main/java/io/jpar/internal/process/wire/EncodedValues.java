package io.jpar.internal.process.wire;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * A chunk of values as {@link Values} encoded them (its layout is described there): what a batch's
 * inputs and a results message's values travel as. It is a view of a range of a byte array and does
 * not copy it — inputs can be megabytes, and are encoded once per batch, sent, and sometimes re-sent —
 * so whoever makes one hands the array over and must not change it afterwards.
 *
 * <p>Made only by {@link Values#encode} or by {@link Values#parse}, which checked the layout: a block
 * always has a known tag and a count that its bytes back up, except for a codec block, whose count
 * is what the sender claims (the codec's bytes say nothing about it until decoded).
 *
 * <p>Immutable, so any thread may use it.
 */
public final class EncodedValues {
  private final byte[] bytes;
  private final int offset;
  private final int length;
  private final int count;

  EncodedValues(byte[] bytes, int offset, int length, int count) {
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    this.count = count;
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
    for (int at = offset, end = offset + length; at < end; at += Frame.IO_SLICE) {
      out.write(bytes, at, Math.min(Frame.IO_SLICE, end - at));
    }
  }

  /** The block as an array of its exact size: the underlying array when it is exactly that, else a copy. */
  public byte[] toByteArray() {
    return offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length);
  }

  byte[] bytes() {
    return bytes;
  }

  int offset() {
    return offset;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedValues e
        && Arrays.equals(bytes, offset, offset + length, e.bytes, e.offset, e.offset + e.length);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + bytes[i];
    }
    return h;
  }

  @Override
  public String toString() {
    return "EncodedValues[" + count + " values, " + length + " bytes]";
  }
}
