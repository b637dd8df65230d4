package io.jpar;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a pool runs on and why, with the figures measured on the tasks it ran: the backend, how many
 * tasks run at once, the chunk size, and per task the mean wall time and CPU time. The explanation
 * says in plain words whether the measured work fits the machinery.
 *
 * {@snippet :
 * try (Pool pool = Pool.threads().build()) {
 *   pool.map(Thumbs::make, images);
 *   System.out.println(pool.plan().explanation());
 * }
 * }
 *
 * <p>Thread safety: immutable.
 *
 * @param backend the machinery the tasks run on
 * @param workers how many tasks run at once
 * @param chunkSize inputs handed over at once (the latest learned value)
 * @param tasksMeasured how many tasks the figures come from (a sample of those run)
 * @param meanWall mean time a task took, start to end
 * @param meanCpu mean CPU time a task used
 * @param failures tasks that failed so far
 * @param meanAllocatedBytes mean heap bytes a task allocated, or -1 where not measured (virtual
 *     threads, worker processes)
 * @param explanation one paragraph in plain words
 * @param history for {@link Pool#auto()}: each change of plan, oldest first, with the figures that
 *     caused it; empty for a fixed pool
 * @since 0.1
 */
public record Plan(BackendKind backend, int workers, int chunkSize, long tasksMeasured, Duration meanWall, Duration meanCpu,
    long failures, long meanAllocatedBytes, String explanation, List<String> history) {

  /** Copies the history, so that the plan stays immutable. */
  public Plan {
    history = List.copyOf(history);
  }

  /** {@return CPU time as a share of wall time, 0 to 1: near 1 is computing, near 0 is waiting; NaN before any task} */
  public double cpuShare() {
    return tasksMeasured == 0 || meanWall.isZero() ? Double.NaN : Math.min(1.0, meanCpu.toNanos() / (double) meanWall.toNanos());
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "%s x %d, chunk %d; %d tasks measured: wall %s, CPU %s (%.0f%%)%s, %d failed%n%s",
        backend.label(), workers, chunkSize, tasksMeasured, meanWall, meanCpu, 100 * (Double.isNaN(cpuShare()) ? 0 : cpuShare()),
        meanAllocatedBytes < 0 ? "" : ", " + meanAllocatedBytes + " bytes allocated", failures, explanation));
    for (String h : history) {
      s.append(System.lineSeparator()).append("  - ").append(h);
    }
    return s.toString();
  }
}
