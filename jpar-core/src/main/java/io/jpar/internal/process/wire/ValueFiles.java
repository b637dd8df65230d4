package io.jpar.internal.process.wire;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Big values that cross between the caller and a worker through a file in shared memory instead of
 * the pipe (what joblib does above {@code max_nbytes}): the sender writes each {@code byte[]} or
 * string of at least {@link #threshold()} bytes to a file of its own in the pool's directory ({@code
 * /dev/shm}, else the temporary directory) when it sends the block ({@link #spill}), and only the
 * file's path and the value's length cross the pipe, in a {@code FILES} block of {@link Values}; the
 * receiver reads the file into a new array and deletes it. A value whose file cannot be written, or
 * for which the directory lacks room, goes through the pipe as before. Off unless a pool asks for it:
 * on a 2-core VM each value then crosses memory twice, one pass after the other (the sender's write,
 * then the receiver's read), where the pipe overlaps the two, and 100 MB inputs crossed at about half
 * the pipe's rate (results at 0.7-0.9x); see BENCHMARKS.md, issue 16.
 *
 * <p>Files are named like {@code SharedBytes}' ({@link SharedFiles}), after the JVM that wrote them,
 * so the same machinery removes what a death leaves: a worker whose parent died deletes its parent's
 * and its own files, the caller deletes a dead worker's, and every pool's start sweeps files whose
 * owner is gone. The receiver reads only files in the pool's directory named for the peer it expects
 * ({@code jpar-shm-<pid>-<start>-<uuid>}), never a symbolic link: a worker cannot make the caller read
 * (or delete) any other file. The sender deletes what it wrote if the message could not be sent; what
 * was sent and never read is the sender's to delete once the receiver is known dead or done.
 *
 * <p>Immutable; any thread.
 */
public final class ValueFiles {
  /**
   * Files are read and written this much per call: a heap array goes through a temporary native buffer
   * of the call's size, which the JDK keeps per thread, so it must stay small.
   */
  private static final int SLICE = 1 << 20;
  private static final Pattern RANDOM_PART = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final ValueFiles OFF = new ValueFiles(null, null, 0, null, null, () -> {});

  private final Path dir;
  /** The directory's file store, for its free space; null when the directory is unusable. */
  private final FileStore store;
  private final int threshold;
  /** How this JVM's files' names begin. */
  private final String ownPrefix;
  /** How the names of the files the peer sends begin: nothing else is read. */
  private final String peerPrefix;
  /**
   * Called after each slice read from a file: no bytes come through the pipe meanwhile, and a reader
   * that notes the peer's liveness by its bytes must not take a long read for silence.
   */
  private final Runnable reading;

  private ValueFiles(Path dir, FileStore store, int threshold, String ownPrefix, String peerPrefix, Runnable reading) {
    this.dir = dir;
    this.store = store;
    this.threshold = threshold;
    this.ownPrefix = ownPrefix;
    this.peerPrefix = peerPrefix;
    this.reading = reading;
  }

  /** Big values go through the pipe, and a {@code FILES} block is refused. */
  public static ValueFiles off() {
    return OFF;
  }

  /**
   * Values of at least {@code threshold} bytes (0: none) go through files in {@code dir}, named for this
   * JVM; files are accepted from the owner {@code peerTag} (see {@link SharedFiles#ownerTag}), or from
   * nobody while it is null.
   */
  public static ValueFiles of(Path dir, int threshold, String peerTag) {
    if (threshold <= 0) {
      return OFF;
    }
    FileStore store;
    try {
      store = Files.getFileStore(dir);
    } catch (IOException e) {
      store = null; // every value goes through the pipe: there is no room to be had
    }
    String own = SharedFiles.prefixOf(SharedFiles.ownerTag(ProcessHandle.current()));
    return new ValueFiles(dir.toAbsolutePath(), store, threshold, own, peerTag == null ? null : SharedFiles.prefixOf(peerTag),
        () -> {});
  }

  /**
   * The same directory and threshold, accepting files from the owner {@code peerTag}, and calling
   * {@code reading} as a file's slices are read (the peer is not silent meanwhile).
   */
  public ValueFiles withPeer(String peerTag, Runnable reading) {
    return this == OFF ? OFF : new ValueFiles(dir, store, threshold, ownPrefix, SharedFiles.prefixOf(peerTag), reading);
  }

  /** The size from which values go through files; 0 when they never do. */
  public int threshold() {
    return threshold;
  }

  /** Where the files go, or null when they never do. */
  public Path directory() {
    return dir;
  }

  /**
   * A block ready to send and the files written for it: {@code files} is empty when nothing went to a
   * file, and then {@code block} is the one given.
   *
   * @param block what to send instead
   * @param files the files written, to delete if the block is not sent (or, sent, never read)
   */
  public record Spilled(EncodedValues block, List<Path> files) {
    /** Deletes the files (ones the receiver read are gone already). */
    public void delete() {
      deleteAll(files);
    }

    /** Deletes {@code files}, quietly: one that cannot be deleted is left for the sweep of dead owners' files. */
    public static void deleteAll(List<Path> files) {
      for (Path f : files) {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          // left for the sweep of dead owners' files
        }
      }
    }
  }

  /**
   * Writes the block's big {@code byte[]} and strings to files and returns the block that names them;
   * any other block, or one with no value at the threshold, as it is. Called when the block is sent (a
   * file lives from its send to its read), never when it is made: batches are re-cut and re-sent.
   */
  public Spilled spill(EncodedValues block) {
    byte[][] arrays = block.arrays();
    if (this == OFF || arrays == null) {
      return new Spilled(block, List.of());
    }
    byte[][] names = new byte[arrays.length][];
    List<Path> files = new ArrayList<>();
    long length = 1 + 4 + 1;
    for (int i = 0; i < arrays.length; i++) {
      byte[] a = arrays[i];
      Path file = a.length >= threshold && hasRoomFor(a.length) ? write(a) : null;
      if (file != null) {
        files.add(file);
        names[i] = file.toString().getBytes(StandardCharsets.UTF_8);
      }
      length += 4 + 1 + (names[i] != null ? 4 + names[i].length : a.length);
    }
    if (files.isEmpty()) {
      return new Spilled(block, List.of());
    }
    byte of = block.arraysTag();
    return new Spilled(EncodedValues.streamed(out -> writeBlock(out, of, arrays, names), (int) length, arrays.length),
        List.copyOf(files));
  }

  /** {@code [u8 FILES][i32 count][u8 of] count x ([u32 n][u8 inFile] then n bytes, or [str path])}. */
  private static void writeBlock(DataOutputStream out, byte of, byte[][] arrays, byte[][] names) throws IOException {
    out.writeByte(Values.FILES);
    out.writeInt(arrays.length);
    out.writeByte(of);
    for (int i = 0; i < arrays.length; i++) {
      out.writeInt(arrays[i].length);
      out.writeBoolean(names[i] != null);
      if (names[i] != null) {
        out.writeInt(names[i].length);
        out.write(names[i]);
      } else {
        EncodedValues.writeSlices(out, arrays[i], 0, arrays[i].length);
      }
    }
  }

  /** Room for the file and as much again, as for {@code SharedBytes}: a full tmpfs is everyone's memory. */
  private boolean hasRoomFor(long size) {
    try {
      return store != null && store.getUsableSpace() > 2 * size;
    } catch (IOException e) {
      return false;
    }
  }

  /** The value in a new file of this JVM's, or null (and no file) if it cannot be written. */
  private Path write(byte[] a) {
    Path file = dir.resolve(ownPrefix + UUID.randomUUID());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int at = 0; at < a.length; at += SLICE) {
        ByteBuffer slice = ByteBuffer.wrap(a, at, Math.min(SLICE, a.length - at));
        while (slice.hasRemaining()) {
          ch.write(slice);
        }
      }
      return file;
    } catch (IOException e) {
      Spilled.deleteAll(List.of(file)); // a full tmpfs fails the write cleanly; the value takes the pipe
      return null;
    }
  }

  /**
   * Reads the value of {@code n} bytes ({@code what}: "byte[]", "string") in the file named next in
   * {@code r} (the field {@code "file path"}) into a new array and deletes the file. The path must be
   * one of the peer's files in the pool's directory, not a link, and the file exactly {@code n} bytes
   * long; else a {@link ProtocolException} naming the field, and a file that is not the peer's is left
   * alone.
   */
  byte[] read(PayloadReader r, int n, String what) throws IOException {
    String name = r.string("file path");
    if (this == OFF || peerPrefix == null) {
      throw r.error("file path: a value came in a file (" + name + "), but this pool sends values through the pipe");
    }
    Path file = checked(r, name);
    try {
      return readWhole(r, file, n, what, reading);
    } finally {
      Spilled.deleteAll(List.of(file));
    }
  }

  /** One copy, from the file into the new array, through the JDK's small native buffer per slice. */
  private static byte[] readWhole(PayloadReader r, Path file, int n, String what, Runnable reading)
      throws ProtocolException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size != n) {
        throw r.error(what + " length " + n + " does not match its file " + file + " of " + size + " bytes");
      }
      byte[] a = new byte[n];
      for (int at = 0; at < n; ) {
        int got = ch.read(ByteBuffer.wrap(a, at, Math.min(SLICE, n - at)));
        if (got < 0) {
          throw r.error("file path: " + file + " ended at " + at + " of its " + n + " bytes");
        }
        at += got;
        reading.run();
      }
      return a;
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw r.error("file path: cannot read " + file + " (" + e + ")");
    }
  }

  /** The path, if it names one of the peer's files in the pool's directory. */
  private Path checked(PayloadReader r, String name) throws ProtocolException {
    Path file;
    try {
      file = Path.of(name);
    } catch (InvalidPathException e) {
      throw r.error("file path '" + name + "' is not a path");
    }
    Path fileName = file.getFileName();
    String random = fileName == null || !fileName.toString().startsWith(peerPrefix) ? ""
        : fileName.toString().substring(peerPrefix.length());
    if (!dir.equals(file.getParent()) || !RANDOM_PART.matcher(random).matches()) {
      throw r.error("file path '" + name + "' is not one of this pool's value files (" + dir.resolve(peerPrefix)
          + "<uuid>); refused");
    }
    return file;
  }
}
