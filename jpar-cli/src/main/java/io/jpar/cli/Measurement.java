package io.jpar.cli;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Wall time and CPU time of one run of a job, from this JVM's process CPU counter. CPU use is the CPU
 * time as a share of what all cores could have given in the same wall time.
 *
 * @param label what ran
 * @param wall elapsed time
 * @param cpu CPU time used by this JVM (worker JVMs are added by the caller where it has them)
 */
record Measurement(String label, Duration wall, Duration cpu) {

  /** Runs {@code job} and measures it. */
  static Measurement of(String label, Runnable job) {
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    job.run();
    long wall = System.nanoTime() - t0;
    long cpu = processCpuNanos() - cpu0;
    return new Measurement(label, Duration.ofNanos(wall), Duration.ofNanos(Math.max(0, cpu)));
  }

  /** CPU use between 0 and 1: CPU time over wall time times the number of cores. */
  double cpuUse() {
    double capacity = wall.toNanos() * (double) Runtime.getRuntime().availableProcessors();
    return capacity <= 0 ? 0 : Math.min(1.0, cpu.toNanos() / capacity);
  }

  double seconds() {
    return wall.toNanos() / 1e9;
  }

  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
