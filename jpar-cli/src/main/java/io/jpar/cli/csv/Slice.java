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
 */
public record Slice(String file, long start, long end, long firstLine, List<String> header) implements Serializable {
  static Slice whole(String file) {
    return new Slice(file, 0, -1, 1, null);
  }
}
