package io.jpar;

import java.time.Duration;

/**
 * A task ran longer than the pool's {@code taskTimeout}. On thread backends the task's thread is
 * interrupted (a thread cannot be forced to stop); on the process backend its worker JVM is killed and
 * replaced, so the task really stops. It arrives as the cause of a {@link TaskFailedException}.
 *
 * {@snippet :
 * try (Pool pool = Pool.threads().taskTimeout(Duration.ofSeconds(5)).build()) {
 *   List<Outcome<String>> outcomes = pool.mapOutcomes(slowTask, inputs);
 *   // a slow input gives Outcome.Failure whose error().getCause() is a TaskTimeoutException
 * }
 * }
 *
 * <p>Thread safety: immutable.
 *
 * @since 0.1
 */
public class TaskTimeoutException extends JparException {
  private static final long serialVersionUID = 1L;
  /** The limit that was exceeded. */
  private final Duration timeout;

  /**
   * Creates the exception for a task that exceeded {@code timeout}.
   *
   * @param timeout the limit
   * @param detail what else is known (which worker was killed), or empty
   */
  public TaskTimeoutException(Duration timeout, String detail) {
    super("Task timed out after " + timeout.toMillis() + " ms" + (detail.isEmpty() ? "" : ": " + detail));
    this.timeout = timeout;
  }

  /** {@return the limit that was exceeded} */
  public Duration timeout() {
    return timeout;
  }
}
