package io.jpar.spi;

import io.jpar.BackendKind;
import io.jpar.Plan;
import io.jpar.Task;
import java.util.List;

/**
 * The machinery under a {@link io.jpar.Pool}: what runs the tasks. The pool owns everything else — the
 * lifecycle, the batches and their windows, order, progress and the futures — and hands the backend
 * chunks of {@link Job}s to run. Platform threads, virtual threads, worker processes and {@code
 * Pool.auto()} are backends; a module outside the core can add one (a cluster) and run it with {@link
 * io.jpar.Pool#on}.
 *
 * <p>{@link #prepare} turns a task into the backend's own handle for it (an encoded form, a learned chunk
 * size); the pool carries that handle with the batch and gives it back with every chunk, so a backend
 * never has to find its per-task state again.
 *
 * {@snippet :
 * final class InlineBackend implements Backend<Task<Object, Object>> {
 *   public BackendKind kind() { return BackendKind.PLATFORM_THREADS; }
 *   public int parallelism() { return 1; }
 *   public Task<Object, Object> prepare(Task<Object, Object> task) { return task; }
 *   public void dispatch(Task<Object, Object> task, List<? extends Job> jobs) {
 *     for (Job job : jobs) {
 *       try {
 *         job.complete(task.apply(job.input()));
 *       } catch (Throwable t) {
 *         job.fail(t);
 *       }
 *     }
 *   }
 *   public void close() {}
 *   public void terminate() {}
 * }
 * try (Pool pool = Pool.on(context -> new InlineBackend()).build()) { ... }
 * }
 *
 * <p>Thread safety: every method may be called from any thread, concurrently; {@code dispatch} is
 * called from callers' threads and must not block for long.
 *
 * @param <H> the backend's handle for a prepared task
 * @since 0.3
 */
public interface Backend<H> {
  /** {@return the kind of machinery, as {@code pool.plan()} reports it} */
  BackendKind kind();

  /** {@return how many tasks run at once} */
  int parallelism();

  /**
   * Checks a task and makes the backend's handle for it, before any of its inputs is dispatched.
   *
   * @param task the batch's task, as the pool received it
   * @return the handle the pool hands back with every chunk of the batch
   * @throws IllegalArgumentException naming what is wrong with the task (it cannot be sent, say)
   */
  H prepare(Task<Object, Object> task);

  /**
   * Runs {@code jobs} (one chunk of one batch) and completes each exactly once. Must not block for
   * long; a backend that can no longer run work (closed, broken) fails the jobs saying why.
   *
   * @param task the handle {@link #prepare} made for the batch's task
   * @param jobs the chunk: one or more jobs of the same batch
   */
  void dispatch(H task, List<? extends Job> jobs);

  /**
   * How many inputs of {@code task} go into one chunk: 1 unless the backend pays per hand-over.
   *
   * @param batchSize the number of inputs in the batch when known, else -1
   * @param task the handle of the batch's task
   * @return the number of inputs per chunk, 1 or more
   */
  default int chunkSize(H task, long batchSize) {
    return 1;
  }

  /** {@return the chunk size last used, for {@code pool.plan()}} */
  default int lastChunkSize() {
    return 1;
  }

  /**
   * How many chunks a lazy batch ({@code imap}) keeps in flight: enough that the backend rarely waits
   * for the consumer, few enough that memory stays flat on an endless input.
   *
   * @return the number of chunks a lazy batch keeps in flight
   */
  default int lazyWindow() {
    return Math.max(32, 4 * parallelism());
  }

  /**
   * How many chunks {@code map} and {@code mapOutcomes} keep in flight; their inputs and results are in
   * memory anyway, so by default all of them.
   *
   * @return the number of chunks an eager batch keeps in flight
   */
  default int eagerWindow() {
    return Integer.MAX_VALUE;
  }

  /**
   * A bound on the jobs one batch keeps running here, besides its window, given the current chunk
   * size: a backend whose capacity changes (auto) follows it; when it grows, call {@link
   * BackendContext#capacityGrew()}.
   *
   * @param chunk the current chunk size
   * @return the most jobs of one batch to keep running here
   */
  default long maxRunning(int chunk) {
    return Long.MAX_VALUE;
  }

  /** {@return roughly how many chunks are running or queued here now} */
  default int busy() {
    return 0;
  }

  /**
   * What {@code pool.plan()} returns, given the plan the pool made from the figures the backend
   * recorded; a backend that knows more (why it chose what it runs on) returns its own.
   *
   * @param measured the plan the pool made from the recorded figures
   * @return the plan to report
   */
  default Plan plan(Plan measured) {
    return measured;
  }

  /** Releases the machinery once every dispatched job has completed. Blocks until done. */
  void close();

  /** Cancels queued jobs, stops running ones and releases the machinery. Blocks until done. */
  void terminate();
}
