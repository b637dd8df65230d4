package io.jpar.internal.process;

import io.jpar.spi.Job;
import java.util.List;

/**
 * A chunk of jobs of one task, sent to one worker as one frame. The worker runs them in order and
 * sends results back in order, so {@code received} also says where the worker is.
 *
 * <p>Fields other than the final ones are guarded by the pool's lock, except {@code received} and
 * {@code lastProgressNanos}, which only the worker's reader thread writes (and the deadline check reads).
 */
final class Batch {
  final long id;
  final TaskEntry task;
  final List<Job> jobs;
  /** The encoded inputs of {@code jobs}, in order. */
  final byte[] inputs;

  WorkerHandle worker;
  long sentNanos;
  volatile int received;
  volatile long lastProgressNanos;
  /** The worker has decoded the batch and begun its first input (any RESULTS frame says so). */
  volatile boolean started;
  /** Set by the deadline check before it kills the worker: the job that ran too long. */
  volatile Job timedOut;

  Batch(long id, TaskEntry task, List<Job> jobs, byte[] inputs) {
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
