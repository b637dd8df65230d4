package io.jpar.internal.thread;

import io.jpar.BackendKind;
import io.jpar.Task;
import io.jpar.internal.PoolContext;
import io.jpar.spi.Job;
import java.util.List;

/**
 * A new virtual thread per task, at most {@code parallelism} at once: for work that waits. Never
 * chunked — the point is that every task waits on its own thread — so a task needs no per-task state
 * and is its own handle.
 */
public final class VirtualThreadBackend extends ThreadBackend<Task<Object, Object>> {
  private final BoundedVirtualExecutor executor;

  private VirtualThreadBackend(PoolContext context, BoundedVirtualExecutor executor) {
    super(context, executor);
    this.executor = executor;
  }

  /**
   * Runs at most {@code n} at once from now on (within the bound it was started with): an auto pool
   * changes it with its plan, so that work it hands over all at once (taken back from platform threads)
   * still queues behind the chosen concurrency.
   */
  public void limit(int n) {
    executor.limit(n);
  }

  public static VirtualThreadBackend start(PoolContext context) {
    return new VirtualThreadBackend(context, new BoundedVirtualExecutor(context.parallelism(), context.poolName()));
  }

  @Override
  public BackendKind kind() {
    return BackendKind.VIRTUAL_THREADS;
  }

  @Override
  public int parallelism() {
    return context.parallelism();
  }

  @Override
  public Task<Object, Object> prepare(Task<Object, Object> task) {
    return task;
  }

  /** One input per chunk, so a map keeps more of them in flight than platform threads do. */
  @Override
  public int eagerWindow() {
    return Math.max(16_384, 4 * parallelism());
  }

  @Override
  public void dispatch(Task<Object, Object> task, List<? extends Job> jobs) {
    if (jobs.size() == 1) {
      execute(task, jobs, null); // the batch's own one-element list: nothing to copy
    } else {
      for (Job job : jobs) {
        execute(task, List.of(job), null);
      }
    }
  }

  @Override
  public int busy() {
    return executor.live();
  }
}
