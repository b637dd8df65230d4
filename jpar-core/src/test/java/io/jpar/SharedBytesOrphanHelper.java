package io.jpar;

import java.util.List;

/**
 * A caller for the shared-bytes orphan test: makes shared bytes, has a worker map them, says "READY",
 * then waits to be killed.
 */
public final class SharedBytesOrphanHelper {
  private SharedBytesOrphanHelper() {}

  public static void main(String[] args) throws Exception {
    SharedBytes shared = SharedBytes.copyOf(new byte[] {42, 43});
    Pool pool = Pool.processes().workers(1).build();
    Task<Integer, Byte> read = i -> shared.buffer().get(i);
    if (!pool.map(read, List.of(0, 1)).equals(List.of((byte) 42, (byte) 43))) {
      throw new AssertionError("the worker read the wrong bytes");
    }
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(600_000);
  }
}
