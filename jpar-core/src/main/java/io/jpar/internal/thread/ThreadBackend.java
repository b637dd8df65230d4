package io.jpar.internal.thread;

import io.jpar.Task;
import io.jpar.TaskTimeoutException;
import io.jpar.internal.ChunkSizer;
import io.jpar.internal.Deadlines;
import io.jpar.internal.PoolContext;
import io.jpar.internal.TaskStats;
import io.jpar.internal.jfr.TaskEvent;
import io.jpar.spi.Backend;
import io.jpar.spi.Job;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the platform-thread and the virtual-thread backends share: an executor, a {@link Runner} per
 * chunk that runs its jobs one after the other on a thread of the executor, task timeouts and cancels
 * by interrupt (all a thread allows), and the shutdown.
 *
 * @param <H> the backend's handle for a prepared task
 */
abstract sealed class ThreadBackend<H> implements Backend<H> permits PlatformThreadBackend, VirtualThreadBackend {
  /** How long terminate() waits for interrupted tasks before giving their threads up. */
  private static final Duration TERMINATE_GRACE = Duration.ofSeconds(1);

  final PoolContext context;
  private final ExecutorService executor;
  private final Duration timeout;
  private final TaskStats stats;
  /** Set by terminate(): a task that ends by throwing from now on was stopped by us, so it is cancelled. */
  private volatile boolean terminating;

  ThreadBackend(PoolContext context, ExecutorService executor) {
    this.context = context;
    this.executor = executor;
    this.timeout = context.settings().taskTimeout();
    this.stats = context.stats();
  }

  ExecutorService executor() {
    return executor;
  }

  /** Runs {@code jobs} in order on one thread; {@code sizer}, if any, learns from the chunk's time. */
  final void execute(Task<Object, Object> task, List<? extends Job> jobs, ChunkSizer sizer) {
    Runner r = new Runner(task, jobs, sizer);
    for (Job job : jobs) {
      job.onCancel(r); // the runner itself: no hook object per job
    }
    try {
      executor.execute(r);
    } catch (RejectedExecutionException e) {
      for (Job job : jobs) {
        job.fail(new IllegalStateException("pool '" + context.poolName() + "' is closed; the task was not run", e));
      }
    }
  }

  @Override
  public void close() {
    executor.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (executor.awaitTermination(1, TimeUnit.DAYS)) {
          break;
        }
      } catch (InterruptedException e) {
        // As ExecutorService.close(): an interrupted close turns into terminate, then keeps waiting.
        interrupted = true;
        terminate();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void terminate() {
    // No registry of running tasks (it would cost every task a set insert and removal): shutdownNow()
    // interrupts every pool thread, and a task that then ends by throwing is recorded as cancelled.
    terminating = true;
    for (Runnable queued : executor.shutdownNow()) {
      ((Runner) queued).jobs.forEach(Job::cancel);
    }
    try {
      executor.awaitTermination(TERMINATE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs a chunk of jobs, one after the other. The monitor guards {@code thread} and {@code current}: a
   * cancel or timeout interrupts only while its own job runs, and the interrupt status is cleared
   * before the next job, so it never leaks into another task.
   */
  final class Runner implements Runnable, Consumer<Job> {
    final Task<Object, Object> task;
    final List<? extends Job> jobs;
    private final ChunkSizer sizer;
    private Thread thread;
    private Job current;

    Runner(Task<Object, Object> task, List<? extends Job> jobs, ChunkSizer sizer) {
      this.task = task;
      this.jobs = jobs;
      this.sizer = sizer;
    }

    @Override
    public void run() {
      long t0 = sizer == null ? 0 : System.nanoTime();
      for (Job job : jobs) {
        runOne(job);
      }
      if (sizer != null) {
        sizer.record(jobs.size(), System.nanoTime() - t0);
      }
    }

    private void runOne(Job job) {
      synchronized (this) {
        if (job.isDone()) {
          return; // cancelled while queued
        }
        if (terminating) {
          job.cancel();
          return;
        }
        thread = Thread.currentThread();
        current = job;
      }
      ScheduledFuture<?> deadline = timeout == null ? null : Deadlines.after(timeout, () -> expire(job));
      boolean timed = stats.sample();
      long cpu0 = timed ? TaskStats.threadCpuNanos() : 0;
      if (timed && cpu0 < 0) {
        stats.startWallOnly();
      }
      long t0 = timed ? System.nanoTime() : 0;
      try {
        Object value = null;
        Throwable error = null;
        try {
          value = task.apply(job.input());
        } catch (Throwable t) {
          error = t;
        }
        if (timed) { // before completing: whoever sees the result may ask for the plan at once
          long wall = System.nanoTime() - t0;
          long cpu = cpu0 < 0 ? -1 : TaskStats.threadCpuNanos() - cpu0;
          stats.add(1, wall, cpu);
          if (TaskEvent.enabled()) { // the sample the plan takes anyway: no clock read for JFR alone
            TaskEvent e = new TaskEvent();
            e.pool = context.poolName();
            e.wall = wall;
            e.cpu = cpu < 0 ? -1 : Math.min(cpu, wall); // as TaskStats counts it: the clock reads cost ~1 us
            e.failed = error != null;
            e.commit();
          }
        }
        if (terminating) {
          job.cancel(); // terminate() promised every unfinished future would end cancelled
        }
        if (error == null) {
          job.complete(value);
        } else {
          job.fail(error);
        }
      } finally {
        if (deadline != null) {
          deadline.cancel(false);
        }
        synchronized (this) {
          thread = null;
          current = null;
          Thread.interrupted();
        }
      }
    }

    private void expire(Job job) {
      if (job.fail(new TaskTimeoutException(timeout, "its thread was interrupted"))) {
        interruptIfRunning(job);
      }
    }

    /** The cancel hook of this runner's jobs. */
    @Override
    public void accept(Job job) {
      interruptIfRunning(job);
    }

    synchronized void interruptIfRunning(Job job) {
      if (thread != null && current == job) {
        thread.interrupt();
      }
    }
  }
}
