package io.jpar;

import io.jpar.internal.process.wire.SharedFiles;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Bytes written once and shared, not copied, with every worker process: a model, a lookup table, a
 * large input that many tasks read. They live in a file in {@code /dev/shm} (memory; the temporary
 * directory when that is missing or too small) that each worker maps read-only, so what crosses to a
 * worker with each task is the file's name and size, whatever the size: a 1 GB input given to 100
 * tasks costs one write, not 100 copies. On thread pools the same object is simply shared.
 *
 * {@snippet :
 * try (SharedBytes model = SharedBytes.copyOf(Files.readAllBytes(modelFile));
 *      Pool pool = Pool.processes().build()) {
 *   List<Double> scores = pool.map(doc -> Scorer.score(model.buffer(), doc), docs);
 * }
 * }
 *
 * <p>The caller that made them owns the file: {@link #close()} deletes it (workers that still have
 * it mapped keep reading until they let go), and so does this JVM's exit. Bytes made by {@link
 * Pool#share(byte[])} belong to that pool instead: its close (or terminate) deletes the file, so one
 * try-with-resources on the pool covers both; bytes from {@link #copyOf} may serve several pools, and
 * outlive each of them. A caller killed outright
 * ({@code kill -9}) leaves nothing behind either: its workers delete its files on their way out, and
 * the next {@code SharedBytes} made on the machine sweeps any whose owner is dead. At most {@link
 * Integer#MAX_VALUE} bytes (a {@link ByteBuffer}'s reach).
 *
 * <p>Thread safety: immutable once made; {@link #buffer()} gives each caller its own view, so any
 * number of threads may read at once.
 *
 * @since 0.1
 */
public final class SharedBytes implements Serializable, AutoCloseable {
  @Serial private static final long serialVersionUID = 1L;
  /** Files this JVM made and has not closed: deleted at its exit. */
  private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();
  private static final Thread EXIT_CLEANUP = new Thread(SharedBytes::deleteOwned, "jpar-shared-bytes-cleanup");

  static {
    Runtime.getRuntime().addShutdownHook(EXIT_CLEANUP);
  }

  /** The file's absolute path: all that crosses to a worker, with the size. */
  private final String path;
  /** The number of bytes in the file. */
  private final int size;
  /** Mapped on first use in each JVM; read-only. */
  private transient volatile MappedByteBuffer map;
  /** True only in the JVM that made it: only the owner deletes the file. */
  private final transient boolean owner;

  private SharedBytes(Path path, int size, boolean owner) {
    this.path = path.toString();
    this.size = size;
    this.owner = owner;
  }

  /**
   * Writes a copy of {@code bytes} to a new shared file.
   *
   * @param bytes what to share; not kept
   * @return the shared bytes, owned by this JVM until {@link #close()}
   * @throws UncheckedIOException if the file cannot be written (no room, no permission)
   */
  public static SharedBytes copyOf(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return write(bytes.length, buffer -> buffer.put(bytes));
  }

  /**
   * Makes a shared file of {@code size} bytes and lets {@code writer} fill it in place (through a
   * writable mapping, no copy in the heap); it is read-only once {@code writer} returns.
   *
   * @param size the number of bytes, 0 to {@link Integer#MAX_VALUE}
   * @param writer fills the buffer it is given (position 0, limit {@code size}); bytes it leaves alone are 0
   * @return the shared bytes, owned by this JVM until {@link #close()}
   * @throws IllegalArgumentException if {@code size} is negative
   * @throws UncheckedIOException if the file cannot be made (no room, no permission)
   */
  public static SharedBytes write(int size, Consumer<? super ByteBuffer> writer) {
    Objects.requireNonNull(writer, "writer");
    if (size < 0) {
      throw new IllegalArgumentException("size must be 0 or more, was " + size);
    }
    Path file = SharedFiles.newPath(size);
    OWNED.add(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      // Reserve the space with a real write first: a mapping past the end of a full tmpfs faults (SIGBUS)
      // where a write fails cleanly.
      if (size > 0) {
        ch.write(ByteBuffer.wrap(new byte[1]), size - 1L);
      }
      MappedByteBuffer out = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
      writer.accept(out.duplicate().clear());
    } catch (IOException e) {
      OWNED.remove(file);
      deleteQuietly(file);
      throw new UncheckedIOException("cannot write " + size + " shared bytes to " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      OWNED.remove(file);
      deleteQuietly(file);
      throw e;
    }
    return new SharedBytes(file, size, true);
  }

  /**
   * The number of bytes.
   *
   * @return the size given when they were made
   */
  public int size() {
    return size;
  }

  /**
   * A read-only view of the bytes, at position 0 with limit {@link #size()}; its own position and
   * limit, so views do not disturb each other. The file is mapped on the first call in each JVM.
   *
   * @return a new read-only view
   * @throws IllegalStateException if the owner closed them before this JVM first mapped them
   */
  public ByteBuffer buffer() {
    MappedByteBuffer m = map;
    if (m == null) {
      m = mapNow();
    }
    return m.asReadOnlyBuffer();
  }

  private synchronized MappedByteBuffer mapNow() {
    if (map == null) {
      try (FileChannel ch = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
        map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      } catch (NoSuchFileException e) {
        throw new IllegalStateException("these shared bytes (" + path + ") were closed by the JVM that made them;"
            + " keep them open while tasks use them", e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot map shared bytes " + path + ": " + e.getMessage(), e);
      }
    }
    return map;
  }

  /**
   * In the JVM that made them, deletes the file; elsewhere (a worker) does nothing. Views already
   * taken, here or in workers that mapped the file, stay readable until they are let go.
   */
  @Override
  public void close() {
    if (owner && OWNED.remove(Path.of(path))) {
      deleteQuietly(Path.of(path));
    }
  }

  @Override
  public String toString() {
    return "SharedBytes[" + size + " bytes at " + path + "]";
  }

  /**
   * Refuses anything but the name of a file jpar made: a worker maps what it is given.
   *
   * @param in the stream
   * @throws IOException if the stream fails or the path is not a shared-bytes file
   * @throws ClassNotFoundException never, in practice (only JDK types are read)
   */
  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    Path name = path == null ? null : Path.of(path).getFileName();
    if (size < 0 || name == null || !name.toString().startsWith("jpar-shm-")) {
      throw new java.io.InvalidObjectException("not shared bytes made by jpar: " + path);
    }
  }

  private static void deleteOwned() {
    for (Path p : OWNED) {
      deleteQuietly(p);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // left for the sweep of dead owners' files
    }
  }
}
