package io.jpar.cli;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Wall time and CPU time of one run of a job: this JVM's CPU plus that of its child processes (worker
 * JVMs), so that a process pool's work is counted too. CPU use is CPU time as a share of what all cores
 * could have given in the same wall time.
 *
 * @param label what ran
 * @param wall elapsed time
 * @param cpu CPU time used by this JVM and its children meanwhile
 */
record Measurement(String label, Duration wall, Duration cpu) {

  /** Runs {@code job} and measures it. */
  static Measurement of(String label, Runnable job) {
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    job.run();
    long wall = System.nanoTime() - t0;
    long cpu = cpuNanos() - cpu0;
    return new Measurement(label, Duration.ofNanos(wall), Duration.ofNanos(Math.max(0, cpu)));
  }

  /** The run of median wall time (of an odd number, the middle one). */
  static Measurement median(java.util.List<Measurement> runs) {
    java.util.List<Measurement> sorted = runs.stream().sorted(java.util.Comparator.comparing(Measurement::wall)).toList();
    return sorted.get(sorted.size() / 2);
  }

  /** CPU use between 0 and 1. */
  double cpuUse() {
    double capacity = wall.toNanos() * (double) Runtime.getRuntime().availableProcessors();
    return capacity <= 0 ? 0 : Math.min(1.0, cpu.toNanos() / capacity);
  }

  double seconds() {
    return wall.toNanos() / 1e9;
  }

  static long cpuNanos() {
    long own = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
    long children = ProcessHandle.current().descendants()
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    return own + children;
  }
}
