package io.jpar.cli.csv;

import java.io.Serializable;
import java.util.List;

/**
 * A piece of a CSV file to profile: bytes {@code [start, end)} beginning at a record boundary on
 * physical line {@code firstLine}. The first slice of a file reads the header itself ({@code header}
 * is null); later slices are given it.
 *
 * @param file the file
 * @param start first byte
 * @param end one past the last byte, or -1 for "to the end"
 * @param firstLine line number of the first byte (1-based)
 * @param header the column names for a later slice, else null
 * @param options how to read it; the delimiter is resolved for every slice but the first of a file
 */
public record Slice(String file, long start, long end, long firstLine, List<String> header, ReadOptions options)
    implements Serializable {
  /** A slice read with the default options (UTF-8, delimiter from the header, NA and NULL missing). */
  public Slice(String file, long start, long end, long firstLine, List<String> header) {
    this(file, start, end, firstLine, header, ReadOptions.DEFAULTS);
  }

  static Slice whole(String file, ReadOptions options) {
    return new Slice(file, 0, -1, 1, null, options);
  }
}
