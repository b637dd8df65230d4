package io.jpar.cli.csv;

import java.nio.charset.StandardCharsets;

/**
 * A field of plain ASCII as the bytes {@link ByteCsvReader} read it, seen as text without copying:
 * {@link ColumnStats} asks a numeric, boolean or date/time value what it can be read as straight from
 * these bytes, and makes a String only of a value it keeps (a new minimum, say). A String per field was
 * the largest allocation of a profile. One view per reader, moved to each field in turn: valid until the
 * reader's next record, and never kept. Not thread-safe.
 */
final class AsciiField implements CharSequence {
  private byte[] bytes = new byte[0];
  private int from;
  private int length;

  /** Points this view at {@code bytes[from, to)}, every one of them below 0x80. */
  AsciiField set(byte[] bytes, int from, int to) {
    this.bytes = bytes;
    this.from = from;
    this.length = to - from;
    return this;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException("index " + index + ", length " + length);
    }
    return (char) bytes[from + index];
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  /** The field as a String (a copy: the String stays valid after the reader moves on). */
  @Override
  public String toString() {
    return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether the field, never empty, equals one of {@code words} (the null words: few, so a loop beats a
   * set; the first character rules out nearly every number).
   */
  boolean equalsAny(String[] words) {
    for (String w : words) {
      if (w.length() == length && bytes[from] == w.charAt(0) && compareTo(w) == 0) { // length > 0 here
        return true;
      }
    }
    return false;
  }

  /** {@link TopValues#hash} of the field: its bytes are its UTF-8. */
  long hash() {
    return TopValues.hash(bytes, from, from + length);
  }

  /**
   * {@code this.toString().compareTo(s)} without the String: for ASCII, chars and bytes compare alike.
   */
  int compareTo(String s) {
    int n = Math.min(length, s.length());
    for (int i = 0; i < n; i++) {
      int d = bytes[from + i] - s.charAt(i);
      if (d != 0) {
        return d;
      }
    }
    return length - s.length();
  }
}
