package io.jpar.internal;

import io.jpar.BackendKind;
import io.jpar.Plan;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall and CPU time of a pool's tasks, from a sample: the first {@value #ALWAYS} tasks, then
 * one in {@value #EVERY} at random, because reading a thread's CPU clock costs about as much as a tiny task.
 * Backends that measure in bulk (worker processes report per chunk) add whole chunks.
 */
public final class TaskStats {
  private static final int ALWAYS = 64;
  private static final int EVERY = 64;
  /** Tasks shorter than this cannot be waiting for anything: their time off the CPU is overhead. */
  static final long TINY_NANOS = 10_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  // Racy on purpose: it only decides which tasks to time; lost increments merely time a few more.
  private int seen;
  private final LongAdder measured = new LongAdder();
  private final LongAdder wallNanos = new LongAdder();
  private final LongAdder cpuNanos = new LongAdder();
  // Tasks whose thread has no CPU clock (virtual threads): their CPU is estimated from the process's
  // CPU time over the span they ran in, which also counts anything else the JVM did meanwhile.
  private final LongAdder wallOnlyTasks = new LongAdder();
  private final LongAdder wallOnlyNanos = new LongAdder();
  private final AtomicLong processCpuFirst = new AtomicLong(-1);
  private final AtomicLong processCpuLast = new AtomicLong(-1);

  /** Whether to time the next task. */
  public boolean sample() {
    if (seen < ALWAYS) { // writes stop after the first tasks, so the field's cache line stops moving
      seen++;
      return true;
    }
    return ThreadLocalRandom.current().nextInt(EVERY) == 0;
  }

  /** This thread's CPU clock, or -1 where there is none (virtual threads on some JDKs). */
  public static long threadCpuNanos() {
    try {
      return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    } catch (UnsupportedOperationException e) {
      return -1;
    }
  }

  /** The process's CPU time so far, or -1 where the platform does not say. */
  public static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }

  /** Call before a sampled task whose thread has no CPU clock: marks the start of the span. */
  public void startWallOnly() {
    processCpuFirst.compareAndSet(-1, processCpuNanos());
  }

  /** Adds {@code tasks} tasks that took {@code wall} in all and used {@code cpu}, or -1 if unknown. */
  public void add(long tasks, long wall, long cpu) {
    if (cpu < 0) {
      wallOnlyTasks.add(tasks);
      wallOnlyNanos.add(wall);
      processCpuLast.accumulateAndGet(processCpuNanos(), Math::max);
      return;
    }
    measured.add(tasks);
    wallNanos.add(wall);
    cpuNanos.add(Math.min(cpu, wall));
  }

  /** Tasks measured with a CPU clock so far, their wall time and their CPU time (nanoseconds). */
  public long[] totals() {
    return new long[] {measured.sum(), wallNanos.sum(), cpuNanos.sum()};
  }

  Plan plan(BackendKind backend, int workers, int chunk, long failures) {
    long n = measured.sum() + wallOnlyTasks.sum();
    long wallSum = wallNanos.sum() + wallOnlyNanos.sum();
    long cpuSum = cpuNanos.sum();
    if (wallOnlyTasks.sum() > 0 && processCpuFirst.get() >= 0) {
      cpuSum += Math.min(wallOnlyNanos.sum(), Math.max(0, processCpuLast.get() - processCpuFirst.get()));
    }
    Duration wall = Duration.ofNanos(n == 0 ? 0 : wallSum / n);
    Duration cpu = Duration.ofNanos(n == 0 ? 0 : cpuSum / n);
    return new Plan(backend, workers, chunk, n, wall, cpu, failures, -1, explain(backend, workers, n, wall, cpu), java.util.List.of());
  }

  private static String explain(BackendKind backend, int workers, long n, Duration wall, Duration cpu) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (n == 0) {
      return String.format(Locale.ROOT, "%s, %d at once; no task has run yet, so nothing is measured.", capital(backend.label()), workers);
    }
    double share = wall.isZero() ? 1 : Math.min(1, cpu.toNanos() / (double) wall.toNanos());
    String work = String.format(Locale.ROOT, "Each of the %d tasks measured took %s, %.0f%% of it on the CPU", n,
        human(wall), 100 * share);
    String fit;
    if (wall.toNanos() < TINY_NANOS) {
      // Nothing waits for I/O, a lock or a timer in a few microseconds: in tasks this short, the time
      // off the CPU is the pool's own overhead and the JVM's pauses (safepoints, a busy machine), not the
      // task waiting, and more workers would not overlap it.
      fit = String.format(Locale.ROOT, "tiny tasks, which do not wait: the time off the CPU is per-task"
          + " overhead, so they are computing work, which fits %d at once on %d cores at most.", Math.min(workers, cores), cores);
    } else if (share >= 0.6) {
      fit = workers > 2 * cores && backend.inProcess()
          ? String.format(Locale.ROOT, "computing work: more than the %d cores' worth of threads only adds switching.", cores)
          : String.format(Locale.ROOT, "computing work, which fits %d at once on %d cores.", workers, cores);
    } else {
      long keepBusy = Math.max(cores, Math.round(cores / Math.max(share, 0.001)));
      fit = String.format(Locale.ROOT, "%s waiting: about %d at once would keep the %d cores busy (Little's law: "
          + "cores x wall / CPU)%s.", share < 0.2 ? "mostly" : "partly", keepBusy, cores,
          workers >= keepBusy ? ", and this pool allows that"
              : backend == BackendKind.VIRTUAL_THREADS ? "; raise maxConcurrency" : "; virtual threads overlap waits more cheaply");
    }
    return String.format(Locale.ROOT, "%s, %d at once. %s: %s", capital(backend.label()), workers, work, fit);
  }

  private static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String human(Duration d) {
    long ns = d.toNanos();
    if (ns < 10_000) {
      return ns + " ns";
    }
    if (ns < 10_000_000) {
      return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
    }
    return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
  }
}
