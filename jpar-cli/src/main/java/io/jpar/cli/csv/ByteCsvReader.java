package io.jpar.cli.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads CSV records straight from the bytes of a file in an ASCII-compatible encoding (UTF-8, Latin-1,
 * the Windows code pages), where a byte below 0x80 is always the ASCII character it reads as: so the
 * delimiter, quotes and line ends can be found in bytes, and only the fields a caller asks for become
 * Strings — from plain ASCII without a decoder at all. Decoding the whole stream into chars first and
 * then parsing the chars (FastCSV over a Reader) was a third of a text-heavy profile's time.
 *
 * <p>The grammar is FastCSV's strict one, which {@code ByteCsvReaderTest} checks record by record on
 * generated and hand-written input: RFC 4180 quoting ({@code ""} inside quotes is a quote; a quote opens
 * a quoted field only at its start, so {@code 12" pipe} is plain text; nothing but a delimiter or a line
 * end may follow a closing quote); line ends LF, CRLF or CR alone, inside quotes too, each counted as one
 * line; empty lines skipped; a record's number is the line it starts on; an unclosed quote at the end
 * of input is an error. Bytes that are not valid in the encoding are reported (a {@link
 * CharacterCodingException}), never replaced. A record may not exceed {@link #MAX_RECORD} bytes, so that a
 * missing closing quote cannot take all memory. Not thread-safe.
 */
final class ByteCsvReader implements CsvRecords {
  /** The longest record read: past it, the file is taken to be broken (an unclosed quote, most often). */
  static final int MAX_RECORD = 64 << 20;
  private static final int HIGH = 1; // the field has a byte >= 0x80: decode it with the charset
  private static final int ESCAPES = 2; // a quoted field with "" in it: drop every second quote
  private static final byte QUOTE = '"';
  private static final int ENDS_FIELD = 4; // in classes[]: the delimiter, CR or LF (never HIGH)
  /** Bytes with nothing to do inside quotes: ASCII but the quote, CR and LF. */
  private static final boolean[] QUOTED_PLAIN = new boolean[256];

  static {
    for (int c = 0; c < 0x80; c++) {
      QUOTED_PLAIN[c] = c != QUOTE && c != '\n' && c != '\r';
    }
  }

  private final InputStream in;
  private final byte delimiter;
  /**
   * Per byte value, what it means in an unquoted field: {@link #ENDS_FIELD}, {@link #HIGH}, or 0. One
   * load and one test a byte, where three comparisons and a shift were the largest cost of reading.
   */
  private final byte[] classes = new byte[256];
  private final Charset charset;
  private final boolean utf8;
  private final boolean latin1;
  private CharsetDecoder decoder;

  private byte[] buf;
  private int pos; // the next unread byte
  private int limit; // one past the last byte read
  private boolean eof;
  private long line = 1; // the line at pos

  // The current record: its fields as byte ranges in buf, valid until the next call to next().
  private int count;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private byte[] kinds = new byte[16];
  private long recordLine;
  private final AsciiField view = new AsciiField(); // strippedAscii's, moved to each field asked for
  private byte[] unescaped = new byte[256]; // a field with doubled quotes, one dropped of each pair

  /**
   * @param in the bytes, from the start of a record
   * @param delimiter the field separator, an ASCII character
   * @param charset the encoding; it must be one that {@link #canRead} accepts
   * @param skipBom whether a UTF-8 byte order mark at the very start is skipped (the file's first slice)
   * @param bufferSize the initial buffer (it grows for a longer record, up to {@link #MAX_RECORD})
   */
  ByteCsvReader(InputStream in, char delimiter, Charset charset, boolean skipBom, int bufferSize) throws IOException {
    if (!canRead(charset, delimiter)) {
      throw new IllegalArgumentException("not an ASCII-compatible encoding and delimiter: " + charset + ", " + delimiter);
    }
    this.in = in;
    this.delimiter = (byte) delimiter;
    for (int c = 0x80; c < 0x100; c++) {
      classes[c] = HIGH;
    }
    classes[delimiter] = ENDS_FIELD;
    classes['\n'] = ENDS_FIELD;
    classes['\r'] = ENDS_FIELD;
    this.charset = charset;
    this.utf8 = charset.equals(StandardCharsets.UTF_8);
    this.latin1 = charset.equals(StandardCharsets.ISO_8859_1);
    this.buf = new byte[Math.max(16, bufferSize)];
    if (skipBom && utf8) {
      fill();
      while (limit < 3 && !eof) {
        fill();
      }
      if (limit >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
        pos = 3;
      }
    }
  }

  /**
   * Whether the bytes of this encoding can be split into CSV fields before decoding: every byte below
   * 0x80 must stand for that ASCII character wherever it appears (not so in UTF-16 or Shift_JIS).
   */
  static boolean canRead(Charset charset, char delimiter) {
    if (delimiter == 0 || delimiter >= 0x80 || delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
      return false;
    }
    String name = charset.name().toUpperCase(Locale.ROOT);
    return name.equals("UTF-8") || name.equals("US-ASCII") || name.startsWith("ISO-8859-")
        || name.startsWith("WINDOWS-125");
  }

  @Override
  public boolean next() throws IOException {
    while (true) {
      int result = scanRecord();
      if (result != NEED_MORE) {
        return result == RECORD;
      }
      if (pos == 0 && limit == buf.length) { // one record fills the buffer: grow it
        if (buf.length >= MAX_RECORD) {
          throw new MalformedCsvException("a record longer than " + (MAX_RECORD >> 20)
              + " MiB (record starting at line " + line + "); is a closing quote missing?");
        }
        buf = Arrays.copyOf(buf, (int) Math.min(MAX_RECORD, 2L * buf.length));
      } else if (pos > 0) { // keep the unfinished record, drop what was read before it
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      fill();
    }
  }

  private static final int NONE = 0;
  private static final int RECORD = 1;
  private static final int NEED_MORE = 2;

  /**
   * Scans one record from {@code pos}. On {@code NEED_MORE} nothing is consumed: the record is scanned
   * again from its start once more bytes are in (only a record that straddles a buffer's end pays that).
   */
  private int scanRecord() throws IOException {
    final byte[] b = buf;
    final byte d = delimiter;
    int i = pos;
    long lines = 0;
    // Empty lines are skipped.
    while (true) {
      if (i >= limit) {
        if (!eof) {
          return NEED_MORE;
        }
        pos = i;
        line += lines;
        return NONE;
      }
      if (b[i] == '\n') {
        i++;
        lines++;
      } else if (b[i] == '\r') {
        if (i + 1 >= limit && !eof) {
          return NEED_MORE;
        }
        i += (i + 1 < limit && b[i + 1] == '\n') ? 2 : 1;
        lines++;
      } else {
        break;
      }
    }
    long start = line + lines;
    int n = 0;
    while (true) {
      if (n == starts.length) {
        starts = Arrays.copyOf(starts, 2 * n);
        ends = Arrays.copyOf(ends, 2 * n);
        kinds = Arrays.copyOf(kinds, 2 * n);
      }
      int kind = 0;
      int fieldStart;
      int fieldEnd;
      if (i < limit && b[i] == QUOTE) {
        i++;
        fieldStart = i;
        while (true) {
          while (i < limit && QUOTED_PLAIN[b[i] & 0xff]) { // the common bytes, one test each
            i++;
          }
          if (i >= limit) {
            if (!eof) {
              return NEED_MORE;
            }
            throw new MalformedCsvException("unclosed quoted field: no closing quote before the end of the input"
                + " (record starting at line " + start + ")");
          }
          byte c = b[i];
          if (c == QUOTE) {
            if (i + 1 >= limit && !eof) {
              return NEED_MORE;
            }
            if (i + 1 < limit && b[i + 1] == QUOTE) {
              kind |= ESCAPES;
              i += 2;
              continue;
            }
            break;
          }
          if (c == '\n') {
            lines++;
          } else if (c == '\r') {
            if (i + 1 >= limit && !eof) {
              return NEED_MORE;
            }
            if (i + 1 >= limit || b[i + 1] != '\n') {
              lines++;
            }
          } else if (c < 0) {
            kind |= HIGH;
          }
          i++;
        }
        fieldEnd = i;
        i++; // the closing quote
        if (i < limit) {
          byte c = b[i];
          if (c != d && c != '\n' && c != '\r') {
            throw new MalformedCsvException(String.format(Locale.ROOT,
                "unexpected character '%s' (0x%02x) after a closing quote (record starting at line %d)",
                c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "?", c & 0xff, start));
          }
        } else if (!eof) {
          return NEED_MORE;
        }
      } else {
        fieldStart = i;
        final byte[] cls = classes;
        while (i < limit) {
          int c = cls[b[i] & 0xff];
          if (c == ENDS_FIELD) {
            break;
          }
          kind |= c;
          i++;
        }
        if (i >= limit && !eof) {
          return NEED_MORE;
        }
        fieldEnd = i;
      }
      starts[n] = fieldStart;
      ends[n] = fieldEnd;
      kinds[n] = (byte) kind;
      n++;
      if (i >= limit) { // the end of the input ends the record
        break;
      }
      byte c = b[i];
      if (c == d) {
        i++;
        if (i >= limit && !eof) {
          return NEED_MORE;
        }
        continue; // a delimiter at the very end of the input still opens an empty last field
      }
      if (c == '\r') {
        if (i + 1 >= limit && !eof) {
          return NEED_MORE;
        }
        i += (i + 1 < limit && b[i + 1] == '\n') ? 2 : 1;
      } else {
        i++;
      }
      lines++;
      break;
    }
    count = n;
    recordLine = start;
    line += lines;
    pos = i;
    return RECORD;
  }

  private void fill() throws IOException {
    if (eof) {
      return;
    }
    int r = in.read(buf, limit, buf.length - limit);
    if (r < 0) {
      eof = true;
    } else {
      limit += r;
    }
  }

  @Override
  public long line() {
    return recordLine;
  }

  @Override
  public int fieldCount() {
    return count;
  }

  @Override
  public String field(int index) throws CharacterCodingException {
    int start = starts[index];
    int length = ends[index] - start;
    int kind = kinds[index];
    byte[] bytes = buf;
    if ((kind & ESCAPES) != 0) {
      length = unescape(start, ends[index]);
      bytes = unescaped;
      start = 0;
    }
    if ((kind & HIGH) == 0 || latin1) {
      return new String(bytes, start, length, StandardCharsets.ISO_8859_1); // ASCII: a copy, no decoding
    }
    return decode(bytes, start, length);
  }

  /**
   * For a field of plain ASCII (doubled quotes in it or not): its bytes are its UTF-8, and stripping it
   * is trimming the bytes {@link Character#isWhitespace} accepts (tab to CR, the four separators
   * 0x1C-0x1F, space), so the hash needs no String. Other fields: not computed.
   */
  @Override
  public long strippedHash(int index) {
    AsciiField field = strippedAscii(index);
    return field == null ? TopValues.NO_HASH : field.hash();
  }

  /**
   * The field stripped, for a field of plain ASCII (as {@link #strippedHash}). One with doubled quotes
   * (quoted text that quotes someone, common in text-heavy files) is viewed in a copy with one of each
   * pair dropped, which this reader reuses: no String for it either.
   */
  @Override
  public AsciiField strippedAscii(int index) {
    int kind = kinds[index];
    if ((kind & HIGH) != 0) {
      return null;
    }
    byte[] b = buf;
    int from = starts[index];
    int to = ends[index];
    if (kind == ESCAPES) {
      to = unescape(from, to);
      from = 0;
      b = unescaped;
    }
    while (from < to && isAsciiWhitespace(b[from])) {
      from++;
    }
    while (to > from && isAsciiWhitespace(b[to - 1])) {
      to--;
    }
    return view.set(b, from, to);
  }

  private static boolean isAsciiWhitespace(byte c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
  }

  private String decode(byte[] bytes, int start, int length) throws CharacterCodingException {
    if (utf8) {
      // The JDK's UTF-8 String constructor is fast but replaces bad bytes with U+FFFD; only a field
      // that then holds one is decoded again strictly, to tell a real U+FFFD from a bad byte.
      String s = new String(bytes, start, length, StandardCharsets.UTF_8);
      if (s.indexOf('\uFFFD') < 0) {
        return s;
      }
    }
    if (decoder == null) {
      decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    return decoder.reset().decode(ByteBuffer.wrap(bytes, start, length)).toString();
  }

  /** Copies {@code buf[from, to)} to {@link #unescaped} with one quote of each {@code ""} dropped; returns its length. */
  private int unescape(int from, int to) {
    if (unescaped.length < to - from) {
      unescaped = new byte[Math.max(to - from, 2 * unescaped.length)];
    }
    byte[] b = buf;
    byte[] out = unescaped;
    int n = 0;
    for (int i = from; i < to; i++) {
      out[n++] = b[i];
      if (b[i] == QUOTE) {
        i++; // the second quote of ""
      }
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
