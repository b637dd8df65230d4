package io.jpar.internal;

import io.jpar.BackendKind;
import io.jpar.Outcome;
import io.jpar.Pool;
import io.jpar.Task;
import io.jpar.TaskFuture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * What every backend shares: the batch methods (built on {@link Fanout}), progress and the lifecycle.
 * A backend supplies {@link #dispatch} (run these jobs, complete each exactly once) and the release of
 * its machinery.
 *
 * <p>Lifecycle: RUNNING -> CLOSING (close(): no new work, submitted work finishes) -> TERMINATED; or
 * RUNNING/CLOSING -> TERMINATED directly by terminate(). Only RUNNING accepts work.
 */
public abstract class AbstractPool implements Pool {
  private static final int RUNNING = 0;
  private static final int CLOSING = 1;
  private static final int TERMINATED = 2;

  protected final Settings settings;
  private final ProgressTracker progress;
  /** Wall and CPU time of (a sample of) the tasks run, for {@link #plan()}. */
  protected final TaskStats stats = new TaskStats();
  private final AtomicInteger state = new AtomicInteger(RUNNING);

  protected AbstractPool(Settings settings) {
    this.settings = Objects.requireNonNull(settings);
    this.progress = new ProgressTracker(settings.progressListener());
  }

  /**
   * Runs {@code jobs} (one chunk, from one batch) and completes each exactly once. Must not block for
   * long; a backend that cannot accept work (shut down) completes the jobs as failed.
   */
  protected abstract void dispatch(Task<Object, Object> task, List<? extends Job<?>> jobs);

  /** Releases the machinery after every dispatched job has completed. Blocks until done. */
  protected abstract void shutdownGracefully();

  /** Cancels queued jobs, stops running ones and releases the machinery. Blocks until done. */
  protected abstract void shutdownNow();

  /** The machinery this pool runs on. */
  protected abstract BackendKind backendName();

  /** The chunk size last used, for {@link #plan()}. */
  protected int lastChunkSize() {
    return 1;
  }

  @Override
  public io.jpar.Plan plan() {
    return stats.plan(backendName(), parallelism(), lastChunkSize(), progress.failedSoFar());
  }

  /** How many inputs of {@code task} go into one dispatch. Backends with a per-dispatch cost adapt it. */
  protected int chunkSize(Task<?, ?> task) {
    return 1;
  }

  /**
   * Checks a task before any of its work is dispatched (the process backend proves it can be sent).
   *
   * @throws IllegalArgumentException naming what is wrong with the task
   */
  protected void prepare(Task<?, ?> task) {}

  /**
   * How many chunks a lazy batch ({@code imap}) keeps in flight: enough that workers rarely wait for
   * the consumer, few enough that memory stays flat on an endless input.
   */
  protected int lazyWindow() {
    return Math.max(32, 4 * parallelism());
  }

  /**
   * How many chunks {@code map} and {@code mapOutcomes} keep in flight. Their input is already in
   * memory and their result will be, so by default everything is dispatched at once: no hand-off with
   * the caller per result.
   */
  protected int eagerWindow() {
    return Integer.MAX_VALUE;
  }

  /**
   * How many jobs a batch keeps running at once, given its window in chunks and the current chunk
   * size. An auto pool overrides it to follow the concurrency it has chosen.
   */
  protected long windowLimit(int windowChunks, int chunk) {
    return Math.min(Integer.MAX_VALUE, (long) windowChunks * chunk);
  }

  /** Roughly how many chunks are running or queued here now; an auto pool waits for 0 after leaving a backend. */
  protected int busy() {
    return 0;
  }

  /** Called when a batch starts; an auto pool keeps them to nudge when its window grows. */
  void fanoutStarted(Fanout<?, ?> fanout) {}

  ProgressTracker progress() {
    return progress;
  }

  <O> Job<O> newJob(long index, Object input) {
    return new Job<>(index, input, progress);
  }

  @Override
  public int parallelism() {
    return settings.parallelism();
  }

  @Override
  public boolean isClosed() {
    return state.get() != RUNNING;
  }

  /** {@code true} once terminate() was called: batches stop reading inputs. */
  boolean isTerminated() {
    return state.get() == TERMINATED;
  }

  protected final void requireOpen() {
    if (state.get() != RUNNING) {
      throw new IllegalStateException("pool '" + settings.name() + "' is closed; it accepts no new tasks");
    }
  }

  @Override
  public <I, O> TaskFuture<O> submit(Task<? super I, ? extends O> task, I input) {
    Objects.requireNonNull(task, "task");
    requireOpen();
    prepare(task);
    progress.expect(1);
    Job<O> job = newJob(0, input);
    @SuppressWarnings("unchecked")
    Task<Object, Object> t = (Task<Object, Object>) task;
    dispatch(t, List.of(job));
    return job;
  }

  @Override
  public <I, O> List<O> map(Task<? super I, ? extends O> task, Iterable<? extends I> inputs) {
    Fanout<I, O> run = fanout(task, inputs, Fanout.Mode.ORDERED_FAIL_FAST, eagerWindow());
    List<O> out = new ArrayList<>(sizeOf(inputs) < 0 ? 16 : (int) sizeOf(inputs));
    while (run.hasNext()) {
      out.add(run.nextValue());
    }
    return out;
  }

  @Override
  public <I, O> List<Outcome<O>> mapOutcomes(Task<? super I, ? extends O> task, Iterable<? extends I> inputs) {
    Fanout<I, O> run = fanout(task, inputs, Fanout.Mode.ORDERED, eagerWindow());
    List<Outcome<O>> out = new ArrayList<>(sizeOf(inputs) < 0 ? 16 : (int) sizeOf(inputs));
    run.forEachRemaining(out::add);
    return out;
  }

  @Override
  public <I, O> Stream<O> imap(Task<? super I, ? extends O> task, Iterable<? extends I> inputs) {
    return values(fanout(task, inputs, Fanout.Mode.ORDERED, lazyWindow()));
  }

  @Override
  public <I, O> Stream<O> imap(Task<? super I, ? extends O> task, Stream<? extends I> inputs) {
    return values(fanout(task, inputs, Fanout.Mode.ORDERED, lazyWindow()));
  }

  @Override
  public <I, O> Stream<O> imapUnordered(Task<? super I, ? extends O> task, Iterable<? extends I> inputs) {
    return values(fanout(task, inputs, Fanout.Mode.UNORDERED, lazyWindow()));
  }

  @Override
  public <I, O> Stream<O> imapUnordered(Task<? super I, ? extends O> task, Stream<? extends I> inputs) {
    return values(fanout(task, inputs, Fanout.Mode.UNORDERED, lazyWindow()));
  }

  @Override
  public <I, O> Stream<Outcome<O>> imapOutcomes(Task<? super I, ? extends O> task, Stream<? extends I> inputs) {
    return stream(fanout(task, inputs, Fanout.Mode.UNORDERED, lazyWindow()), Function.identity());
  }

  private <I, O> Fanout<I, O> fanout(Task<?, ?> task, Iterable<? extends I> inputs, Fanout.Mode mode, int window) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(inputs, "inputs");
    requireOpen();
    prepare(task);
    return new Fanout<>(this, task, inputs.iterator(), sizeOf(inputs), mode, window);
  }

  private <I, O> Fanout<I, O> fanout(Task<?, ?> task, Stream<? extends I> inputs, Fanout.Mode mode, int window) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(inputs, "inputs");
    requireOpen();
    prepare(task);
    Spliterator<? extends I> split = inputs.spliterator();
    return new Fanout<>(this, task, Spliterators.iterator(split), split.getExactSizeIfKnown(), mode, window);
  }

  private static long sizeOf(Iterable<?> inputs) {
    return inputs instanceof Collection<?> c ? c.size() : -1;
  }

  private static <O> Stream<O> values(Fanout<?, O> run) {
    return stream(run, Outcome::orElseThrow);
  }

  private static <O, R> Stream<R> stream(Fanout<?, O> run, Function<Outcome<O>, R> view) {
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
      shutdownGracefully();
      state.compareAndSet(CLOSING, TERMINATED);
    }
  }

  @Override
  public void terminate() {
    int previous = state.getAndSet(TERMINATED);
    if (previous != TERMINATED) {
      shutdownNow();
    }
  }

  @Override
  public String toString() {
    String s = switch (state.get()) {
      case RUNNING -> "running";
      case CLOSING -> "closing";
      default -> "terminated";
    };
    return getClass().getSimpleName() + "[" + settings.name() + ", parallelism=" + parallelism() + ", " + s + "]";
  }
}
