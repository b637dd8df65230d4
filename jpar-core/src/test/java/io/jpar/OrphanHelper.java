package io.jpar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A parent JVM for the orphan test: starts a pool of 2 workers, prints their pids on one line, then
 * waits to be killed.
 */
public final class OrphanHelper {
  private OrphanHelper() {}

  /** Starts {@code main} in a JVM of its own on this class path, its stderr ours: a caller for a test to kill. */
  static Process startCaller(Class<?> main) throws IOException {
    String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"), main.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  public static void main(String[] args) throws Exception {
    Pool pool = Pool.processes().workers(2).build();
    Set<Long> pids = new HashSet<>();
    while (pids.size() < 2) {
      pids.addAll(pool.map(Faults::pid, IntStream.range(0, 20).boxed().toList()));
    }
    System.out.println("PIDS " + String.join(",", pids.stream().map(String::valueOf).toList()));
    System.out.flush();
    Thread.sleep(600_000);
  }
}
