package io.jpar;

/**
 * A task failed for one input: the task threw, timed out, was cancelled, or its worker died. The
 * {@linkplain #getCause() cause} is what happened (the user's own exception, a {@link
 * TaskTimeoutException}, a {@link WorkerCrashedException}, ...); {@link #inputIndex()} and {@link
 * #input()} say which input it was, so a failure in a batch of a million can be found again.
 *
 * {@snippet :
 * try {
 *   pool.map(Integer::parseInt, List.of("1", "x", "3"));
 * } catch (TaskFailedException e) {
 *   // e.inputIndex() == 1, e.input() == "x", e.getCause() is a NumberFormatException
 * }
 * }
 *
 * <p>Thread safety: immutable.
 *
 * @since 0.1
 */
public class TaskFailedException extends JparException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_INPUT_TEXT = 200;

  /** The failed input's position in its batch. */
  private final long inputIndex;

  /** The failed input's {@code toString()}, shortened. */
  private final String input;

  /**
   * Creates the exception for the input at {@code inputIndex}.
   *
   * @param inputIndex the input's position in its batch (0 for a single {@code submit})
   * @param input the input's {@code toString()}, shortened if long
   * @param cause what went wrong
   */
  public TaskFailedException(long inputIndex, String input, Throwable cause) {
    super(describe(inputIndex, input, cause), cause);
    this.inputIndex = inputIndex;
    this.input = input;
  }

  /** {@return the position of the failed input in its batch, counting from 0; 0 for a single {@code submit}} */
  public long inputIndex() {
    return inputIndex;
  }

  /** {@return the failed input's {@code toString()}, shortened to about 200 characters} */
  public String input() {
    return input;
  }

  /**
   * A short, safe rendering of any input: never throws, never huge.
   *
   * @param input any input, or {@code null}
   * @return its {@code toString()} shortened to about 200 characters, or a note that it threw
   */
  public static String describeInput(Object input) {
    String text;
    try {
      text = String.valueOf(input);
    } catch (RuntimeException e) {
      text = input.getClass().getName() + " (toString() threw " + e.getClass().getSimpleName() + ")";
    }
    return text.length() <= MAX_INPUT_TEXT ? text : text.substring(0, MAX_INPUT_TEXT) + "...";
  }

  private static String describe(long index, String input, Throwable cause) {
    String what = cause == null ? "unknown error" : cause.toString();
    return "Task failed on input #" + index + " (" + input + "): " + what;
  }
}
