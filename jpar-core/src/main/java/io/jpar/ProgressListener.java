package io.jpar;

/**
 * Receives a {@link Progress} snapshot after every finished task of a pool. Calls are serialized (never
 * two at once) and {@code done} never goes backwards, but they happen on the pool's own threads: keep
 * the listener quick, and throttle printing yourself if tasks are tiny. An exception thrown by the
 * listener is reported once on standard error and never fails a task.
 *
 * {@snippet :
 * try (Pool pool = Pool.threads().onProgress(p -> bar.update(p.done(), p.total())).build()) {
 *   pool.map(task, inputs);
 * }
 * }
 *
 * <p>Thread safety: the pool serializes calls, so the listener need not be thread-safe on its own.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Called after a task finishes.
   *
   * @param progress the batch's figures as of this task
   */
  void onProgress(Progress progress);
}
