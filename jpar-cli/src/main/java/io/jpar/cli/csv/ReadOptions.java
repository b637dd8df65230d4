package io.jpar.cli.csv;

import java.io.Serializable;
import java.nio.charset.Charset;
import java.util.Set;

/**
 * How to read the files of one {@code jpar csv} run: their encoding, field separator and the values
 * that mean "missing". Travels with every {@link Slice} to the worker that profiles it.
 *
 * @param encoding a charset name that encodes ASCII as ASCII (UTF-8, ISO-8859-1, windows-1252, ...):
 *     the splitter finds record boundaries in bytes
 * @param delimiter the field separator, or {@link #DETECT} to choose it from each file's header line
 * @param nulls values (after trimming) counted as missing, like an empty field
 */
public record ReadOptions(String encoding, char delimiter, Set<String> nulls) implements Serializable {
  /** A delimiter of 0: look at each file's header line. */
  public static final char DETECT = 0;
  public static final Set<String> DEFAULT_NULLS = Set.of("NA", "NULL");
  public static final ReadOptions DEFAULTS = new ReadOptions("UTF-8", DETECT, DEFAULT_NULLS);

  public ReadOptions {
    nulls = Set.copyOf(nulls);
  }

  Charset charset() {
    return Charset.forName(encoding);
  }

  ReadOptions withDelimiter(char d) {
    return new ReadOptions(encoding, d, nulls);
  }
}
