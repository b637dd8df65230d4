package io.jpar.cli.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One stream of a job's output, kept whole until the job ends: in memory up to {@value #IN_MEMORY}
 * bytes, then in a temporary file, so a job that floods its output costs disk, not heap.
 */
final class Spool implements AutoCloseable {
  static final int IN_MEMORY = 1 << 20;

  private ByteArrayOutputStream memory = new ByteArrayOutputStream(256);
  private Path file;
  private OutputStream fileOut;
  private long size;

  /** Reads {@code in} to its end. */
  void drain(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      write(buf, n);
    }
  }

  private void write(byte[] b, int n) throws IOException {
    size += n;
    if (fileOut == null && memory.size() + n > IN_MEMORY) {
      file = Files.createTempFile("jpar-exec-", ".out");
      fileOut = Files.newOutputStream(file);
      memory.writeTo(fileOut);
      memory = null;
    }
    if (fileOut != null) {
      fileOut.write(b, 0, n);
    } else {
      memory.write(b, 0, n);
    }
  }

  long size() {
    return size;
  }

  /** Copies everything to {@code out}, each line prefixed with {@code tag} when it is not null. */
  void copyTo(OutputStream out, byte[] tag) throws IOException {
    if (fileOut != null) {
      fileOut.flush();
      try (InputStream in = Files.newInputStream(file)) {
        copy(in, out, tag);
      }
    } else {
      copy(new java.io.ByteArrayInputStream(memory.toByteArray()), out, tag);
    }
  }

  private static void copy(InputStream in, OutputStream out, byte[] tag) throws IOException {
    if (tag == null) {
      in.transferTo(out);
      return;
    }
    boolean lineStart = true;
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (lineStart) {
          out.write(buf, from, i - from);
          out.write(tag);
          from = i;
          lineStart = false;
        }
        if (buf[i] == '\n') {
          lineStart = true;
        }
      }
      out.write(buf, from, n - from);
    }
  }

  @Override
  public void close() throws IOException {
    if (fileOut != null) {
      fileOut.close();
      Files.deleteIfExists(file);
    }
  }
}
