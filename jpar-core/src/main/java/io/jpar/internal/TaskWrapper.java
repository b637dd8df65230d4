package io.jpar.internal;

import io.jpar.Task;

/**
 * A task that runs another one (an auto pool's metered task): what a backend looks through when it
 * learns from the code a task runs rather than from the wrapper, which is the same class for every task.
 */
public interface TaskWrapper {
  /** The task this one runs. */
  Task<?, ?> wrapped();

  /** The code {@code task} runs: the wrapped task of a wrapper, else the task itself. */
  static Task<?, ?> unwrap(Task<?, ?> task) {
    return task instanceof TaskWrapper w ? w.wrapped() : task;
  }
}
