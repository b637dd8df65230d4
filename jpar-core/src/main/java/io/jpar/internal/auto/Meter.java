package io.jpar.internal.auto;

import io.jpar.Task;
import io.jpar.internal.os.CpuWait;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures the tasks an auto pool runs in the caller's JVM: per sampled task its wall time, and on
 * platform threads its CPU time, the time it waited for a CPU others held ({@link CpuWait}) and its
 * allocated bytes (virtual threads have none of these clocks). Tasks that
 * take long enough (>= {@value #TIME_ALL_ABOVE_NANOS} ns) are all timed; tiny ones one in {@value #EVERY},
 * because reading the clocks costs about as much as a tiny task.
 */
public final class Meter {
  static final long TIME_ALL_ABOVE_NANOS = 100_000;
  private static final int EVERY = 32;
  private static final com.sun.management.ThreadMXBean THREADS =
      ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t ? t : null;

  private final LongAdder samples = new LongAdder();
  private final LongAdder wallNanos = new LongAdder();
  private final LongAdder cpuSamples = new LongAdder();
  private final LongAdder cpuSampleWallNanos = new LongAdder();
  private final LongAdder cpuNanos = new LongAdder();
  /** CPU-timed tasks whose wait for a CPU was read and taken out of their wall time. */
  private final LongAdder waitReadSamples = new LongAdder();
  private final LongAdder allocSamples = new LongAdder();
  private final LongAdder allocBytes = new LongAdder();
  private volatile boolean timeAll = true;

  /** Sums so far; subtract two to get the figures of the span between them. */
  public record Totals(long samples, long wallNanos, long cpuSamples, long cpuSampleWallNanos, long cpuNanos,
      long waitReadSamples, long allocSamples, long allocBytes) {
    public Totals minus(Totals o) {
      return new Totals(samples - o.samples, wallNanos - o.wallNanos, cpuSamples - o.cpuSamples,
          cpuSampleWallNanos - o.cpuSampleWallNanos, cpuNanos - o.cpuNanos, waitReadSamples - o.waitReadSamples,
          allocSamples - o.allocSamples, allocBytes - o.allocBytes);
    }

    /**
     * Whether {@link #cpuShare} is the tasks' own, every one of them with its wait for a CPU taken out:
     * then a busy machine cannot lower it.
     */
    public boolean shareExcludesCpuWait() {
      return cpuSamples > 0 && waitReadSamples == cpuSamples;
    }

    /** Mean wall time of a sampled task, or -1 before any. */
    public long meanWall() {
      return samples == 0 ? -1 : wallNanos / samples;
    }

    /** CPU time over wall time of the tasks timed with a CPU clock, or NaN if none was. */
    public double cpuShare() {
      return cpuSamples == 0 || cpuSampleWallNanos == 0 ? Double.NaN
          : Math.min(1.0, cpuNanos / (double) cpuSampleWallNanos);
    }

    public long meanAlloc() {
      return allocSamples == 0 ? -1 : allocBytes / allocSamples;
    }
  }

  public Totals totals() {
    return new Totals(samples.sum(), wallNanos.sum(), cpuSamples.sum(), cpuSampleWallNanos.sum(), cpuNanos.sum(),
        waitReadSamples.sum(),
        allocSamples.sum(), allocBytes.sum());
  }

  /** Whether every task is timed (set once the tasks are known to be long enough for it to be cheap). */
  public void timeAll(boolean all) {
    timeAll = all;
  }

  /** Runs {@code task} on {@code input} on the calling thread, timing it as above. */
  public Object run(Task<Object, Object> task, Object input) throws Exception {
    boolean all = timeAll;
    if (!all && ThreadLocalRandom.current().nextInt(EVERY) != 0) {
      return task.apply(input);
    }
    boolean clocks = THREADS != null && !Thread.currentThread().isVirtual();
    // The wait for a CPU costs two more reads (~1.5 µs): worth it for tasks of 100 µs and more; tiny
    // tasks, sampled, keep the plain share (a tiny task is rarely put aside within its own run).
    CpuWait waits = clocks && all ? CpuWait.current() : null;
    // The wait for a CPU is read outside the other clocks: a thread is often put aside just after a
    // system call, and a wait counted outside the wall time it is subtracted from would hide real waiting.
    long outer0 = clocks ? System.nanoTime() : 0;
    long wait0 = waits != null ? waits.nanos() : -1;
    long cpu0 = clocks ? THREADS.getCurrentThreadCpuTime() : -1;
    long alloc0 = clocks ? THREADS.getCurrentThreadAllocatedBytes() : -1;
    long t0 = System.nanoTime();
    try {
      return task.apply(input);
    } finally {
      long wall = System.nanoTime() - t0;
      samples.increment();
      wallNanos.add(wall);
      if (cpu0 >= 0) {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        // Time spent waiting for a core that other threads or processes held is not the task waiting:
        // without this a computing task on a busy machine reads as waiting work.
        long wait1 = wait0 >= 0 ? waits.nanos() : -1;
        long outer = System.nanoTime() - outer0;
        boolean waitRead = wait1 >= wait0 && wait0 >= 0;
        long ran = waitRead ? Math.max(cpu, Math.min(wall, outer - (wait1 - wait0))) : wall;
        if (waitRead) {
          waitReadSamples.increment();
        }
        cpuSamples.increment();
        cpuSampleWallNanos.add(ran);
        cpuNanos.add(Math.min(cpu, ran));
      }
      if (alloc0 >= 0) {
        allocSamples.increment();
        allocBytes.add(THREADS.getCurrentThreadAllocatedBytes() - alloc0);
      }
    }
  }
}
