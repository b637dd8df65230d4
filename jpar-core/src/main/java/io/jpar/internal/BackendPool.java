package io.jpar.internal;

import io.jpar.BackendKind;
import io.jpar.Outcome;
import io.jpar.Plan;
import io.jpar.Pool;
import io.jpar.SharedBytes;
import io.jpar.Task;
import io.jpar.TaskFuture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import io.jpar.spi.Backend;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The one {@link Pool} class: it owns the lifecycle, the batches ({@link Fanout}), progress and the task
 * figures, and runs on a {@link Backend} that only runs chunks of jobs. Every kind of pool is this
 * class over another backend; the backend's handle for a task ({@code H}, from {@link Backend#prepare})
 * travels with the batch.
 *
 * <p>Lifecycle: RUNNING -> CLOSING (close(): no new work, submitted work finishes) -> TERMINATED; or
 * RUNNING/CLOSING -> TERMINATED directly by terminate(). Only RUNNING accepts work. closeInBackground()
 * (the ExecutorService view's shutdown) is close() with the backend's close on a thread of its own; the
 * {@code terminated} latch opens once the backend's close or terminate has returned.
 *
 * @param <H> the backend's handle for a prepared task
 */
public final class BackendPool<H> implements Pool {
  private static final int RUNNING = 0;
  private static final int CLOSING = 1;
  private static final int TERMINATED = 2;

  private final PoolContext context;
  private final Backend<H> backend;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  /** Counted down once the backend's close() or terminate() has returned. */
  private final CountDownLatch terminated = new CountDownLatch(1);
  /** What share() made, deleted once the backend is closed or terminated; null from then on. */
  @GuardedBy("sharedLock") private List<SharedBytes> shared = new ArrayList<>();
  private final Object sharedLock = new Object();

  private BackendPool(PoolContext context, Backend<H> backend) {
    this.context = context;
    this.backend = Objects.requireNonNull(backend, "the backend factory returned null");
  }

  /** A pool over the backend {@code factory} makes with this pool's context. */
  public static Pool start(Settings settings, Function<? super PoolContext, ? extends Backend<?>> factory) {
    PoolContext context = new PoolContext(settings);
    return over(context, factory.apply(context));
  }

  private static <H> BackendPool<H> over(PoolContext context, Backend<H> backend) {
    return new BackendPool<>(context, backend);
  }

  Backend<H> backend() {
    return backend;
  }

  ProgressTracker progress() {
    return context.progress();
  }

  PoolContext context() {
    return context;
  }

  <O> JobFuture<O> newJob(long index, Object input) {
    return new JobFuture<>(index, input, context.progress());
  }

  @Override
  public Plan plan() {
    Plan measured = context.stats().plan(backend.kind(), backend.parallelism(), backend.lastChunkSize(),
        context.progress().failedSoFar());
    return backend.plan(measured);
  }

  @Override
  public int parallelism() {
    return backend.parallelism();
  }

  @Override
  public boolean isClosed() {
    return state.get() != RUNNING;
  }

  /** {@code true} once terminate() was called: batches stop reading inputs. */
  boolean isTerminated() {
    return state.get() == TERMINATED;
  }

  private void requireOpen() {
    if (state.get() != RUNNING) {
      throw new IllegalStateException("pool '" + context.poolName() + "' is closed; it accepts no new tasks");
    }
  }

  @SuppressWarnings("unchecked")
  private H prepare(Task<?, ?> task) {
    return backend.prepare((Task<Object, Object>) task);
  }

  @Override
  public <I, O> TaskFuture<O> submit(Task<? super I, ? extends O> task, I input) {
    return submit(task, input, null);
  }

  /** As {@link #submit(Task, Object)}; {@code onDone}, if not null, runs once when the task completes. */
  <I, O> TaskFuture<O> submit(Task<? super I, ? extends O> task, I input, Runnable onDone) {
    Objects.requireNonNull(task, "task");
    requireOpen();
    H handle = prepare(task);
    context.progress().expect(1);
    JobFuture<O> job = newJob(0, input);
    if (onDone != null) {
      job.onDone((j, wake) -> onDone.run());
    }
    backend.dispatch(handle, List.of(job));
    return new FutureView<>(job);
  }

  @Override
  public ExecutorService asExecutorService() {
    return new PoolExecutorService(this);
  }

  /** Waits until the pool is TERMINATED (its backend closed or terminated); {@code false} on timeout. */
  boolean awaitTerminated(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  /**
   * Starts a close without waiting for it: RUNNING -> CLOSING now (no new work), and a new thread
   * closes the backend and counts the pool TERMINATED. {@code false} if the pool was not RUNNING.
   */
  boolean closeInBackground() {
    if (!state.compareAndSet(RUNNING, CLOSING)) {
      return false;
    }
    Thread.ofPlatform().daemon().name(context.poolName() + "-shutdown").start(this::finishClose);
    return true;
  }

  private void finishClose() {
    try {
      backend.close();
    } finally {
      state.compareAndSet(CLOSING, TERMINATED);
      releaseShared();
      terminated.countDown();
    }
  }

  @Override
  public SharedBytes share(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    requireOpen();
    SharedBytes s = SharedBytes.copyOf(bytes);
    synchronized (sharedLock) {
      if (shared != null) {
        shared.add(s);
        return s;
      }
    }
    s.close(); // the pool was released while they were written
    throw new IllegalStateException("pool '" + context.poolName() + "' is closed; it shares no new bytes");
  }

  /** Deletes what share() made: the pool's tasks are over (closed) or stopped (terminated). */
  private void releaseShared() {
    List<SharedBytes> made;
    synchronized (sharedLock) {
      made = shared;
      shared = null;
    }
    if (made != null) {
      made.forEach(SharedBytes::close);
    }
  }

  @Override
  public <I, O> List<O> map(Task<? super I, ? extends O> task, Iterable<? extends I> inputs) {
    Fanout<I, O, H> run = fanout(task, inputs, Fanout.Mode.ORDERED_FAIL_FAST, backend.eagerWindow());
    List<O> out = new ArrayList<>(sizeOf(inputs) < 0 ? 16 : (int) sizeOf(inputs));
    while (run.hasNext()) {
      out.add(run.nextValue());
    }
    return out;
  }

  @Override
  public <I, O> List<Outcome<O>> mapOutcomes(Task<? super I, ? extends O> task, Iterable<? extends I> inputs) {
    Fanout<I, O, H> run = fanout(task, inputs, Fanout.Mode.ORDERED, backend.eagerWindow());
    List<Outcome<O>> out = new ArrayList<>(sizeOf(inputs) < 0 ? 16 : (int) sizeOf(inputs));
    run.forEachRemaining(out::add);
    return out;
  }

  @Override
  public <I, O> Stream<O> imap(Task<? super I, ? extends O> task, Iterable<? extends I> inputs) {
    return values(fanout(task, inputs, Fanout.Mode.ORDERED, backend.lazyWindow()));
  }

  @Override
  public <I, O> Stream<O> imap(Task<? super I, ? extends O> task, Stream<? extends I> inputs) {
    return values(fanout(task, inputs, Fanout.Mode.ORDERED, backend.lazyWindow()));
  }

  @Override
  public <I, O> Stream<O> imapUnordered(Task<? super I, ? extends O> task, Iterable<? extends I> inputs) {
    return values(fanout(task, inputs, Fanout.Mode.UNORDERED, backend.lazyWindow()));
  }

  @Override
  public <I, O> Stream<O> imapUnordered(Task<? super I, ? extends O> task, Stream<? extends I> inputs) {
    return values(fanout(task, inputs, Fanout.Mode.UNORDERED, backend.lazyWindow()));
  }

  @Override
  public <I, O> Stream<Outcome<O>> imapOutcomes(Task<? super I, ? extends O> task, Stream<? extends I> inputs) {
    return stream(fanout(task, inputs, Fanout.Mode.UNORDERED, backend.lazyWindow()), Function.identity());
  }

  private <I, O> Fanout<I, O, H> fanout(Task<?, ?> task, Iterable<? extends I> inputs, Fanout.Mode mode, int window) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(inputs, "inputs");
    requireOpen();
    return new Fanout<>(this, prepare(task), inputs.iterator(), sizeOf(inputs), mode, window);
  }

  private <I, O> Fanout<I, O, H> fanout(Task<?, ?> task, Stream<? extends I> inputs, Fanout.Mode mode, int window) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(inputs, "inputs");
    requireOpen();
    H handle = prepare(task);
    Spliterator<? extends I> split = inputs.spliterator();
    return new Fanout<>(this, handle, Spliterators.iterator(split), split.getExactSizeIfKnown(), mode, window);
  }

  private static long sizeOf(Iterable<?> inputs) {
    return inputs instanceof Collection<?> c ? c.size() : -1;
  }

  private static <O> Stream<O> values(Fanout<?, O, ?> run) {
    return stream(run, Outcome::orElseThrow);
  }

  private static <O, R> Stream<R> stream(Fanout<?, O, ?> run, Function<Outcome<O>, R> view) {
    Iterator<R> it =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return run.hasNext();
          }

          @Override
          public R next() {
            return view.apply(run.next());
          }
        };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false)
        .onClose(run::close);
  }

  @Override
  public void close() {
    if (state.compareAndSet(RUNNING, CLOSING)) {
      finishClose();
    }
  }

  @Override
  public void terminate() {
    int previous = state.getAndSet(TERMINATED);
    if (previous != TERMINATED) {
      try {
        backend.terminate();
      } finally {
        releaseShared();
        terminated.countDown();
      }
    }
  }

  @Override
  public String toString() {
    String s = switch (state.get()) {
      case RUNNING -> "running";
      case CLOSING -> "closing";
      default -> "terminated";
    };
    return "Pool[" + context.poolName() + ", " + backend.kind().label() + " x " + parallelism() + ", " + s + "]";
  }
}
