package io.jpar.internal.auto;

import io.jpar.internal.TaskStats;
import io.jpar.internal.auto.Planner.Choice;
import io.jpar.internal.auto.Planner.Figures;
import io.jpar.BackendKind;
import java.lang.management.ManagementFactory;

/**
 * The start of a span of an auto pool's measurement (clocks and counters as they were), and the
 * {@link Figures} of the span so far: what the {@link Planner} judges. Immutable.
 */
final class Span {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private final long start = System.nanoTime();
  private final long processCpu = TaskStats.processCpuNanos();
  private final long gc = gcNanos();
  private final long[] machine = MachineLoad.ticks();
  private final long done;
  /** Work dispatched and not finished when the span began. */
  final long outstanding;
  private final long threadsCpu;
  final Meter.Totals meter;
  final long[] workers;

  Span(Machinery<?> current, Meter meter, long doneSoFar, long dispatched) {
    this.done = doneSoFar;
    this.outstanding = dispatched - doneSoFar;
    this.meter = meter.totals();
    this.workers = current.totals();
    this.threadsCpu = current.threadsCpuNanos();
  }

  Figures figures(Choice choice, Machinery<?> current, Meter meter, long doneNow, long dispatched) {
    long elapsed = System.nanoTime() - start;
    long completed = doneNow - done;
    if (choice.kind() == BackendKind.WORKER_PROCESSES) { // the workers measure themselves, per chunk
      long[] w = current.totals();
      long tasks = w[0] - workers[0];
      long wall = w[1] - workers[1];
      long cpu = w[2] - workers[2];
      return new Figures(elapsed, completed, tasks, tasks == 0 ? -1 : wall / tasks,
          wall == 0 ? Double.NaN : Math.min(1, cpu / (double) wall), cpu / (double) (Math.max(1, elapsed) * CORES), -1,
          Double.NaN, Double.NaN, false);
    }
    Meter.Totals m = meter.totals().minus(this.meter);
    long cpu = Math.max(0, TaskStats.processCpuNanos() - processCpu);
    double utilisation = Math.min(1, cpu / (double) (Math.max(1, elapsed) * CORES));
    double machineBusy = MachineLoad.busySince(machine);
    return new Figures(elapsed, completed, m.samples(), m.meanWall(), m.cpuShare(), utilisation,
        completed == 0 ? -1 : cpu / completed,
        runningShare(choice, current, elapsed, completed, utilisation, machineBusy, dispatched - doneNow), machineBusy,
        m.shareExcludesCpuWait());
  }

  /**
   * The CPU share of the tasks running now, seen before any of them ends, or NaN when it cannot be
   * told: only while every thread (or every virtual-thread slot) held a task the whole span, and not
   * over a span that was mostly a GC pause, during which threads use no CPU but do not wait either.
   *
   * <p>Nor on a machine whose CPUs are all busy: there the pool's threads also wait for a core, and that
   * cannot be told from their own waiting while it goes on (Linux counts a thread's wait for a CPU only
   * once it gets one, so another thread's reading lags by a whole wait — tens of milliseconds under
   * load) — unless the threads are all parked, sleeping or blocked on a lock, which a thread short of a
   * core never is. The tasks' own readings ({@link Meter}), taken on their thread while it runs, are exact.
   */
  private double runningShare(Choice choice, Machinery<?> current, long elapsed, long completed, double utilisation,
      double machineBusy, long outstandingNow) {
    long working = elapsed - (gcNanos() - gc);
    int n = choice.concurrency();
    if (Math.min(outstandingNow, outstanding) < n || working < elapsed / 2) {
      return Double.NaN;
    }
    // On a busy machine, threads found parked or sleeping are waiting on their own all the same.
    if (choice.kind() == BackendKind.PLATFORM_THREADS && threadsCpu >= 0
        && (!(machineBusy >= Planner.MACHINE_BUSY) || current.threadsBlocked())) {
      long now = current.threadsCpuNanos();
      return now < 0 ? Double.NaN : Math.min(1, (now - threadsCpu) / (double) (working * n));
    }
    if (choice.kind() == BackendKind.VIRTUAL_THREADS && completed == 0 && utilisation < Planner.COMPUTING) {
      // All n run at once (the cores are not saturated, so none waits for a carrier): the process's CPU
      // over them bounds each one's share from above.
      return Math.min(1, utilisation * CORES / n);
    }
    return Double.NaN;
  }

  private static long gcNanos() {
    long ms = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms * 1_000_000;
  }
}
