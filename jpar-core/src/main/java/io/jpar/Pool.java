package io.jpar;

import io.jpar.internal.CompletionOrder;
import io.jpar.spi.Backend;
import io.jpar.spi.BackendFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * Runs a batch of {@link Task}s in parallel on one kind of machinery: platform threads for computing
 * ({@link #threads()}), virtual threads for waiting ({@link #virtualThreads()}), or isolated worker JVMs
 * ({@link #processes()}). The methods are the same whatever the machinery, so changing it is a
 * one-word change.
 *
 * {@snippet :
 * try (Pool pool = Pool.threads().build()) {                    // platform threads, workers = cores
 *   List<Integer> lengths = pool.map(String::length, words);    // in input order, fail-fast
 * }
 * try (Pool pool = Pool.virtualThreads().maxConcurrency(2_000).build()) {
 *   pool.imapUnordered(url -> get(url), urls).forEach(System.out::println); // lazy
 * }
 * }
 *
 * <p>A pool is {@link AutoCloseable}: {@link #close()} waits for submitted work, {@link #terminate()}
 * stops it. A closed pool rejects new work with an {@link IllegalStateException}.
 *
 * <p>Thread safety: every method may be called from any thread, concurrently.
 *
 * @since 0.1
 */
public interface Pool extends AutoCloseable {

  /**
   * A pool of platform threads, by default one per available processor: for work that computes.
   *
   * @return a new builder for a pool of platform threads
   */
  static ThreadPoolBuilder threads() {
    return new ThreadPoolBuilder();
  }

  /**
   * A pool that runs each task on its own virtual thread, with bounded concurrency: for work that waits.
   *
   * @return a new builder for a pool of virtual threads
   */
  static VirtualThreadPoolBuilder virtualThreads() {
    return new VirtualThreadPoolBuilder();
  }

  /**
   * A pool of worker JVMs, by default one per available processor: for work that must be isolated
   * (crashes, leaks, hangs and native code stay in their worker) or that wants its own heap and GC.
   *
   * @return a new builder for a pool of worker processes
   */
  static ProcessPoolBuilder processes() {
    return new ProcessPoolBuilder();
  }

  /**
   * A pool that measures its tasks as they run (wall time, CPU time, allocation) and runs them on the
   * machinery that fits: platform threads for computing, virtual threads sized by Little's law for
   * waiting, worker processes when {@link AutoPoolBuilder#isolated isolated}; it re-plans when the work
   * changes character. {@link #plan()} says what it chose and why.
   *
   * @return a new builder for a self-planning pool
   */
  static AutoPoolBuilder auto() {
    return new AutoPoolBuilder();
  }

  /**
   * A pool on a backend of your own, or one from a module outside the core (a cluster): the pool
   * brings the batches, order, progress, futures and lifecycle; the {@link Backend} runs chunks of
   * jobs. See {@link Backend} for what one implements.
   *
   * {@snippet :
   * try (Pool pool = Pool.on(context -> new ClusterBackend(hazelcast, context)).name("render").build()) {
   *   List<Image> frames = pool.map(Renderer::frame, frameNumbers);
   * }
   * }
   *
   * @param backend makes the pool's backend, once, when the pool is built
   * @return a new builder for a pool on that backend
   * @since 0.3
   */
  static CustomPoolBuilder on(BackendFactory backend) {
    return new CustomPoolBuilder(backend);
  }

  /**
   * Applies {@code task} to every input and returns the results in input order. The first failure
   * cancels the tasks still pending or running and is thrown.
   *
   * @param task the task to apply; on worker processes it must be {@link java.io.Serializable}
   * @param inputs the inputs, read in order
   * @param <I> the type of the inputs
   * @param <O> the type of the results
   * @return the results, in input order
   * @throws TaskFailedException naming the failed input, with the task's exception as the cause
   * @throws IllegalStateException if the pool is closed
   */
  <I, O> List<O> map(Task<? super I, ? extends O> task, Iterable<? extends I> inputs);

  /**
   * Applies {@code task} to every input and returns one {@link Outcome} per input, in input order. Never
   * throws for a task's failure: one bad input loses nothing else.
   *
   * @param task the task to apply; on worker processes it must be {@link java.io.Serializable}
   * @param inputs the inputs, read in order
   * @param <I> the type of the inputs
   * @param <O> the type of the results
   * @return one outcome per input, in input order
   * @throws IllegalStateException if the pool is closed
   */
  <I, O> List<Outcome<O>> mapOutcomes(Task<? super I, ? extends O> task, Iterable<? extends I> inputs);

  /**
   * A lazy, ordered stream of results. Inputs are read only as results are consumed, with a bounded
   * window of tasks in flight, so an endless input runs in flat memory. A failure is thrown as a {@link
   * TaskFailedException} when its result is reached. Closing the stream cancels the tasks in flight.
   *
   * @param task the task to apply; on worker processes it must be {@link java.io.Serializable}
   * @param inputs the inputs, read in order
   * @param <I> the type of the inputs
   * @param <O> the type of the results
   * @return the results in input order, computed as they are consumed
   * @throws IllegalStateException if the pool is closed
   */
  <I, O> Stream<O> imap(Task<? super I, ? extends O> task, Iterable<? extends I> inputs);

  /**
   * As {@link #imap(Task, Iterable)}, reading the inputs from a stream.
   *
   * @param task the task to apply; on worker processes it must be {@link java.io.Serializable}
   * @param inputs the inputs, read as results are consumed
   * @param <I> the type of the inputs
   * @param <O> the type of the results
   * @return the results in input order, computed as they are consumed
   * @throws IllegalStateException if the pool is closed
   */
  <I, O> Stream<O> imap(Task<? super I, ? extends O> task, Stream<? extends I> inputs);

  /**
   * As {@link #imap(Task, Iterable)}, but results come as soon as they are ready, in any order.
   *
   * @param task the task to apply; on worker processes it must be {@link java.io.Serializable}
   * @param inputs the inputs, read in order
   * @param <I> the type of the inputs
   * @param <O> the type of the results
   * @return the results in the order they complete
   * @throws IllegalStateException if the pool is closed
   */
  <I, O> Stream<O> imapUnordered(Task<? super I, ? extends O> task, Iterable<? extends I> inputs);

  /**
   * As {@link #imapUnordered(Task, Iterable)}, reading the inputs from a stream.
   *
   * @param task the task to apply; on worker processes it must be {@link java.io.Serializable}
   * @param inputs the inputs, read as results are consumed
   * @param <I> the type of the inputs
   * @param <O> the type of the results
   * @return the results in the order they complete
   * @throws IllegalStateException if the pool is closed
   */
  <I, O> Stream<O> imapUnordered(Task<? super I, ? extends O> task, Stream<? extends I> inputs);

  /**
   * Like {@link #imapUnordered(Task, Stream)} but yields {@link Outcome}s, so failures arrive as values
   * and never end the stream.
   *
   * @param task the task to apply; on worker processes it must be {@link java.io.Serializable}
   * @param inputs the inputs, read as results are consumed
   * @param <I> the type of the inputs
   * @param <O> the type of the results
   * @return one outcome per input, in the order they complete
   * @throws IllegalStateException if the pool is closed
   */
  <I, O> Stream<Outcome<O>> imapOutcomes(Task<? super I, ? extends O> task, Stream<? extends I> inputs);

  /**
   * Starts one task and returns its future at once.
   *
   * @param task the task to run; on worker processes it must be {@link java.io.Serializable}
   * @param input its input
   * @param <I> the type of the input
   * @param <O> the type of the result
   * @return the task's future
   * @throws IllegalStateException if the pool is closed
   */
  <I, O> TaskFuture<O> submit(Task<? super I, ? extends O> task, I input);

  /**
   * The given futures in the order they complete: a lazy stream that blocks until the next one is done.
   *
   * {@snippet :
   * List<TaskFuture<Page>> futures = urls.stream().map(u -> pool.submit(Http::get, u)).toList();
   * Pool.asCompleted(futures).forEach(f -> System.out.println(f.outcome()));
   * }
   *
   * @param futures the futures to wait for, from any pools
   * @param <O> the type of their results
   * @param <F> the type of the futures
   * @return the same futures, each as it completes
   */
  static <O, F extends TaskFuture<O>> Stream<F> asCompleted(Collection<F> futures) {
    return CompletionOrder.of(futures);
  }

  /**
   * What this pool runs on and why, with the figures measured on the tasks it has run so far (wall and
   * CPU time per task, from a sample), and a plain-words verdict on whether the work fits.
   *
   * @return the plan as of now
   */
  Plan plan();

  /**
   * How many tasks this pool runs at once (workers, or the concurrency limit of virtual threads).
   *
   * @return the number of tasks that may run at once
   */
  int parallelism();

  /**
   * Whether this pool still takes work.
   *
   * @return {@code true} once {@link #close()} or {@link #terminate()} has been called
   */
  boolean isClosed();

  /**
   * Writes a copy of {@code bytes} to shared memory that this pool owns: tasks read it through {@link
   * SharedBytes#buffer()}, worker processes by mapping the same file read-only (on threads the one
   * mapping is shared), and its file is deleted when this pool is closed or terminated, once its tasks
   * are done. Bytes that serve several pools are made with {@link SharedBytes#copyOf} instead and closed
   * by their maker.
   *
   * {@snippet :
   * try (Pool pool = Pool.processes().build()) {
   *   SharedBytes model = pool.share(Files.readAllBytes(modelFile));
   *   List<Double> scores = pool.map(doc -> Scorer.score(model.buffer(), doc), docs);
   * } // the model's file is deleted here
   * }
   *
   * @param bytes what to share; copied, not kept
   * @return the shared bytes, readable until this pool is closed (closing them earlier is allowed)
   * @throws IllegalStateException if this pool is closed
   * @throws java.io.UncheckedIOException if the file cannot be written (no room, no permission)
   * @throws UnsupportedOperationException in this default, for a {@code Pool} implemented outside jpar
   *     (every pool jpar makes, on any backend, supports it)
   * @since 0.1
   */
  default SharedBytes share(byte[] bytes) {
    throw new UnsupportedOperationException(getClass().getName() + " does not own shared bytes;"
        + " make them with SharedBytes.copyOf and close them when its work is done");
  }

  /**
   * Stops accepting work, waits for every submitted task to finish, then releases the pool's threads
   * or processes. Calling it again does nothing.
   */
  @Override
  void close();

  /**
   * Stops accepting work, cancels the tasks not yet started, interrupts the ones running on threads and
   * kills the workers running tasks in processes; returns once everything is released. Pending futures
   * complete as cancelled. A batch ({@code map}, {@code imap}, ...) running on another thread ends early:
   * its inputs in flight end cancelled, and inputs it has not read yet are not read at all.
   */
  void terminate();

  /**
   * This pool seen as an {@link ExecutorService}, for code written against the JDK's interface. The
   * view <em>is</em> the pool: shutting it down closes the pool ({@code shutdown} starts a
   * {@link #close()} without waiting, {@code shutdownNow} is {@link #terminate()}), and a pool closed
   * directly reads as shut down. After either, new work is refused with a {@link
   * java.util.concurrent.RejectedExecutionException} (the JDK's contract, where the pool's own methods
   * throw {@link IllegalStateException}). Futures are the pool's {@link TaskFuture}s: {@code get} throws
   * an {@link java.util.concurrent.ExecutionException} carrying the task's own exception, and {@code
   * cancel(true)} interrupts a task on a thread or kills the worker process running it.
   *
   * {@snippet :
   * try (Pool pool = Pool.processes().workers(4).build()) {
   *   ExecutorService executor = pool.asExecutorService();
   *   Future<Long> count = executor.submit((Callable<Long> & Serializable) () -> countPrimes(1_000_000));
   *   List<Future<String>> all = executor.invokeAll(jobs); // each a Serializable Callable on processes
   * }
   * }
   *
   * <p>On worker processes a {@link java.util.concurrent.Callable} or {@link Runnable} travels as the
   * input of a fixed task, so it must be {@link java.io.Serializable} (and a {@code submit(Runnable,
   * result)}'s result too): one that cannot be sent is refused at submit with an {@link
   * IllegalArgumentException} naming its class. {@code shutdownNow} returns the tasks it can tell were
   * never started: on threads all of those queued; on worker processes none, since a task's input is
   * encoded for the workers when it is queued and the pool cannot tell queued from running there (they
   * are cancelled all the same).
   *
   * <p>Thread safety: the view may be used from any thread, concurrently; each call returns a new view
   * of the same pool, and views share the pool's lifecycle (their own tracking of submitted tasks, for
   * {@code shutdownNow}, is per view).
   *
   * @return an {@link ExecutorService} over this pool
   * @since 0.3
   */
  ExecutorService asExecutorService();
}
