package io.jpar.cli.csv;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Profiles a slice of a CSV file in one streaming pass (memory does not grow with the file). Runs in
 * whatever JVM the pool chose, so it only returns a {@link FileProfile}, never throws for bad input.
 */
public final class CsvProfiler {
  /** Bytes read at a time: large reads, few system calls; a longer record grows its reader's buffer. */
  private static final int READ_BUFFER = 1 << 20;

  private CsvProfiler() {}

  public static FileProfile profile(Slice slice) {
    Path path = Path.of(slice.file());
    FileProfile p = new FileProfile(slice.file());
    try {
      if (!Files.isRegularFile(path)) {
        return FileProfile.failed(slice.file(), Files.exists(path) ? "not a regular file" : "no such file");
      }
      if (slice.start() == 0 && looksBinary(path)) {
        return FileProfile.failed(slice.file(), "binary file (NUL bytes in its first 8 KiB), not CSV");
      }
      ReadOptions options = slice.options();
      if (options.delimiter() == ReadOptions.DETECT) {
        options = options.withDelimiter(DelimiterDetector.detect(path, options.charset()));
      }
      try (CsvRecords csv = records(open(path, slice), options, slice.start() == 0)) {
        read(csv, slice, options.nulls(), p);
      }
    } catch (NoSuchFileException e) {
      return FileProfile.failed(slice.file(), "no such file");
    } catch (AccessDeniedException e) {
      return FileProfile.failed(slice.file(), "permission denied");
    } catch (CharacterCodingException e) {
      p.error = notText(slice, p) + " (" + e.getClass().getSimpleName() + ")";
    } catch (UncheckedIOException e) {
      p.error = describe(e.getCause(), slice, p);
    } catch (IOException e) {
      p.error = describe(e, slice, p);
    }
    p.columns.forEach(ColumnStats::seal);
    return p;
  }

  private static String describe(IOException e, Slice slice, FileProfile p) {
    if (e instanceof CharacterCodingException) {
      return notText(slice, p);
    }
    return "cannot read: " + e.getMessage();
  }

  private static String notText(Slice slice, FileProfile p) {
    String encoding = slice.options().encoding();
    return "not " + encoding + " text after row " + p.rows
        + (encoding.equalsIgnoreCase("UTF-8") ? "; if it is Latin-1, try --encoding ISO-8859-1" : "");
  }

  /** Bytes split before decoding where the encoding allows it (nearly always), else FastCSV over text. */
  private static CsvRecords records(InputStream raw, ReadOptions options, boolean fileStart) throws IOException {
    java.nio.charset.Charset charset = options.charset();
    if (ByteCsvReader.canRead(charset, options.delimiter())) {
      return new ByteCsvReader(raw, options.delimiter(), charset, fileStart, READ_BUFFER);
    }
    return new FastCsvRecords(withoutBom(strict(raw, charset), fileStart), options.delimiter());
  }

  private static void read(CsvRecords csv, Slice slice, java.util.Set<String> nulls, FileProfile p)
      throws IOException {
    List<String> header = slice.header();
    String[] nullWords = nulls.toArray(String[]::new);
    long lastLine = slice.firstLine();
    try {
      while (csv.next()) {
        long line = csv.line() + slice.firstLine() - 1;
        lastLine = line;
        int n = csv.fieldCount();
        if (header == null) {
          String[] names = new String[n];
          for (int i = 0; i < n; i++) {
            names[i] = csv.field(i);
          }
          header = List.of(names);
          continue;
        }
        if (p.columns.isEmpty()) {
          p.header = header;
          int capacity = ColumnStats.topCapacity(header.size());
          for (String name : header) {
            p.columns.add(new ColumnStats(name, capacity));
          }
        }
        if (n != header.size()) {
          p.problem("line " + line + ": " + n + " fields, expected " + header.size());
          for (int i = header.size(); i < n; i++) {
            csv.field(i); // not profiled, but its bytes must be text in the encoding all the same
          }
        }
        for (int i = 0; i < Math.min(n, header.size()); i++) {
          // A plain ASCII field is read from the reader's bytes: no String unless the column keeps it.
          AsciiField ascii = csv.strippedAscii(i);
          if (ascii != null) {
            p.columns.get(i).addStripped(ascii, nullWords);
          } else {
            p.columns.get(i).add(csv.field(i), nulls, csv.strippedHash(i));
          }
        }
        p.rows++; // after its fields: a row whose bytes are not text in the encoding is not counted
      }
    } catch (MalformedCsvException e) {
      p.problem("after line " + lastLine + ": " + e.getMessage() + " (the rest of the file was not read)");
    }
    if (header == null && slice.start() == 0) {
      p.problem("empty file: no header, no rows");
    }
    if (p.columns.isEmpty() && header != null) {
      p.header = header;
      header.forEach(h -> p.columns.add(new ColumnStats(h, ColumnStats.topCapacity(p.header.size()))));
    }
  }

  private static boolean looksBinary(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] head = in.readNBytes(8192);
      if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
        return false; // gzip: judged after decompression
      }
      for (byte b : head) {
        if (b == 0) {
          return true;
        }
      }
      return false;
    }
  }

  private static InputStream open(Path path, Slice slice) throws IOException {
    InputStream in = Files.newInputStream(path);
    if (path.getFileName().toString().endsWith(".gz")) {
      return new GZIPInputStream(new BufferedInputStream(in, 1 << 16), 1 << 16);
    }
    in.skipNBytes(slice.start());
    return slice.end() < 0 ? in : new BoundedInputStream(in, slice.end() - slice.start());
  }

  /** Text that reports bad bytes instead of replacing them silently. */
  private static Reader strict(InputStream in, java.nio.charset.Charset charset) {
    return new InputStreamReader(in, charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  /** Skips a byte order mark at the start of a file: it is not part of the first column's name. */
  private static Reader withoutBom(Reader in, boolean fileStart) throws IOException {
    if (!fileStart) {
      return in;
    }
    java.io.PushbackReader r = new java.io.PushbackReader(in, 1);
    int c = r.read();
    if (c >= 0 && c != '\uFEFF') {
      r.unread(c);
    }
    return r;
  }

  /** Reads at most {@code limit} bytes of the underlying stream. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
