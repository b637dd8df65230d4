package io.jpar.spi;

import java.util.function.Consumer;

/**
 * One input a {@link Backend} was handed, and the way to report its result: the backend calls exactly
 * one of {@link #complete} or {@link #fail} when the task has run; every later call is ignored and
 * returns {@code false}, so a timeout, a cancel and the task's own end may race safely. The pool, not
 * the backend, turns this into the caller's future.
 *
 * {@snippet :
 * public void dispatch(MyTask task, List<? extends Job> jobs) {
 *   for (Job job : jobs) {
 *     executor.execute(() -> {
 *       try {
 *         job.complete(task.code().apply(job.input()));
 *       } catch (Throwable t) {
 *         job.fail(t);
 *       }
 *     });
 *   }
 * }
 * }
 *
 * <p>Thread safety: every method may be called from any thread.
 *
 * @since 0.3
 */
public interface Job {
  /** {@return the input's position in its batch (0 for a single {@code submit})} */
  long index();

  /** {@return the input to run the task on} */
  Object input();

  /** {@return {@code true} once the job completed, failed or was cancelled (by the caller or the pool)} */
  boolean isDone();

  /**
   * Completes with the task's result; {@code false} if the job was already done.
   *
   * @param value the task's result
   * @return {@code true} if this call completed the job
   */
  boolean complete(Object value);

  /**
   * As {@link #complete(Object)}; pass {@code wake = false} when more completions of the same batch are
   * in hand right now, so that a waiting caller is woken once for all of them (for the last).
   *
   * @param value the task's result
   * @param wake whether to wake a caller waiting on the batch now
   * @return {@code true} if this call completed the job
   */
  boolean complete(Object value, boolean wake);

  /**
   * Completes with the task's failure; {@code false} if the job was already done.
   *
   * @param error what the task threw, or why the machinery could not run it
   * @return {@code true} if this call completed the job
   */
  boolean fail(Throwable error);

  /**
   * As {@link #fail(Throwable)}, with {@code wake} as in {@link #complete(Object, boolean)}.
   *
   * @param error what the task threw, or why the machinery could not run it
   * @param wake whether to wake a caller waiting on the batch now
   * @return {@code true} if this call completed the job
   */
  boolean fail(Throwable error, boolean wake);

  /**
   * Ends the job as cancelled (the pool is being terminated); {@code false} if it was already done.
   *
   * @return {@code true} if this call ended the job
   */
  boolean cancel();

  /**
   * What the backend must do when the caller cancels this job while it runs (interrupt a thread, kill a
   * worker); the hook is handed the job, so that one hook object can serve every job of a chunk. Set it
   * before the job can start.
   *
   * @param hook called once, with this job, if the caller cancels it
   */
  void onCancel(Consumer<? super Job> hook);

  /**
   * Counts one more run of this job lost with the machinery it ran on (a worker that crashed or was
   * killed at its deadline, a cluster member that left) and returns the count, for retry limits.
   * Call it only from the one thread that owns the job's recovery.
   *
   * @return how many runs of this job have been lost so far, this one included
   */
  int countLostRun();
}
