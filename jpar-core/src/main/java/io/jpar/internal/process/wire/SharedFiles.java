package io.jpar.internal.process.wire;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the files behind {@code io.jpar.SharedBytes} live and who owns them. A file is named {@code
 * jpar-shm-<pid>-<start>-<random>}, after the JVM that made it (its pid and start time, so that a
 * reused pid is not taken for the owner), in {@code /dev/shm} (memory, no disk) when it has room,
 * else the temporary directory. Files outlive a caller killed with {@code kill -9}; so each worker,
 * when it finds its parent gone, deletes its parent's files on its way out, and every creation first
 * sweeps files whose owner is no longer alive. Stateless; any thread.
 */
public final class SharedFiles {
  static final String PREFIX = "jpar-shm-";
  private static final Path SHM = Path.of("/dev/shm");

  private SharedFiles() {}

  /** A new file's path for {@code size} bytes, in this JVM's name. Sweeps dead owners' files first. */
  public static Path newPath(long size) {
    sweepDeadOwners();
    return directoryFor(size).resolve(prefixOf(ownerTag(ProcessHandle.current())) + UUID.randomUUID());
  }

  /** How the names of the owner {@code tag}'s files begin: {@code jpar-shm-<tag>-}. */
  public static String prefixOf(String tag) {
    return PREFIX + tag + "-";
  }

  /** {@code /dev/shm} if it is there with room to spare for {@code size} bytes, else the temporary directory. */
  public static Path directoryFor(long size) {
    try {
      if (Files.isDirectory(SHM) && Files.isWritable(SHM) && Files.getFileStore(SHM).getUsableSpace() > 2 * size) {
        return SHM;
      }
    } catch (IOException e) {
      // no usable /dev/shm: the temporary directory below
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** {@code <pid>-<start millis>}: who a file belongs to. A start time that cannot be read is 0. */
  public static String ownerTag(ProcessHandle p) {
    return p.pid() + "-" + p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** Deletes every file of the owner {@code tag} (a dead parent's, from the worker it left behind). */
  public static void deleteOwnedBy(String tag) {
    forEachFile(f -> {
      if (f.getFileName().toString().startsWith(prefixOf(tag))) {
        Files.deleteIfExists(f);
      }
    });
  }

  /** Deletes files whose owner is no longer alive (a caller killed before it could clean up). */
  public static void sweepDeadOwners() {
    forEachFile(f -> {
      String[] parts = f.getFileName().toString().substring(PREFIX.length()).split("-", 3);
      if (parts.length == 3 && !alive(parts[0], parts[1])) {
        Files.deleteIfExists(f);
      }
    });
  }

  private static boolean alive(String pid, String start) {
    Optional<ProcessHandle> p;
    try {
      p = ProcessHandle.of(Long.parseLong(pid));
    } catch (NumberFormatException e) {
      return true; // not a name of ours after all: leave it alone
    }
    return p.isPresent() && p.get().isAlive() && ownerTag(p.get()).equals(pid + "-" + start);
  }

  private interface FileAction {
    void apply(Path file) throws IOException;
  }

  private static void forEachFile(FileAction action) {
    for (Path dir : new Path[] {SHM, Path.of(System.getProperty("java.io.tmpdir"))}) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
        for (Path f : files) {
          try {
            action.apply(f);
          } catch (IOException e) {
            // someone else's, or gone already: not ours to worry about
          }
        }
      } catch (IOException e) {
        // an unreadable directory: nothing of ours can be there
      }
    }
  }
}
