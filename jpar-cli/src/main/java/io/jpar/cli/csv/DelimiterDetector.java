package io.jpar.cli.csv;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Chooses a file's field separator from its header line, the one line whose fields are names and so
 * rarely contain separators: the most frequent of {@code , ; TAB |} outside quotes, comma on a tie or
 * when there is none (a one-column file).
 */
final class DelimiterDetector {
  static final String CANDIDATES = ",;\t|";
  private static final int HEAD = 1 << 16;

  private DelimiterDetector() {}

  static char detect(Path file, Charset charset) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      return fromHeader(new String(in.readNBytes(HEAD), charset));
    } catch (IOException | RuntimeException e) {
      return ','; // unreadable files are reported by the profiler, which tries to read them
    }
  }

  static char fromHeader(String head) {
    int[] counts = new int[CANDIDATES.length()];
    boolean quoted = false;
    for (int i = 0; i < head.length(); i++) {
      char c = head.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '\n' || c == '\r')) {
        break;
      } else if (!quoted) {
        int k = CANDIDATES.indexOf(c);
        if (k >= 0) {
          counts[k]++;
        }
      }
    }
    int best = 0;
    for (int k = 1; k < counts.length; k++) {
      if (counts[k] > counts[best]) {
        best = k;
      }
    }
    return CANDIDATES.charAt(best);
  }
}
