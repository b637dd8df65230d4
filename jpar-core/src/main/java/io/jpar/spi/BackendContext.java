package io.jpar.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * What a pool gives the {@link Backend} it runs on: its name and per-task limit as the user configured
 * them, a place to report the time tasks took (for {@code pool.plan()}), and a way to tell the pool's
 * running batches that the backend can take more work at once.
 *
 * {@snippet :
 * Pool pool = Pool.on(context -> new MyBackend(context.poolName(), context.taskTimeout())).build();
 * }
 *
 * <p>Thread safety: every method may be called from any thread.
 *
 * @since 0.3
 */
public interface BackendContext {
  /** {@return the pool's name, for the backend's threads, processes or cluster objects} */
  String poolName();

  /** {@return the limit on one task's run time, when the user set one; the backend enforces it} */
  Optional<Duration> taskTimeout();

  /**
   * Whether to time the next task: a sample, since reading a CPU clock costs about as much as a tiny
   * task. A backend that measures in bulk (a chunk at a time) may skip it and report every chunk.
   *
   * @return {@code true} if the next task should be timed
   */
  boolean sampleTask();

  /**
   * Reports {@code tasks} tasks that took {@code wallNanos} in all and used {@code cpuNanos} of CPU,
   * or -1 when the CPU time is not known.
   *
   * @param tasks how many tasks the figures cover
   * @param wallNanos their wall time, in all
   * @param cpuNanos their CPU time, in all, or -1
   */
  void recordTasks(long tasks, long wallNanos, long cpuNanos);

  /**
   * Says that {@link Backend#maxRunning} grew while nothing completed, so that batches waiting for room
   * look again now rather than at the next completion.
   */
  void capacityGrew();
}
