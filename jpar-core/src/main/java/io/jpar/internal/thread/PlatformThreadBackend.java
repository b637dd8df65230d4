package io.jpar.internal.thread;

import io.jpar.BackendKind;
import io.jpar.Task;
import io.jpar.internal.ChunkSizer;
import io.jpar.internal.os.CpuWait;
import io.jpar.internal.PoolContext;
import io.jpar.internal.TaskWrapper;
import io.jpar.spi.Job;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform threads, a fixed number started on demand and named NAME-1..NAME-n: for work that computes.
 * Tiny tasks run in chunks — one hand-over (queue, wake-up) per chunk instead of per input; a chunk aims
 * at ~20 µs of work and never exceeds 32 inputs, so balance and latency do not suffer, and tasks that
 * take longer stay at one per hand-over.
 */
public final class PlatformThreadBackend extends ThreadBackend<PlatformThreadBackend.PreparedTask> {
  private static final long CHUNK_TARGET_NANOS = 20_000;
  private static final int MAX_CHUNK = 32;

  private final ThreadPoolExecutor executor;
  private final List<Thread> threads;
  private volatile ChunkSizer lastSizer;
  /**
   * Chunk sizes learned per task class — per lambda call site, for lambdas — so that a batch of a task
   * starts from what the last batch of the same code learned (a map in a loop would otherwise begin at
   * chunks of 1 every time, and an eager map cuts its first thousand chunks before any is timed). A
   * ClassValue, not a map: it keeps no class alive, and no task object at all.
   */
  private final ClassValue<ChunkSizer> sizers = new ClassValue<>() {
    @Override
    protected ChunkSizer computeValue(Class<?> type) {
      return new ChunkSizer(CHUNK_TARGET_NANOS, MAX_CHUNK, 0);
    }
  };

  /** A task and the chunk size learned for its code. */
  public record PreparedTask(Task<Object, Object> code, ChunkSizer sizer) {}

  private PlatformThreadBackend(PoolContext context, ThreadPoolExecutor executor, List<Thread> threads) {
    super(context, executor);
    this.executor = executor;
    this.threads = threads;
  }

  public static PlatformThreadBackend start(PoolContext context) {
    AtomicInteger seq = new AtomicInteger();
    List<Thread> created = new CopyOnWriteArrayList<>();
    String name = context.poolName();
    ThreadPoolExecutor tpe = new ThreadPoolExecutor(context.parallelism(), context.parallelism(), 0,
        TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(() -> {
            try {
              r.run();
            } finally {
              CpuWait.release(); // the file an auto pool's meter opened for this thread
            }
          }, name + "-" + seq.incrementAndGet());
          t.setDaemon(true);
          created.add(t);
          return t;
        });
    return new PlatformThreadBackend(context, tpe, created);
  }

  @Override
  public BackendKind kind() {
    return BackendKind.PLATFORM_THREADS;
  }

  @Override
  public int parallelism() {
    return context.parallelism();
  }

  @Override
  public PreparedTask prepare(Task<Object, Object> task) {
    return new PreparedTask(task, sizers.get(TaskWrapper.unwrap(task).getClass()));
  }

  @Override
  public int chunkSize(PreparedTask task, long batchSize) {
    lastSizer = task.sizer();
    return task.sizer().size();
  }

  @Override
  public int lastChunkSize() {
    ChunkSizer s = lastSizer;
    return s == null ? 1 : s.size();
  }

  /**
   * A map keeps this many chunks in flight: every input of an everyday batch at once (so nothing
   * changes for it), but not twelve million jobs and their futures, whose garbage then costs more
   * than the tasks.
   */
  @Override
  public int eagerWindow() {
    return Math.max(1_024, 64 * parallelism());
  }

  @Override
  public void dispatch(PreparedTask task, List<? extends Job> jobs) {
    // Even a chunk of one is timed: that is how the sizer learns that chunks should grow.
    execute(task.code(), List.copyOf(jobs), task.sizer());
  }

  @Override
  public int busy() {
    return executor.getActiveCount() + executor.getQueue().size();
  }

  /**
   * CPU time used so far by this backend's own threads, or -1 where the JVM cannot tell. Unlike the
   * process's CPU time it leaves out the JIT, the GC and the caller, so it says at once whether running
   * tasks compute or wait, before any of them ends.
   */
  public long threadsCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : threads) {
      long cpu = mx.getThreadCpuTime(t.threadId());
      if (cpu > 0) {
        sum += cpu;
      }
    }
    return sum;
  }

  /**
   * Whether every thread of this backend is, at this moment, parked, sleeping or blocked on a lock: waiting
   * on its own, which a busy machine cannot fake (a thread short of a core is RUNNABLE). A thread inside
   * blocking socket I/O is RUNNABLE too, so false says nothing.
   */
  public boolean allThreadsBlocked() {
    if (threads.isEmpty()) {
      return false;
    }
    for (Thread t : threads) {
      Thread.State s = t.getState();
      if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING && s != Thread.State.BLOCKED) {
        return false;
      }
    }
    return true;
  }

  /** Chunks taken back from the queue before any thread started them. */
  public record Reclaimed(Task<Object, Object> code, List<Job> jobs) {}

  /**
   * Takes back the chunks queued behind busy threads (not started), so that an auto pool can run them
   * on other machinery; returns their unfinished jobs, a chunk at a time.
   */
  public List<Reclaimed> reclaimQueued() {
    List<Runnable> queued = new ArrayList<>();
    executor.getQueue().drainTo(queued);
    List<Reclaimed> out = new ArrayList<>();
    for (Runnable r : queued) {
      Runner runner = (Runner) r;
      List<Job> open = new ArrayList<>();
      for (Job job : runner.jobs) {
        if (!job.isDone()) {
          open.add(job);
        }
      }
      if (!open.isEmpty()) {
        out.add(new Reclaimed(runner.task, open));
      }
    }
    return out;
  }
}
