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
 * sequential scan tracks whether it is inside quotes (a newline inside a quoted field is not a record
 * boundary) and counts lines, so each slice knows its first line number for error reports.
 */
final class CsvSplitter {
  private CsvSplitter() {}

  /**
   * @param pieces how many slices to aim for (at least 1)
   * @return slices covering the whole file in order; the first reads the header
   */
  static List<Slice> split(Path file, int pieces) throws IOException {
    long size = Files.size(file);
    if (pieces <= 1 || file.getFileName().toString().endsWith(".gz")) {
      return List.of(Slice.whole(file.toString()));
    }
    List<Long> cuts = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    List<String> header = null;
    StringBuilder headerText = new StringBuilder();
    long target = size / pieces;
    long next = target;
    long pos = 0;
    long line = 1;
    boolean quoted = false;
    boolean inHeader = true;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++, pos++) {
          byte b = buf[i];
          if (b == '"') {
            quoted = !quoted; // "" inside quotes toggles twice: no change, as it should
          }
          if (inHeader) {
            headerText.append((char) (b & 0xff));
          }
          if (b == '\n') {
            line++;
            if (!quoted) {
              if (inHeader) {
                inHeader = false;
                header = parseHeader(headerText.toString());
              } else if (pos + 1 >= next && pos + 1 < size) {
                cuts.add(pos + 1);
                lines.add(line);
                next = pos + 1 + target;
              }
            }
          }
        }
      }
    }
    if (cuts.isEmpty() || header == null) {
      return List.of(Slice.whole(file.toString()));
    }
    List<Slice> slices = new ArrayList<>();
    slices.add(new Slice(file.toString(), 0, cuts.get(0), 1, null));
    for (int i = 0; i < cuts.size(); i++) {
      long end = i + 1 < cuts.size() ? cuts.get(i + 1) : -1;
      slices.add(new Slice(file.toString(), cuts.get(i), end, lines.get(i), header));
    }
    return slices;
  }

  private static List<String> parseHeader(String latin1Line) {
    String text = new String(latin1Line.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
        java.nio.charset.StandardCharsets.UTF_8);
    return de.siegmar.fastcsv.reader.CsvReader.builder().ofSingleCsvRecord(text).getFields();
  }
}
