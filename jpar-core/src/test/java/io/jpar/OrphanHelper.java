package io.jpar;

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
