package io.jpar.spi.example;

import io.jpar.BackendKind;
import io.jpar.Task;
import io.jpar.TaskTimeoutException;
import io.jpar.spi.Backend;
import io.jpar.spi.BackendContext;
import io.jpar.spi.Job;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A backend written as a module outside the core would write one — only {@code io.jpar} and {@code
 * io.jpar.spi} types — over a fixed thread pool: timeouts and cancels interrupt the task's thread,
 * terminate cancels what is queued. The behaviour spec runs over it, which is what proves the SPI is
 * enough to build a pool that keeps every promise of the others.
 */
public final class ExecutorBackend implements Backend<Task<Object, Object>> {
  private final int threads;
  private final BackendContext context;
  private final Duration timeout;
  private final ExecutorService executor;
  private final ScheduledExecutorService timer;
  private volatile boolean terminating;

  public ExecutorBackend(int threads, BackendContext context) {
    this.threads = threads;
    this.context = context;
    this.timeout = context.taskTimeout().orElse(null);
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, context.poolName() + "-worker");
      t.setDaemon(true);
      return t;
    });
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, context.poolName() + "-timer");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public BackendKind kind() {
    return BackendKind.PLATFORM_THREADS;
  }

  @Override
  public int parallelism() {
    return threads;
  }

  @Override
  public Task<Object, Object> prepare(Task<Object, Object> task) {
    return task;
  }

  @Override
  public void dispatch(Task<Object, Object> task, List<? extends Job> jobs) {
    for (Job job : jobs) {
      Run run = new Run(task, job);
      job.onCancel(j -> run.interrupt());
      try {
        executor.execute(run);
      } catch (RejectedExecutionException e) {
        job.fail(new IllegalStateException("the pool is closed; the task was not run", e));
      }
    }
  }

  @Override
  public void close() {
    executor.close();
    timer.shutdownNow();
  }

  @Override
  public void terminate() {
    terminating = true;
    for (Runnable queued : executor.shutdownNow()) {
      ((Run) queued).job.cancel();
    }
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
  }

  /** One job on one thread; its monitor guards {@code thread}, so an interrupt never hits another task. */
  private final class Run implements Runnable {
    final Task<Object, Object> task;
    final Job job;
    private Thread thread;

    Run(Task<Object, Object> task, Job job) {
      this.task = task;
      this.job = job;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (job.isDone() || terminating) {
          job.cancel();
          return;
        }
        thread = Thread.currentThread();
      }
      ScheduledFuture<?> deadline = timeout == null ? null : timer.schedule(() -> {
        if (job.fail(new TaskTimeoutException(timeout, "its thread was interrupted"))) {
          interrupt();
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
      boolean timed = context.sampleTask();
      long t0 = System.nanoTime();
      try {
        Object value = task.apply(job.input());
        record(timed, t0);
        if (terminating) {
          job.cancel();
        }
        job.complete(value);
      } catch (Throwable t) {
        record(timed, t0);
        if (terminating) {
          job.cancel();
        }
        job.fail(t);
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

    private void record(boolean timed, long t0) {
      if (timed) {
        context.recordTasks(1, System.nanoTime() - t0, -1);
      }
    }

    synchronized void interrupt() {
      if (thread != null) {
        thread.interrupt();
      }
    }
  }
}
