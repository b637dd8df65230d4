package io.jpar;

import io.jpar.internal.BackendPool;
import io.jpar.internal.auto.AutoBackend;

/**
 * Builds a {@link Pool} that chooses its own machinery from measurements of the tasks it runs. The
 * first tasks run on platform threads, one per core, and are timed (wall, thread CPU, allocation); their
 * results count, there is no separate warm-up. Work that mostly waits moves to virtual threads, as many at
 * once as Little's law says keep the cores busy (cores x wall / CPU), raised while throughput still rises,
 * up to {@link #maxConcurrency}; work that computes stays on one thread per core; and the pool moves
 * again when the work changes character, without losing or reordering results. {@link #isolated}
 * keeps user code out of the caller's JVM: worker processes only, as many as the same law says.
 *
 * {@snippet :
 * try (Pool pool = Pool.auto().build()) {
 *   List<Thumb> thumbs = pool.map(Thumbs::make, images);
 *   System.out.println(pool.plan()); // what it chose and why, with the measured figures
 * }
 * }
 *
 * <p>Thread safety: a builder is meant for one thread.
 *
 * @since 0.2
 */
public final class AutoPoolBuilder extends PoolBuilder<AutoPoolBuilder> {
  private Integer maxConcurrency;
  private Integer maxWorkers;
  private Boolean isolated;

  AutoPoolBuilder() {}

  /**
   * At most this many tasks run at once on virtual threads, to spare the servers they call. Default:
   * {@value VirtualThreadPoolBuilder#DEFAULT_MAX_CONCURRENCY}.
   *
   * @param maxConcurrency the most tasks running at once on virtual threads, 1 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code maxConcurrency} is below 1
   * @throws IllegalStateException if this option was already set
   */
  public AutoPoolBuilder maxConcurrency(int maxConcurrency) {
    requireUnset("maxConcurrency", this.maxConcurrency);
    this.maxConcurrency = requirePositive("maxConcurrency", maxConcurrency);
    return this;
  }

  /**
   * At most this many worker JVMs when {@link #isolated isolated}; each costs about 45 MB. Default:
   * 4 x the available processors.
   *
   * @param maxWorkers the most worker JVMs, 1 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code maxWorkers} is below 1
   * @throws IllegalStateException if this option was already set
   */
  public AutoPoolBuilder maxWorkers(int maxWorkers) {
    requireUnset("maxWorkers", this.maxWorkers);
    this.maxWorkers = requirePositive("maxWorkers", maxWorkers);
    return this;
  }

  /**
   * {@code true}: user code never runs in the caller's JVM, only in worker processes, for untrusted or
   * crash-prone work (the task and its inputs must then be serializable). Default: {@code false}.
   *
   * @param isolated {@code true} to run tasks only in worker processes
   * @return this builder
   * @throws IllegalStateException if this option was already set
   */
  public AutoPoolBuilder isolated(boolean isolated) {
    requireUnset("isolated", this.isolated);
    this.isolated = isolated;
    return this;
  }

  @Override
  public Pool build() {
    int cores = Runtime.getRuntime().availableProcessors();
    int conc = maxConcurrency == null ? VirtualThreadPoolBuilder.DEFAULT_MAX_CONCURRENCY : maxConcurrency;
    boolean isolate = isolated != null && isolated;
    int workers = maxWorkers == null ? 4 * cores : maxWorkers;
    return BackendPool.start(settings("jpar-auto", cores), context -> new AutoBackend(context, isolate, conc, workers));
  }
}
