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
  /** All spools together keep at most this much in memory; past it every spool writes to disk. */
  static final long BUDGET = 64L << 20;
  private static final java.util.concurrent.atomic.AtomicLong HELD = new java.util.concurrent.atomic.AtomicLong();

  private ByteArrayOutputStream memory = new ByteArrayOutputStream(256);
  private Path file;
  private OutputStream fileOut;
  private long size;
  private String failure;

  /** Reads {@code in} to its end. */
  void drain(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      write(buf, n);
    }
  }

  /** Why the spool could not keep what it was given, or null. */
  String failure() {
    return failure;
  }

  void write(byte[] b, int n) throws IOException {
    try {
      append(b, n);
    } catch (IOException e) {
      failure = e.getMessage() == null ? e.toString() : e.getMessage();
      throw e;
    }
  }

  private void append(byte[] b, int n) throws IOException {
    size += n;
    if (fileOut == null && (memory.size() + n > IN_MEMORY || HELD.get() + n > BUDGET)) {
      file = Files.createTempFile("jpar-exec-", ".out");
      fileOut = Files.newOutputStream(file);
      memory.writeTo(fileOut);
      HELD.addAndGet(-memory.size());
      memory = null;
    }
    if (fileOut != null) {
      fileOut.write(b, 0, n);
    } else {
      memory.write(b, 0, n);
      HELD.addAndGet(n);
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
    if (memory != null) {
      HELD.addAndGet(-memory.size());
      memory = new ByteArrayOutputStream(0);
    }
    if (fileOut != null) {
      fileOut.close();
      Files.deleteIfExists(file);
    }
  }
}
