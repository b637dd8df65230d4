package io.jpar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tasks that misbehave on purpose, for the process backend's fault tests. Each captures nothing. */
final class Faults {
  private Faults() {}

  static long pid(Integer ignored) {
    return ProcessHandle.current().pid();
  }

  /** Exits the worker JVM for input 13 (System.exit runs shutdown hooks), squares anything else. */
  static Integer exitOn13(Integer x) {
    if (x == 13) {
      System.exit(3);
    }
    return x * x;
  }

  static Integer haltOn13(Integer x) {
    if (x == 13) {
      Runtime.getRuntime().halt(42);
    }
    return x * x;
  }

  static Integer exhaustHeap(Integer x) {
    List<long[]> hog = new ArrayList<>();
    while (true) {
      hog.add(new long[1 << 20]);
    }
  }

  static Integer recurseForever(Integer x) {
    return recurseForever(x + 1) + 1;
  }

  static Integer hangOn13(Integer x) throws InterruptedException {
    if (x == 13) {
      Thread.sleep(600_000);
    }
    return x * x;
  }

  /** Writes its pid to the file, then waits to be killed. */
  static Integer reportPidThenWait(String file) throws Exception {
    Files.writeString(Path.of(file), Long.toString(ProcessHandle.current().pid()));
    Thread.sleep(600_000);
    return 0;
  }

  /** Crashes its worker the first time it runs for a given marker file, succeeds after. */
  static String crashOnce(String markerFile) throws IOException {
    Path marker = Path.of(markerFile);
    if (!Files.exists(marker)) {
      Files.writeString(marker, "crashed once");
      Runtime.getRuntime().halt(9);
    }
    return "survived";
  }

  static Integer throwWithCause(Integer x) {
    try {
      throw new IllegalStateException("inner " + x);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("outer " + x, e);
    }
  }

  static Integer chatty(Integer x) {
    for (int i = 0; i < 2_000; i++) {
      System.out.println("noise on stdout " + i + " from " + x);
      System.err.println("noise on stderr " + i);
    }
    System.out.write(0xA7); // the frame magic byte, raw, must not confuse anything
    System.out.flush();
    return x + 1;
  }

  /** Process-global state in the worker, set by an initializer. */
  static Integer initialized(Integer worker) {
    System.setProperty("jpar.test.initialized", "worker " + worker);
    return worker;
  }

  static String readInitialized(Integer ignored) {
    return System.getProperty("jpar.test.initialized", "not initialized");
  }

  static Integer failInit(Integer worker) {
    throw new IllegalStateException("model file missing");
  }

  /** A result that cannot be serialized. */
  static Object unsendable(Integer x) {
    return new Object();
  }

  /** Burns CPU for about the given number of milliseconds. */
  static long spin(Integer millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    long n = 0;
    while (System.nanoTime() < end) {
      n++;
    }
    return n;
  }

  /** Lists the sockets this worker holds (from /proc), as "fd -> socket:[inode]" strings. */
  static List<String> sockets(Integer ignored) throws IOException {
    List<String> out = new ArrayList<>();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:")) {
            out.add(fd.getFileName() + " -> " + target);
          }
        } catch (IOException e) {
          // the fd closed meanwhile
        }
      }
    }
    return out;
  }
}
