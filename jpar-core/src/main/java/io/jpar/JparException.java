package io.jpar;

/**
 * The root of jpar's own unchecked exceptions, so that callers can catch everything jpar raises about
 * their work in one place. The user's failure, where there is one, is the {@linkplain #getCause() cause}.
 *
 * {@snippet :
 * try {
 *   pool.map(task, inputs);
 * } catch (JparException e) {
 *   log.warn("batch failed", e);
 * }
 * }
 *
 * <p>Thread safety: exceptions are immutable once thrown.
 *
 * @since 0.1
 */
public class JparException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and an optional cause.
   *
   * @param message what happened, to what, and what to do
   * @param cause the underlying failure, or {@code null}
   */
  public JparException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception with a message.
   *
   * @param message what happened, to what, and what to do
   */
  public JparException(String message) {
    super(message);
  }
}
