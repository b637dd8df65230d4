package io.jpar;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The pending result of one {@link Pool#submit submitted} task. It is a {@link Future} (so {@code get}
 * throws {@link java.util.concurrent.ExecutionException} with the task's own exception as the cause),
 * with {@link #join()} for code that prefers unchecked exceptions and {@link #toCompletableFuture()} for
 * composition.
 *
 * {@snippet :
 * TaskFuture<Integer> f = pool.submit(String::length, "hello");
 * int five = f.join();
 * }
 *
 * <p>{@code cancel(true)} interrupts a task running on a thread, and kills the worker of a task running
 * in a worker process; either way the future completes as cancelled at once.
 *
 * <p>Thread safety: all methods may be called from any thread.
 *
 * @param <O> the task's output type
 * @since 0.1
 */
public interface TaskFuture<O> extends Future<O> {

  /**
   * Waits for the result and returns it.
   *
   * @return the task's result
   * @throws TaskFailedException if the task failed, timed out or was cancelled (the cause says which)
   */
  O join();

  /** {@return the task's {@link Outcome}, once it is done: waits for it, and never throws for a task's failure} */
  Outcome<O> outcome();

  /** {@return a {@link CompletableFuture} that completes with this task; completing it does not affect the task} */
  CompletableFuture<O> toCompletableFuture();
}
