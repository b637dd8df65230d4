package io.jpar.internal.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How long one thread has been runnable but not running: waiting for a CPU that other threads or
 * processes held (Linux's {@code /proc/<pid>/task/<tid>/schedstat}, second field). On a busy machine
 * a computing task's wall time grows by exactly this, and its CPU share (CPU over wall) would read as
 * waiting; subtracting it gives the time the task <em>ran or waited on its own</em>.
 *
 * <p>The file is opened once by the thread itself ({@code /proc/thread-self} names the caller) and then
 * read with a positioned read (~1 µs, against ~5–10 µs to open, read and close it each time), so a
 * reading can be taken per task. Read it on the thread itself, while it runs: Linux adds a wait to the
 * figure only when the wait ends (the thread gets a CPU), so another thread's reading of it lags by
 * the wait going on — tens of milliseconds on a busy machine. And read it <em>outside</em> the wall
 * clock it is subtracted from: a thread is often put aside just after a system call, such as this
 * read. Where the platform does not say (not Linux, schedstat off) {@link #nanos()} returns -1 and the
 * callers keep their plain wall times. Thread-safe.
 */
public final class CpuWait implements AutoCloseable {
  private static final ThreadLocal<CpuWait> MINE = new ThreadLocal<>();
  private static final CpuWait NONE = new CpuWait(null);

  private final FileChannel schedstat;

  private CpuWait(FileChannel schedstat) {
    this.schedstat = schedstat;
  }

  /**
   * The calling thread's reading, opened on its first use and kept for the thread's life (a pool's
   * threads {@link #release} it when they end; the channel's own cleaner closes it otherwise). Virtual
   * threads get one that always says -1: their carrier's wait is not theirs.
   */
  public static CpuWait current() {
    CpuWait w = MINE.get();
    if (w == null) {
      w = Thread.currentThread().isVirtual() ? NONE : open();
      MINE.set(w);
    }
    return w;
  }

  /** Closes the calling thread's reading, if it has one: called by a pool's thread as it ends. */
  public static void release() {
    CpuWait w = MINE.get();
    if (w != null) {
      MINE.remove();
      w.close();
    }
  }

  private static CpuWait open() {
    try {
      // The real path pins this thread's id: the channel keeps reading this thread from any other.
      Path own = Path.of("/proc/thread-self").toRealPath().resolve("schedstat");
      return new CpuWait(FileChannel.open(own));
    } catch (IOException | RuntimeException e) {
      return NONE;
    }
  }

  /** Nanoseconds this thread has waited for a CPU so far, or -1 where that cannot be told. */
  public long nanos() {
    if (schedstat == null) {
      return -1;
    }
    try {
      ByteBuffer buf = ByteBuffer.allocate(96);
      schedstat.read(buf, 0);
      return parseSecondField(buf.array(), buf.position());
    } catch (IOException | RuntimeException e) {
      return -1; // the thread has ended, or the file is not what it should be
    }
  }

  /** The second of the space-separated decimal fields in {@code bytes[0, length)}, or -1. */
  static long parseSecondField(byte[] bytes, int length) {
    int i = 0;
    while (i < length && bytes[i] != ' ') {
      i++;
    }
    i++;
    long value = 0;
    int digits = 0;
    for (; i < length && bytes[i] >= '0' && bytes[i] <= '9'; i++, digits++) {
      value = value * 10 + (bytes[i] - '0');
    }
    return digits == 0 || digits > 18 ? -1 : value;
  }

  @Override
  public void close() {
    if (schedstat != null) {
      try {
        schedstat.close();
      } catch (IOException e) {
        // a read-only /proc file: nothing was written that could be lost
      }
    }
  }
}
