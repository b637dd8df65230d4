package io.jpar.cli.csv;

import java.io.Closeable;
import java.io.IOException;

/**
 * CSV records one at a time, for {@link CsvProfiler}: {@link ByteCsvReader} for ASCII-compatible
 * encodings, {@link FastCsvRecords} for the others. A record's fields are valid until the next call
 * to {@link #next()}.
 */
interface CsvRecords extends Closeable {
  /**
   * Moves to the next record.
   *
   * @return false at the end of the input
   * @throws MalformedCsvException when the input breaks the CSV grammar (the records before it were read)
   * @throws IOException when reading fails, or bytes are not text in the encoding
   */
  boolean next() throws IOException;

  /** The line the current record starts on, counting from 1 at the start of the input. */
  long line();

  int fieldCount();

  /** The current record's field, unquoted, as it is in the file (not trimmed). */
  String field(int index) throws IOException;

  /**
   * The {@link TopValues#hash} of the field as {@link String#strip()} would leave it, when the reader
   * can tell it from the bytes alone (saving a String's encoding per value), else {@link
   * TopValues#NO_HASH}.
   */
  default long strippedHash(int index) {
    return TopValues.NO_HASH;
  }

  /**
   * The field as {@link String#strip()} would leave it, as a view of the bytes read when it is plain
   * ASCII (valid until the next call to {@link #next()}, to {@link #field} or to this method), else
   * null: then {@link #field} gives it.
   */
  default AsciiField strippedAscii(int index) {
    return null;
  }
}
