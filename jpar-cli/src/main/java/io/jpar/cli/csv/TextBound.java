package io.jpar.cli.csv;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * The least or the greatest value of a column in {@link String#compareTo} order, as the lexical min and
 * max that text, boolean and date columns report. A plain-ASCII value ({@link AsciiField}) that becomes
 * the bound is kept as a copy of its bytes in a buffer this object reuses, and made a String only when
 * the bound is asked for: a column of increasing ids has a new maximum on every row, and a String for
 * each, with the compares through String, was a sixth of a numeric profile. Not thread-safe; one
 * slice's worker owns it.
 */
final class TextBound implements Serializable {
  private static final long serialVersionUID = 1L;
  private final boolean greatest;
  private String text; // the bound, unless inBytes
  private transient byte[] bytes;
  private transient int length;
  private transient boolean inBytes; // the bound is bytes[0, length); text is stale

  private TextBound(boolean greatest) {
    this.greatest = greatest;
  }

  static TextBound least() {
    return new TextBound(false);
  }

  static TextBound greatest() {
    return new TextBound(true);
  }

  /** Takes {@code v} as the bound if it lies beyond it; an AsciiField is only read during this call. */
  void offer(CharSequence v) {
    if (v instanceof AsciiField ascii) {
      if (isEmpty() || beyond(inBytes ? ascii.compareTo(bytes, length) : ascii.compareTo(text))) {
        if (bytes == null || bytes.length < ascii.length()) {
          bytes = new byte[Math.max(32, 2 * ascii.length())];
        }
        ascii.copyTo(bytes, 0);
        length = ascii.length();
        inBytes = true;
        text = null;
      }
    } else {
      offer(v.toString());
    }
  }

  /** As {@link #offer(CharSequence)}, for a String (a bound from another slice, say). */
  void offer(String s) {
    if (s != null && (isEmpty() || beyond(s.compareTo(value())))) {
      text = s;
      inBytes = false;
    }
  }

  private boolean beyond(int comparison) {
    return greatest ? comparison > 0 : comparison < 0;
  }

  private boolean isEmpty() {
    return text == null && !inBytes;
  }

  /** The bound, or null when nothing was offered. */
  String value() {
    if (inBytes) {
      text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      inBytes = false;
    }
    return text;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    value();
    out.defaultWriteObject();
  }
}
