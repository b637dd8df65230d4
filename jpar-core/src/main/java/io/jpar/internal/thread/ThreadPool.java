package io.jpar.internal.thread;

import io.jpar.BackendKind;
import io.jpar.Task;
import io.jpar.TaskTimeoutException;
import io.jpar.internal.AbstractPool;
import io.jpar.internal.ChunkSizer;
import io.jpar.internal.Deadlines;
import io.jpar.internal.Job;
import io.jpar.internal.Settings;
import io.jpar.internal.TaskStats;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
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

  private ThreadPool(Settings settings, ExecutorService executor, boolean chunked) {
    super(settings);
    this.executor = executor;
    this.chunked = chunked;
  }

  /** A fixed pool of platform threads named NAME-1..NAME-n, started on demand. */
  public static ThreadPool platform(Settings settings) {
    AtomicInteger seq = new AtomicInteger();
    List<Thread> created = new java.util.concurrent.CopyOnWriteArrayList<>();
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
              created.add(t);
              return t;
            });
    ThreadPool pool = new ThreadPool(settings, tpe, true);
    pool.threads = created;
    return pool;
  }

  private List<Thread> threads = List.of();

  /**
   * CPU time used so far by this pool's own threads (platform threads only; -1 for virtual threads or
   * where the JVM cannot tell). Unlike the process's CPU time it leaves out the JIT, the GC and the
   * caller, so it says at once whether running tasks compute or wait, before any of them ends.
   */
  public long threadsCpuNanos() {
    if (!chunked) {
      return -1;
    }
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : threads) {
      long cpu = mx.getThreadCpuTime(t.threadId());
      if (cpu > 0) {
        sum += cpu;
      }
    }
    return sum;
  }

  /** A new virtual thread per task, at most {@code parallelism} at once. */
  public static ThreadPool virtual(Settings settings) {
    return new ThreadPool(settings, new BoundedVirtualExecutor(settings.parallelism(), settings.name()), false);
  }

  /**
   * Platform threads run tiny tasks in chunks: one hand-over (queue, wake-up) per chunk instead of per
   * input. A chunk aims at ~20 us of work and never exceeds 32 inputs, so balance and latency do not
   * suffer; tasks that take longer stay at one per hand-over. Virtual threads never chunk: their point
   * is that every task waits on its own thread.
   */
  private static final long CHUNK_TARGET_NANOS = 20_000;
  private static final int MAX_CHUNK = 32;

  private final boolean chunked;
  private final Map<Task<?, ?>, ChunkSizer> sizers = Collections.synchronizedMap(new WeakHashMap<>());
  private volatile Task<?, ?> lastTask;
  private volatile ChunkSizer lastSizer;

  private ChunkSizer sizer(Task<?, ?> task) {
    ChunkSizer s = lastSizer;
    if (lastTask == task && s != null) {
      return s;
    }
    s = sizers.computeIfAbsent(task, t -> new ChunkSizer(CHUNK_TARGET_NANOS, MAX_CHUNK, 0));
    lastSizer = s;
    lastTask = task;
    return s;
  }

  @Override
  protected BackendKind backendName() {
    return chunked ? BackendKind.PLATFORM_THREADS : BackendKind.VIRTUAL_THREADS;
  }

  @Override
  protected int lastChunkSize() {
    ChunkSizer s = lastSizer;
    return chunked && s != null ? s.size() : 1;
  }

  /**
   * A map keeps this many chunks in flight: every input of an everyday batch at once (so nothing
   * changes for it), but not twelve million jobs and their futures, whose garbage then costs more
   * than the tasks. Virtual threads take one input per chunk, so they get more.
   */
  @Override
  protected int eagerWindow() {
    return chunked ? Math.max(1_024, 64 * parallelism()) : Math.max(16_384, 4 * parallelism());
  }

  @Override
  protected int chunkSize(Task<?, ?> task) {
    return chunked ? sizer(task).size() : 1;
  }

  @Override
  protected void dispatch(Task<Object, Object> task, List<? extends Job<?>> jobs) {
    if (!chunked) {
      if (jobs.size() == 1) {
        execute(new Runner(task, jobs, null)); // the batch's own one-element list: nothing to copy
      } else {
        for (Job<?> job : jobs) {
          execute(new Runner(task, List.of(job), null));
        }
      }
    } else {
      // Even a chunk of one is timed: that is how the sizer learns that chunks should grow.
      execute(new Runner(task, List.copyOf(jobs), sizer(task)));
    }
  }

  private void execute(Runner r) {
    for (Job<?> job : r.jobs) {
      job.onCancel(r); // the runner itself: no hook object per job
    }
    try {
      executor.execute(r);
    } catch (RejectedExecutionException e) {
      for (Job<?> job : r.jobs) {
        job.fail(new IllegalStateException("pool '" + settings.name() + "' is closed; the task was not run", e));
      }
    }
  }

  @Override
  protected int busy() {
    if (executor instanceof ThreadPoolExecutor tpe) {
      return tpe.getActiveCount() + tpe.getQueue().size();
    }
    return ((BoundedVirtualExecutor) executor).live();
  }

  /**
   * Takes back the chunks queued behind busy threads (not started), so that an auto pool can run them
   * on other machinery; returns their unfinished jobs by task.
   */
  public Map<Task<Object, Object>, List<Job<?>>> reclaimQueued() {
    Map<Task<Object, Object>, List<Job<?>>> byTask = new java.util.LinkedHashMap<>();
    if (executor instanceof ThreadPoolExecutor tpe) {
      List<Runnable> queued = new java.util.ArrayList<>();
      tpe.getQueue().drainTo(queued);
      for (Runnable r : queued) {
        Runner runner = (Runner) r;
        for (Job<?> job : runner.jobs) {
          if (!job.isDone()) {
            byTask.computeIfAbsent(runner.task, t -> new java.util.ArrayList<>()).add(job);
          }
        }
      }
    }
    return byTask;
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
      ((Runner) queued).jobs.forEach(j -> j.cancel(false));
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
  private final class Runner implements Runnable, java.util.function.Consumer<Job<?>> {
    final Task<Object, Object> task;
    final List<? extends Job<?>> jobs;
    private final ChunkSizer sizer;
    private Thread thread;
    private Job<?> current;

    Runner(Task<Object, Object> task, List<? extends Job<?>> jobs, ChunkSizer sizer) {
      this.task = task;
      this.jobs = jobs;
      this.sizer = sizer;
    }

    @Override
    public void run() {
      long t0 = sizer == null ? 0 : System.nanoTime();
      for (Job<?> job : jobs) {
        runOne(job);
      }
      if (sizer != null) {
        sizer.record(jobs.size(), System.nanoTime() - t0);
      }
    }

    private void runOne(Job<?> job) {
      synchronized (this) {
        if (job.isDone()) {
          return; // cancelled while queued
        }
        if (terminating) {
          job.cancel(false);
          return;
        }
        thread = Thread.currentThread();
        current = job;
      }
      Duration timeout = settings.taskTimeout();
      ScheduledFuture<?> deadline = timeout == null ? null : Deadlines.after(timeout, () -> expire(job, timeout));
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
          stats.add(1, System.nanoTime() - t0, cpu0 < 0 ? -1 : TaskStats.threadCpuNanos() - cpu0);
        }
        if (terminating) {
          job.cancel(false); // terminate() promised every unfinished future would end cancelled
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

    private void expire(Job<?> job, Duration timeout) {
      if (job.fail(new TaskTimeoutException(timeout, "its thread was interrupted"))) {
        interruptIfRunning(job);
      }
    }

    /** The cancel hook of this runner's jobs. */
    @Override
    public void accept(Job<?> job) {
      interruptIfRunning(job);
    }

    synchronized void interruptIfRunning(Job<?> job) {
      if (thread != null && current == job) {
        thread.interrupt();
      }
    }
  }
}
