package io.jpar.internal;

import io.jpar.Task;
import io.jpar.TaskFuture;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code pool.asExecutorService()}: the pool seen through the JDK's interface (the contract is on
 * {@link io.jpar.Pool#asExecutorService()}). Every Callable and Runnable runs as the input of one fixed,
 * stateless task ({@link RunSubmission}), so the process backend's task table finds it by its class and
 * never encodes a task per submit; only the input (the {@link Submission}) travels.
 *
 * <p>Lifecycle is the pool's: shutdown = the pool's close started in the background, shutdownNow = the
 * pool's terminate, terminated = the pool's backend closed or terminated. The view only adds the set of
 * its own submissions not yet completed, so that shutdownNow can take back those never started.
 */
final class PoolExecutorService implements ExecutorService {
  private final BackendPool<?> pool;
  /** This view's submissions not yet completed; each removes itself when its job completes. */
  private final Set<Submission> live = ConcurrentHashMap.newKeySet();

  PoolExecutorService(BackendPool<?> pool) {
    this.pool = pool;
  }

  // ---- submitting ----

  @Override
  public void execute(Runnable command) {
    Objects.requireNonNull(command, "command");
    start(new Submission(command, null));
  }

  @Override
  public Future<?> submit(Runnable task) {
    Objects.requireNonNull(task, "task");
    return start(new Submission(task, null));
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    Objects.requireNonNull(task, "task");
    return start(new Submission(task, result));
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    return start(new Submission(task, null));
  }

  private <T> TaskFuture<T> start(Submission s) {
    if (pool.isClosed()) {
      throw rejected(s);
    }
    live.add(s);
    TaskFuture<T> future;
    try {
      future = pool.submit(RunSubmission.<T>typed(), s, () -> live.remove(s));
    } catch (IllegalStateException e) {
      live.remove(s);
      if (pool.isClosed()) {
        throw rejected(s);
      }
      throw e;
    } catch (RuntimeException | Error e) {
      live.remove(s);
      throw e;
    }
    s.future = future;
    if (s.refusal != null) { // the process backend could not encode it: refuse it here, at once
      throw new IllegalArgumentException(
          "The " + s.kind() + " " + s.work.getClass().getName() + " cannot be sent to a worker process: "
              + s.refusal + ". On worker processes a Callable or Runnable (and a submit(Runnable, result)'s"
              + " result) must be Serializable, and so must everything it captures.", s.refusal);
    }
    if (future.isDone()) {
      live.remove(s); // done before its hook could find it in the set
    }
    return future;
  }

  private RejectedExecutionException rejected(Submission s) {
    return new RejectedExecutionException("the " + s.kind() + " " + s.work.getClass().getName()
        + " was rejected: " + pool + " is shut down; it accepts no new tasks");
  }

  // ---- batches ----

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
    List<Future<T>> futures = submitAll(tasks);
    try {
      for (Future<T> f : futures) {
        awaitQuietly(f);
      }
    } catch (InterruptedException e) {
      cancelAll(futures);
      throw e;
    }
    return futures;
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    List<Future<T>> futures = submitAll(tasks);
    try {
      for (Future<T> f : futures) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          awaitQuietly(f, left);
        } catch (TimeoutException e) {
          break;
        }
      }
    } catch (InterruptedException e) {
      cancelAll(futures);
      throw e;
    }
    cancelAll(futures); // the unfinished ones; a done future ignores the cancel
    return futures;
  }

  private <T> List<Future<T>> submitAll(Collection<? extends Callable<T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    for (Callable<T> t : tasks) {
      Objects.requireNonNull(t, "a task in tasks");
    }
    List<Future<T>> futures = new ArrayList<>(tasks.size());
    try {
      for (Callable<T> t : tasks) {
        futures.add(submit(t));
      }
    } catch (RuntimeException | Error e) {
      cancelAll(futures);
      throw e;
    }
    return futures;
  }

  private static void awaitQuietly(Future<?> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException | CancellationException ignored) {
      // the future holds it; invokeAll only waits
    }
  }

  private static void awaitQuietly(Future<?> f, long nanos) throws InterruptedException, TimeoutException {
    try {
      f.get(nanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException | CancellationException ignored) {
      // the future holds it; invokeAll only waits
    }
  }

  private static void cancelAll(List<? extends Future<?>> futures) {
    for (Future<?> f : futures) {
      f.cancel(true);
    }
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
    try {
      return any(tasks, -1);
    } catch (TimeoutException e) {
      throw new AssertionError("an untimed invokeAny timed out", e);
    }
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return any(tasks, Math.max(0, unit.toNanos(timeout)));
  }

  /** The first success; every other task is cancelled once one succeeds, or on timeout or interrupt. */
  private <T> T any(Collection<? extends Callable<T>> tasks, long nanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(tasks, "tasks");
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("invokeAny needs at least one task; tasks is empty");
    }
    long deadline = System.nanoTime() + nanos;
    BlockingQueue<TaskFuture<T>> done = new LinkedBlockingQueue<>();
    List<Future<T>> futures = submitAll(tasks);
    try {
      for (Future<T> f : futures) {
        TaskFuture<T> tf = (TaskFuture<T>) f;
        tf.toCompletableFuture().whenComplete((v, e) -> done.add(tf));
      }
      ExecutionException last = null;
      for (int i = 0; i < futures.size(); i++) {
        TaskFuture<T> f;
        if (nanos < 0) {
          f = done.take();
        } else {
          f = done.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (f == null) {
            throw new TimeoutException("no task of invokeAny succeeded within " + nanos / 1_000_000 + " ms");
          }
        }
        try {
          return f.get();
        } catch (ExecutionException e) {
          last = e;
        } catch (CancellationException e) {
          last = new ExecutionException(e);
        }
      }
      throw last;
    } finally {
      cancelAll(futures);
    }
  }

  // ---- lifecycle ----

  @Override
  public void shutdown() {
    pool.closeInBackground();
  }

  @Override
  public List<Runnable> shutdownNow() {
    // Phase 1, the tasks not started here: cancel without interrupt (a cancelled job keeps that state
    // whatever its run does, and no running task is stopped yet, so no thread frees up and starts a
    // queued one), then claim the start: a claimed one never ran and never will (its run sees the
    // claim). Phase 2 interrupts the running ones; terminate stops whatever is left.
    List<Submission> neverStarted = new ArrayList<>();
    for (Submission s : live) {
      TaskFuture<?> f = s.future;
      if (f != null && s.mayBeQueuedHere()) {
        f.cancel(false);
        if (s.takeBack()) {
          neverStarted.add(s);
        }
      }
    }
    for (Submission s : live) {
      TaskFuture<?> f = s.future;
      if (f != null) {
        f.cancel(true);
      }
    }
    pool.terminate();
    neverStarted.sort(Comparator.comparingLong(s -> s.seq));
    List<Runnable> out = new ArrayList<>(neverStarted.size());
    for (Submission s : neverStarted) {
      out.add(s.asRunnable());
    }
    return out;
  }

  @Override
  public boolean isShutdown() {
    return pool.isClosed();
  }

  @Override
  public boolean isTerminated() {
    try {
      return pool.awaitTerminated(0, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return pool.awaitTerminated(timeout, unit);
  }

  @Override
  public String toString() {
    return "ExecutorService view of " + pool;
  }

  // ---- what travels ----

  /**
   * One Callable or Runnable (with the result of {@code submit(Runnable, result)}) as the input of
   * {@link RunSubmission}. In this JVM, {@code started} is claimed exactly once: by the run, or by
   * shutdownNow taking the submission back; whoever loses does nothing. A copy sent to a worker JVM
   * has no {@code started} (transient) and simply runs; writing it records a refusal to encode, so
   * that {@code submit} can refuse at once.
   */
  static final class Submission implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private static final AtomicLong SEQ = new AtomicLong();

    final Object work;
    final Object result;
    /** Submission order, in which shutdownNow returns what it took back. */
    final transient long seq = SEQ.getAndIncrement();
    private final transient AtomicBoolean started = new AtomicBoolean();
    transient volatile TaskFuture<?> future;
    transient volatile Exception refusal;
    /** Set once written for another JVM: from then on this JVM cannot see it start. */
    private transient volatile boolean shipped;

    Submission(Object work, Object result) {
      this.work = work;
      this.result = result;
    }

    String kind() {
      return work instanceof Callable<?> ? "Callable" : "Runnable";
    }

    Object run() throws Exception {
      if (started != null && !started.compareAndSet(false, true)) {
        throw new CancellationException("the task was taken back by shutdownNow before it started");
      }
      if (work instanceof Callable<?> c) {
        return c.call();
      }
      ((Runnable) work).run();
      return result;
    }

    /** {@code true} while it has neither started in this JVM nor been written for another. */
    boolean mayBeQueuedHere() {
      return !shipped && !started.get();
    }

    /** Claims a submission that never started in this JVM nor left it; {@code true} if it is ours now. */
    boolean takeBack() {
      return !shipped && started.compareAndSet(false, true);
    }

    Runnable asRunnable() {
      if (work instanceof Runnable r) {
        return r;
      }
      Callable<?> c = (Callable<?>) work;
      return () -> {
        try {
          c.call();
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
      shipped = true;
      try {
        out.defaultWriteObject();
      } catch (IOException | RuntimeException e) {
        refusal = e;
        throw e;
      }
    }
  }

  /** The one task every submission runs as: stateless, so it is encoded once per pool at most. */
  static final class RunSubmission implements Task<Submission, Object> {
    @Serial private static final long serialVersionUID = 1L;
    static final RunSubmission INSTANCE = new RunSubmission();

    @Override
    public Object apply(Submission s) throws Exception {
      return s.run();
    }

    @SuppressWarnings("unchecked")
    static <T> Task<Submission, T> typed() {
      return (Task<Submission, T>) (Task<?, ?>) INSTANCE;
    }

    @Serial
    private Object readResolve() {
      return INSTANCE;
    }
  }
}
