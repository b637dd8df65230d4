package io.jpar;

import java.time.Duration;

/**
 * Makes the pools a behaviour spec runs on: one kind of machinery, with options a test may add. Public
 * (in core's test jar) so that a backend from another module runs the same spec ({@link PoolSpec}).
 */
public interface PoolMaker {
  /** Options a test may add; every backend builder accepts them. */
  interface Options {
    <B extends PoolBuilder<B>> B apply(B builder);

    Options NONE =
        new Options() {
          @Override
          public <B extends PoolBuilder<B>> B apply(B builder) {
            return builder;
          }
        };
  }

  /** A new pool with {@code options} applied to its builder. */
  Pool pool(Options options);

  default Pool pool() {
    return pool(Options.NONE);
  }

  default Pool withTimeout(Duration timeout) {
    return pool(new Options() {
      @Override
      public <B extends PoolBuilder<B>> B apply(B b) {
        return b.taskTimeout(timeout);
      }
    });
  }
}
