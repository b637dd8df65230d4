package io.jpar;

import io.jpar.internal.BackendPool;
import io.jpar.internal.thread.PlatformThreadBackend;

/**
 * Builds a {@link Pool} of platform threads, for work that computes. Tasks share the caller's heap, so
 * they are cheap to hand over, but a task that runs away cannot be killed (only interrupted); use
 * {@link Pool#processes()} for work that must be isolated.
 *
 * {@snippet :
 * try (Pool pool = Pool.threads().workers(4).build()) {
 *   List<BigInteger> primes = pool.map(n -> BigInteger.valueOf(n).nextProbablePrime(), numbers);
 * }
 * }
 *
 * <p>Thread safety: a builder is meant for one thread.
 *
 * @since 0.1
 */
public final class ThreadPoolBuilder extends PoolBuilder<ThreadPoolBuilder> {
  private Integer workers;

  ThreadPoolBuilder() {}

  /**
   * The number of threads. Default: {@link Runtime#availableProcessors()}.
   *
   * @param workers the number of threads, 1 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code workers} is below 1
   * @throws IllegalStateException if this option was already set
   */
  public ThreadPoolBuilder workers(int workers) {
    requireUnset("workers", this.workers);
    this.workers = requirePositive("workers", workers);
    return this;
  }

  @Override
  public Pool build() {
    int n = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    return BackendPool.start(settings("jpar-threads", n), PlatformThreadBackend::start);
  }
}
