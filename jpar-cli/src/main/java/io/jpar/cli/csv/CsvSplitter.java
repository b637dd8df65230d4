package io.jpar.cli.csv;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a large CSV file into slices at record boundaries, so that several workers can profile it. One
 * sequential scan follows the CSV grammar over bytes (the encoding must keep ASCII as ASCII) and counts
 * lines, so each slice knows its first line number for error reports. A quote opens a quoted field
 * only at the start of a field, as in RFC 4180 and FastCSV: a bare quote inside an unquoted field
 * ({@code 12" pipe}) is an ordinary character and must not make the scan believe it is inside quotes.
 */
final class CsvSplitter {
  // Scanner states: at the start of a field, inside an unquoted field, inside a quoted one, and just
  // after a quote inside a quoted field (a second quote is an escaped quote; anything else closes it).
  private static final int FIELD_START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;
  private static final int QUOTE_IN_QUOTED = 3;

  private CsvSplitter() {}

  /**
   * @param pieces how many slices to aim for (at least 1)
   * @param options how to read the file; its delimiter must be resolved (not {@link ReadOptions#DETECT})
   * @return slices covering the whole file in order; the first reads the header
   */
  static List<Slice> split(Path file, int pieces, ReadOptions options) throws IOException {
    long size = Files.size(file);
    if (pieces <= 1 || file.getFileName().toString().endsWith(".gz")) {
      return List.of(Slice.whole(file.toString(), options));
    }
    byte delimiter = (byte) options.delimiter();
    List<Long> cuts = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    List<String> header = null;
    java.io.ByteArrayOutputStream headerBytes = new java.io.ByteArrayOutputStream();
    long target = size / pieces;
    long next = target;
    long pos = 0;
    long line = 1;
    int state = FIELD_START;
    boolean inHeader = true;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++, pos++) {
          byte b = buf[i];
          if (inHeader) {
            headerBytes.write(b);
          }
          if (b == '\n') {
            line++;
          }
          state = switch (state) {
            case QUOTED -> b == '"' ? QUOTE_IN_QUOTED : QUOTED;
            case QUOTE_IN_QUOTED -> b == '"' ? QUOTED : b == delimiter || b == '\n' ? FIELD_START : UNQUOTED;
            case FIELD_START -> b == '"' ? QUOTED : b == delimiter || b == '\n' ? FIELD_START : UNQUOTED;
            default -> b == delimiter || b == '\n' ? FIELD_START : UNQUOTED;
          };
          if (b == '\n' && state == FIELD_START) { // a newline that ended a record
            if (inHeader) {
              inHeader = false;
              header = parseHeader(headerBytes.toByteArray(), options);
            } else if (pos + 1 >= next && pos + 1 < size) {
              cuts.add(pos + 1);
              lines.add(line);
              next = pos + 1 + target;
            }
          }
        }
      }
    }
    if (cuts.isEmpty() || header == null) {
      return List.of(Slice.whole(file.toString(), options));
    }
    List<Slice> slices = new ArrayList<>();
    slices.add(new Slice(file.toString(), 0, cuts.get(0), 1, null, options));
    for (int i = 0; i < cuts.size(); i++) {
      long end = i + 1 < cuts.size() ? cuts.get(i + 1) : -1;
      slices.add(new Slice(file.toString(), cuts.get(i), end, lines.get(i), header, options));
    }
    return slices;
  }

  private static List<String> parseHeader(byte[] bytes, ReadOptions options) {
    String text = new String(bytes, options.charset());
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return de.siegmar.fastcsv.reader.CsvReader.builder().fieldSeparator(options.delimiter())
        .ofSingleCsvRecord(text).getFields();
  }
}
