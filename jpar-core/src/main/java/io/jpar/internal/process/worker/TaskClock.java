package io.jpar.internal.process.worker;

import io.jpar.internal.os.CpuWait;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The worker's clocks for the plan: the task thread's CPU time, and how long tasks <em>ran</em> as opposed
 * to waited — for a CPU other processes held (Linux schedstat) or for the garbage collector — since on a
 * busy machine either would read as the task waiting. Read per batch, never per task.
 */
final class TaskClock {
  private TaskClock() {}

  private static volatile ThreadMXBean threadBean;

  /**
   * The management API's first use costs 10-50 ms, which would sit in the first batch's round trip; a
   * daemon thread started with the worker pays it while the worker starts up. A batch that starts
   * before it is ready reports no time (the parent then learns nothing from it for the plan).
   */
  static void start() {
    Thread t = new Thread(() -> threadBean = ManagementFactory.getThreadMXBean(), "jpar-worker-mx");
    t.setDaemon(true);
    t.start();
  }

  /** This thread's CPU time, or -1 while the management API is not ready. */
  static long threadCpu() {
    ThreadMXBean bean = threadBean;
    return bean == null ? -1 : bean.getCurrentThreadCpuTime();
  }

  /**
   * Nanoseconds this thread has spent runnable but waiting for a CPU (Linux's schedstat), or -1 where
   * the platform does not say. Read twice per batch.
   */
  static long runDelay() {
    return CpuWait.current().nanos();
  }

  /**
   * The tasks' wall time without the time the thread waited for a CPU that other processes held (on a
   * busy machine that would read as the task waiting) or stood still for the garbage collector. Both are
   * measured per batch and shared out over the tasks' part of it.
   */
  static long ranWall(long taskWall, long taskCpu, long batchStart, long delayStart, long gcStart) {
    long delayEnd = delayStart < 0 ? -1 : runDelay();
    // The batch's wall time read after the wait, as the start was read before it: a wait counted outside
    // the wall time it is shared over would take real waiting out of the task's time.
    long batchWall = System.nanoTime() - batchStart;
    if (batchWall <= 0) {
      return taskWall;
    }
    long stalled = (delayEnd < 0 ? 0 : delayEnd - delayStart) + Math.max(0, gcNanos() - gcStart);
    return Math.max(taskCpu, taskWall - (long) (stalled * Math.min(1.0, taskWall / (double) batchWall)));
  }

  /** Time the collectors have paused this JVM so far: the task's thread neither runs nor waits then. */
  static long gcNanos() {
    long ms = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms * 1_000_000;
  }
}
