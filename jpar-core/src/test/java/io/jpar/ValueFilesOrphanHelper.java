package io.jpar;

import java.util.List;

/**
 * A caller for the value-files orphan test: freezes its one worker (SIGSTOP), sends it a big input (its
 * file written, its name in the pipe, unread), says "READY" and the worker's pid, then waits to be
 * killed mid-transfer.
 */
public final class ValueFilesOrphanHelper {
  private ValueFilesOrphanHelper() {}

  public static void main(String[] args) throws Exception {
    Pool pool = Pool.processes().workers(1).valueFileThreshold(1 << 20).build();
    long worker = ValueFilesPoolTest.workerPids(pool).get(0);
    ValueFilesPoolTest.signal("STOP", worker);
    pool.submit(b -> b.length, new byte[3 << 20]);
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (ValueFilesPoolTest.filesOf(List.of(ProcessHandle.current().pid())).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    System.out.println("READY " + worker);
    System.out.flush();
    Thread.sleep(600_000);
  }
}
