package io.jpar;

/**
 * What became of one input: a {@link Success} with the task's value, or a {@link Failure} with the
 * reason. {@link Pool#mapOutcomes} returns one per input, so a bad input never costs the others.
 *
 * {@snippet :
 * for (Outcome<Stats> o : pool.mapOutcomes(CsvStats::of, files)) {
 *   switch (o) {
 *     case Outcome.Success<Stats> s -> print(s.value());
 *     case Outcome.Failure<Stats> f -> System.err.println(f.error().getMessage());
 *   }
 * }
 * }
 *
 * <p>Thread safety: immutable (as long as the value itself is).
 *
 * @param <O> the task's output type
 * @since 0.1
 */
public sealed interface Outcome<O> {

  /**
   * The task returned {@code value} (which may be {@code null}).
   *
   * @param value the task's result
   * @param <O> the task's output type
   */
  record Success<O>(O value) implements Outcome<O> {
    @Override
    public boolean isSuccess() {
      return true;
    }

    @Override
    public O orElseThrow() {
      return value;
    }
  }

  /**
   * The task failed; {@code error} names the input and carries the cause.
   *
   * @param error the failure, naming the input, with the task's exception as its cause
   * @param <O> the task's output type
   */
  record Failure<O>(TaskFailedException error) implements Outcome<O> {
    /**
     * Checks the failure is there.
     *
     * @throws NullPointerException if {@code error} is null
     */
    public Failure {
      if (error == null) {
        throw new NullPointerException("error");
      }
    }

    @Override
    public boolean isSuccess() {
      return false;
    }

    @Override
    public O orElseThrow() {
      throw error;
    }
  }

  /** {@return {@code true} for a {@link Success}} */
  boolean isSuccess();

  /**
   * The value of a {@link Success}; throws the {@link TaskFailedException} of a {@link Failure}.
   *
   * @return the task's result
   * @throws TaskFailedException if the task failed
   */
  O orElseThrow();
}
