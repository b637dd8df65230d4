package io.jpar.internal.thread;

import io.jpar.Task;
import io.jpar.TaskTimeoutException;
import io.jpar.internal.AbstractPool;
import io.jpar.internal.Deadlines;
import io.jpar.internal.Job;
import io.jpar.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform-thread and virtual-thread backends: one job per executor task, run on the pool's
 * threads. A timeout or cancel interrupts the task's thread; that is all a thread allows.
 */
public final class ThreadPool extends AbstractPool {
  /** How long terminate() waits for interrupted tasks before giving their threads up. */
  private static final Duration TERMINATE_GRACE = Duration.ofSeconds(1);

  private final ExecutorService executor;
  /** Set by terminate(): a task that ends by throwing from now on was stopped by us, so it is cancelled. */
  private volatile boolean terminating;

  private ThreadPool(Settings settings, ExecutorService executor) {
    super(settings);
    this.executor = executor;
  }

  /** A fixed pool of platform threads named NAME-1..NAME-n, started on demand. */
  public static ThreadPool platform(Settings settings) {
    AtomicInteger seq = new AtomicInteger();
    ThreadPoolExecutor tpe =
        new ThreadPoolExecutor(
            settings.parallelism(),
            settings.parallelism(),
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, settings.name() + "-" + seq.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new ThreadPool(settings, tpe);
  }

  /** A new virtual thread per task, at most {@code parallelism} at once. */
  public static ThreadPool virtual(Settings settings) {
    return new ThreadPool(settings, new BoundedVirtualExecutor(settings.parallelism(), settings.name()));
  }

  @Override
  protected void dispatch(Task<Object, Object> task, List<? extends Job<?>> jobs) {
    for (Job<?> job : jobs) {
      Runner r = new Runner(task, job);
      job.onCancel(r::interruptIfRunning);
      try {
        executor.execute(r);
      } catch (RejectedExecutionException e) {
        job.fail(new IllegalStateException("pool '" + settings.name() + "' is closed; the task was not run", e));
      }
    }
  }

  @Override
  protected void shutdownGracefully() {
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
        shutdownNow();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected void shutdownNow() {
    // No registry of running tasks (it would cost every task a set insert and removal): shutdownNow()
    // interrupts every pool thread, and a task that then ends by throwing is recorded as cancelled.
    terminating = true;
    for (Runnable queued : executor.shutdownNow()) {
      ((Runner) queued).job.cancel(false);
    }
    try {
      executor.awaitTermination(TERMINATE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs one job. The monitor guards {@code thread}: a cancel or timeout interrupts only while the task
   * runs, and the interrupt status is cleared before the thread moves on, so it never leaks into the
   * next task.
   */
  private final class Runner implements Runnable {
    final Task<Object, Object> task;
    final Job<?> job;
    private Thread thread;

    Runner(Task<Object, Object> task, Job<?> job) {
      this.task = task;
      this.job = job;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (job.isDone()) {
          return; // cancelled while queued
        }
        if (terminating) {
          job.cancel(false);
          return;
        }
        thread = Thread.currentThread();
      }
      Duration timeout = settings.taskTimeout();
      ScheduledFuture<?> deadline = timeout == null ? null : Deadlines.after(timeout, () -> expire(timeout));
      try {
        Object value = task.apply(job.input());
        if (terminating) {
          job.cancel(false); // terminate() promised every unfinished future would end cancelled
        }
        job.complete(value);
      } catch (Throwable t) {
        if (terminating) {
          job.cancel(false);
        }
        job.fail(t);
        return;
      } finally {
        if (deadline != null) {
          deadline.cancel(false);
        }
        synchronized (this) {
          thread = null;
          Thread.interrupted();
        }
      }
    }

    private void expire(Duration timeout) {
      if (job.fail(new TaskTimeoutException(timeout, "its thread was interrupted"))) {
        interruptIfRunning();
      }
    }

    synchronized void interruptIfRunning() {
      if (thread != null) {
        thread.interrupt();
      }
    }
  }
}
