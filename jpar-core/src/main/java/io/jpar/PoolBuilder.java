package io.jpar;

import io.jpar.internal.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * The options every kind of {@link Pool} shares: a name for its threads, a per-task timeout and a
 * progress listener. Each option may be set once; a builder builds one pool. Get one from {@link
 * Pool#threads()}, {@link Pool#virtualThreads()}, {@link Pool#processes()} or {@link Pool#auto()}.
 *
 * {@snippet :
 * Pool pool = Pool.threads().name("thumbs").taskTimeout(Duration.ofSeconds(30)).onProgress(bar::update).build();
 * }
 *
 * <p>Thread safety: a builder is meant for one thread; the pool it builds is thread-safe.
 *
 * @param <B> the concrete builder type, so that chained calls keep it
 * @since 0.1
 */
public abstract sealed class PoolBuilder<B extends PoolBuilder<B>>
    permits ThreadPoolBuilder, VirtualThreadPoolBuilder, ProcessPoolBuilder, AutoPoolBuilder, CustomPoolBuilder {

  String name;
  Duration taskTimeout;
  ProgressListener progressListener;
  private boolean built;

  PoolBuilder() {}

  /**
   * Names the pool; its platform threads are called {@code NAME-1}, {@code NAME-2}, ..., its virtual
   * threads all {@code NAME-virtual} (one name: a string per short-lived thread costs more than a
   * trivial task). Default: the kind of pool.
   *
   * @param name the pool's name, not blank
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if this option was already set
   */
  public B name(String name) {
    Objects.requireNonNull(name, "name");
    requireUnset("name", this.name);
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    this.name = name;
    return self();
  }

  /**
   * Fails any task that runs longer than {@code timeout} with a {@link TaskTimeoutException}. The clock
   * starts when the task starts, not when it is queued. Default: no limit.
   *
   * @param timeout the longest a task may run, positive
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   * @throws IllegalStateException if this option was already set
   */
  public B taskTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    requireUnset("taskTimeout", this.taskTimeout);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("taskTimeout must be positive, was " + timeout);
    }
    this.taskTimeout = timeout;
    return self();
  }

  /**
   * Reports progress after every finished task; see {@link ProgressListener}.
   *
   * @param listener called after every finished task
   * @return this builder
   * @throws IllegalStateException if this option was already set
   */
  public B onProgress(ProgressListener listener) {
    Objects.requireNonNull(listener, "listener");
    requireUnset("onProgress", this.progressListener);
    this.progressListener = listener;
    return self();
  }

  /**
   * Builds the pool and starts its machinery. A builder builds one pool.
   *
   * @return the started pool
   * @throws IllegalStateException if this builder already built a pool
   */
  public abstract Pool build();

  /** The shared settings; marks this builder as used. */
  Settings settings(String defaultName, int parallelism) {
    if (built) {
      throw new IllegalStateException("this builder already built a pool; start a new builder for another");
    }
    built = true;
    return new Settings(name == null ? defaultName : name, parallelism, taskTimeout, progressListener);
  }

  static void requireUnset(String option, Object current) {
    if (current != null) {
      throw new IllegalStateException(option + " was already set to " + current);
    }
  }

  static int requirePositive(String option, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, was " + value);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
