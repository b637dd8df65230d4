package io.jpar;

import io.jpar.internal.BackendPool;
import io.jpar.internal.thread.VirtualThreadBackend;

/**
 * Builds a {@link Pool} that runs every task on a new virtual thread, for work that waits (HTTP, files,
 * databases): thousands of tasks can wait at once on a few cores. {@link #maxConcurrency} bounds how many
 * run at once, to spare the servers you call; the rest wait in order.
 *
 * {@snippet :
 * try (Pool pool = Pool.virtualThreads().maxConcurrency(2_000).build()) {
 *   List<Integer> statuses = pool.map(uri -> http.send(get(uri), discarding()).statusCode(), uris);
 * }
 * }
 *
 * <p>Thread safety: a builder is meant for one thread.
 *
 * @since 0.1
 */
public final class VirtualThreadPoolBuilder extends PoolBuilder<VirtualThreadPoolBuilder> {
  /** Default bound: high enough for I/O fan-out, low enough not to flood a server by accident. */
  public static final int DEFAULT_MAX_CONCURRENCY = 1_000;

  private Integer maxConcurrency;

  VirtualThreadPoolBuilder() {}

  /**
   * At most this many tasks run at once. Default: {@value #DEFAULT_MAX_CONCURRENCY}.
   *
   * @param maxConcurrency the most tasks running at once, 1 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code maxConcurrency} is below 1
   * @throws IllegalStateException if this option was already set
   */
  public VirtualThreadPoolBuilder maxConcurrency(int maxConcurrency) {
    requireUnset("maxConcurrency", this.maxConcurrency);
    this.maxConcurrency = requirePositive("maxConcurrency", maxConcurrency);
    return this;
  }

  /**
   * The same as {@link #maxConcurrency(int)}, so that every builder accepts {@code workers}.
   *
   * @param workers the most tasks running at once, 1 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code workers} is below 1
   * @throws IllegalStateException if this option was already set
   */
  public VirtualThreadPoolBuilder workers(int workers) {
    return maxConcurrency(workers);
  }

  @Override
  public Pool build() {
    int n = maxConcurrency == null ? DEFAULT_MAX_CONCURRENCY : maxConcurrency;
    return BackendPool.start(settings("jpar-virtual", n), VirtualThreadBackend::start);
  }
}
