package io.jpar.internal.process;

import io.jpar.internal.GuardedBy;
import io.jpar.internal.process.wire.EncodedValues;
import io.jpar.spi.Job;
import java.util.List;

/**
 * A chunk of jobs of one task, sent to one worker as one frame. The worker runs them in order and
 * sends results back in order, so {@code received} also says where the worker is.
 *
 * <p>Threads: {@code worker} belongs to {@link DispatchState}. {@code sentNanos} and the first {@code
 * lastProgressNanos} are written by the thread that sends the batch, before it is sent; after that,
 * {@code received}, {@code lastProgressNanos} and {@code started} are written only by the worker's
 * reader thread (the deadline check reads them), {@code timedOut} only by the deadline check.
 */
final class Batch {
  final long id;
  final TaskEntry task;
  final List<Job> jobs;
  /** The encoded inputs of {@code jobs}, in order. */
  final EncodedValues inputs;

  /**
   * The worker it was given to, or null while it is queued. Written once, by {@link DispatchState}
   * under its lock (recovered work travels in new batches); read under that lock, and without it only
   * by the thread that gave the batch out, to send it ({@link ProcessBackend#pump}).
   */
  @GuardedBy("DispatchState.lock") WorkerHandle worker;
  /**
   * A worker's first, small batch of a task (see {@link DispatchState#firstTaste}): its time is the
   * worker's warm-up more than the task's, so chunk sizes are not learned from it. Set under the lock
   * before the batch is given out, read by the worker's reader thread after its results.
   */
  boolean taste;
  long sentNanos;
  volatile int received;
  volatile long lastProgressNanos;
  /** The worker has decoded the batch and begun its first input (any RESULTS frame says so). */
  volatile boolean started;
  /** Set by the deadline check before it kills the worker: the job that ran too long. */
  volatile Job timedOut;

  Batch(long id, TaskEntry task, List<Job> jobs, EncodedValues inputs) {
    this.id = id;
    this.task = task;
    this.jobs = jobs;
    this.inputs = inputs;
  }

  /** True when no job from the worker's current position on still wants a result. */
  boolean restCancelled() {
    for (int i = received; i < jobs.size(); i++) {
      if (!jobs.get(i).isDone()) {
        return false;
      }
    }
    return true;
  }
}
