package io.jpar.internal;

import io.jpar.JparException;
import io.jpar.Outcome;
import io.jpar.internal.jfr.BatchEvent;
import io.jpar.spi.Backend;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine behind {@code map}, {@code imap} and friends: pulls inputs from a (possibly endless)
 * iterator, keeps a bounded window of jobs in flight, and hands out outcomes in input order or in
 * completion order.
 *
 * <p>Two bounds: at most {@code limit} jobs <em>running</em> (dispatched, not complete), which keeps
 * the workers fed, and at most {@code 2 x limit} jobs <em>unconsumed</em> (dispatched, not yet handed
 * out), which bounds memory when the head of an ordered run is slow. An input is pulled only within
 * both bounds.
 *
 * <p>Threads: only the consuming thread touches the source, {@code inFlight}, {@code unconsumed};
 * job completions (on pool threads) touch only {@code running}, {@code finished}, {@code aborted} and
 * wake the consumer.
 */
final class Fanout<I, O, H> implements Iterator<Outcome<O>>, JobFuture.DoneHook<O> {
  /** How results are handed out and what a failure does. */
  enum Mode {
    /** Input order; the first failure, in time, cancels the rest (map). */
    ORDERED_FAIL_FAST,
    /** Input order; every failure is an outcome (mapOutcomes, imap). */
    ORDERED,
    /** Completion order; every failure is an outcome. */
    UNORDERED
  }

  /** With an input of unknown length, read at most this many inputs per chunk ahead. */
  private static final int MAX_LAZY_CHUNK = 256;

  private final BackendPool<H> pool;
  private final Backend<H> backend;
  /** The backend's handle for the batch's task, given back with every chunk. */
  private final H task;
  private final Iterator<? extends I> source;
  private final long knownSize;
  private final Mode mode;
  private final int windowChunks;
  private final ArrayDeque<JobFuture<O>> inFlight = new ArrayDeque<>();
  private final Set<JobFuture<O>> unorderedInFlight = new HashSet<>();
  private final LinkedBlockingQueue<JobFuture<O>> finished = new LinkedBlockingQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  /** An eager run (map) has no running bound; it then skips the shared counter on every completion. */
  private final boolean bounded;
  private volatile boolean aborted;
  private volatile Thread waiter;
  private volatile JobFuture<O> waitingFor;
  /** A bounded run wakes its consumer when this few are left running: room for a whole chunk or more. */
  private volatile int lowWater = Integer.MAX_VALUE;
  /** Set once a backend completed a job without waking (a frame of results): see onJobDone. */
  private volatile boolean deferred;
  private int unconsumed;
  private long pulled;
  /** Volatile: completions read it, to skip the running count once no input is left to top up with. */
  private volatile boolean sourceDone;
  private boolean closed;
  /**
   * The batch's JFR event, made only when a recording wants it (else null, and nothing is counted):
   * begun here, committed once, when the last result was handed out or the batch was closed.
   */
  private BatchEvent event;
  private long results;
  private long failures;

  Fanout(BackendPool<H> pool, H task, Iterator<? extends I> source, long knownSize, Mode mode, int windowChunks) {
    this.pool = pool;
    this.backend = pool.backend();
    this.task = task;
    this.source = source;
    this.knownSize = knownSize;
    this.mode = mode;
    this.windowChunks = windowChunks;
    this.bounded = windowChunks != Integer.MAX_VALUE;
    if (knownSize >= 0) {
      pool.progress().expect(knownSize);
    } else {
      pool.progress().openUnknown();
    }
    pool.context().batchStarted(this);
    if (BatchEvent.enabled()) {
      event = new BatchEvent();
      event.begin();
    }
  }

  /**
   * Makes the consumer look again for room in the window, for a pool whose window just grew while no
   * job completed (an auto pool that raised its concurrency). Any thread may call it.
   */
  void nudge() {
    if (mode == Mode.UNORDERED) {
      finished.add(nudgeMarker());
    } else {
      Thread w = waiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private JobFuture<O> nudgeMarker() {
    return (JobFuture<O>) NUDGE;
  }

  private static final JobFuture<Object> NUDGE = new JobFuture<>(-1, null, null);

  @Override
  public boolean hasNext() {
    topUp();
    if (unconsumed > 0) {
      return true;
    }
    if (event != null) {
      commitEvent(false);
    }
    return false;
  }

  @Override
  public Outcome<O> next() {
    JobFuture<O> job = take();
    Outcome<O> outcome = job.outcome();
    if (event != null) {
      count(!outcome.isSuccess());
    }
    if (mode == Mode.ORDERED_FAIL_FAST && !outcome.isSuccess()) {
      close();
    }
    return outcome;
  }

  /**
   * As {@code next().orElseThrow()}, without an {@link Outcome} per result: {@code map}'s loop, where
   * one allocation per trivial task shows.
   */
  O nextValue() {
    JobFuture<O> job = take();
    if (event != null) {
      count(job.isFailed());
    }
    if (job.isFailed()) {
      close();
    }
    return job.join(); // the value, or the TaskFailedException an Outcome would have carried
  }

  /** The next job to hand out, waited for. */
  private JobFuture<O> take() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    JobFuture<O> job;
    try {
      job = mode == Mode.UNORDERED ? takeFinished() : awaitHead();
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new JparException("interrupted while waiting for a task's result; the rest were cancelled", e);
    }
    unconsumed--;
    return job;
  }

  private JobFuture<O> takeFinished() throws InterruptedException {
    JobFuture<O> job;
    while ((job = finished.take()) == NUDGE) {
      topUp();
    }
    unorderedInFlight.remove(job);
    return job;
  }

  /** Waits for the head job, topping the window up whenever any job completes meanwhile. */
  private JobFuture<O> awaitHead() throws InterruptedException {
    JobFuture<O> head = inFlight.peek();
    while (!head.isDone()) {
      if (aborted) {
        return firstFailure();
      }
      topUp();
      waitingFor = head;
      waiter = Thread.currentThread();
      if (!head.isDone() && !aborted) {
        LockSupport.park(this);
      }
      waiter = null;
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return inFlight.poll();
  }

  /** Fail-fast: a later job failed while the head still runs; surface that failure now. */
  private JobFuture<O> firstFailure() {
    for (Iterator<JobFuture<O>> it = inFlight.iterator(); it.hasNext(); ) {
      JobFuture<O> j = it.next();
      if (j.isDone() && !j.outcome().isSuccess()) {
        it.remove();
        return j;
      }
    }
    throw new IllegalStateException("abort signalled without a failed job in flight");
  }

  private void topUp() {
    if (!sourceDone && pool.isTerminated()) {
      endSource(); // terminate(): read no more inputs; those in flight end cancelled
    }
    while (!sourceDone && !closed) {
      int chunk = chunkSize();
      long limit = Math.min((long) windowChunks * chunk, backend.maxRunning(chunk));
      long room = bounded ? Math.min(limit - running.get(), 2 * limit - unconsumed) : Integer.MAX_VALUE;
      if (bounded) {
        lowWater = (int) Math.max(0, Math.min(limit - chunk, limit / 2));
      }
      if (room <= 0 || (room < chunk && unconsumed > 0)) {
        return;
      }
      int want = (int) Math.min(chunk, room);
      List<JobFuture<O>> jobs;
      if (want == 1) { // virtual threads: every input is its own chunk, so no list to grow
        if (!source.hasNext()) {
          jobs = List.of();
        } else {
          JobFuture<O> job = pool.newJob(pulled++, source.next());
          job.onDone(this);
          jobs = List.of(job);
        }
      } else {
        jobs = new ArrayList<>(want);
        while (jobs.size() < want && source.hasNext()) {
          JobFuture<O> job = pool.newJob(pulled++, source.next());
          job.onDone(this); // the Fanout is the hook: no object per job
          jobs.add(job);
        }
      }
      if (jobs.size() < want) {
        endSource();
      }
      if (jobs.isEmpty()) {
        return;
      }
      if (mode == Mode.UNORDERED) {
        unorderedInFlight.addAll(jobs);
      } else if (jobs.size() == 1) {
        inFlight.add(jobs.get(0));
      } else {
        inFlight.addAll(jobs);
      }
      unconsumed += jobs.size();
      if (bounded) {
        running.addAndGet(jobs.size());
      }
      backend.dispatch(task, jobs);
    }
  }

  /**
   * The pool's chunk size, capped so that a batch of known size splits evenly over the workers, and
   * that a lazy input of unknown size is not read far ahead.
   */
  private int chunkSize() {
    int chunk = Math.max(1, backend.chunkSize(task, knownSize));
    if (knownSize < 0) {
      chunk = Math.min(chunk, MAX_LAZY_CHUNK);
    }
    if (knownSize > 0 && chunk > 1) {
      long even = Math.max(1, (knownSize + 4L * backend.parallelism() - 1) / (4L * backend.parallelism()));
      chunk = (int) Math.min(chunk, even);
    }
    return chunk;
  }

  @Override
  public void done(JobFuture<O> job, boolean wake) {
    // Once the input is used up nothing reads the running count again (topUp returns at once), so
    // completions stop paying for the shared counter and wake the caller only for the head.
    boolean room = bounded && !sourceDone;
    int left = room ? running.decrementAndGet() : 0;
    if (mode == Mode.UNORDERED) {
      finished.add(job);
      return;
    }
    if (mode == Mode.ORDERED_FAIL_FAST && job.isFailed()) {
      aborted = true;
    }
    Thread w = waiter;
    // A bounded window wants to hear when there is room for at least a chunk again; an unbounded one
    // (map) only of the head it waits for: waking the caller for each result costs more than the result.
    // The head may have completed earlier in the same hand-over (wake=false), so then it is checked
    // too; backends that never defer (threads) skip that read.
    if (!wake) {
      deferred = true;
    }
    JobFuture<O> head = waitingFor;
    if (w != null && (aborted || (wake && (job == head || (room && left <= lowWater)
        || (deferred && head != null && head.isDone()))))) {
      LockSupport.unpark(w);
    }
  }

  private void endSource() {
    if (!sourceDone) {
      sourceDone = true;
      if (knownSize < 0) {
        pool.progress().closeUnknown(pulled);
      }
    }
  }

  private void count(boolean failed) {
    results++;
    if (failed) {
      failures++;
    }
  }

  /** Ends and commits the batch's event, once; on the consumer's thread. */
  private void commitEvent(boolean cancelled) {
    BatchEvent e = event;
    event = null;
    e.end();
    if (e.shouldCommit()) {
      e.pool = pool.context().poolName();
      e.backend = backend.kind().label();
      e.mode = switch (mode) {
        case ORDERED_FAIL_FAST -> "map";
        case ORDERED -> "ordered";
        case UNORDERED -> "unordered";
      };
      e.tasks = pulled;
      e.results = results;
      e.failures = failures;
      e.cancelled = cancelled;
      e.terminated = pool.isTerminated();
      e.commit();
    }
  }

  /** Cancels what is in flight and stops reading inputs. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (event != null) {
      commitEvent(unconsumed > 0 || !sourceDone);
    }
    endSource();
    // Newest first: the queued jobs go before the running ones are interrupted, so a freed thread
    // finds nothing left to start.
    List<JobFuture<O>> all = mode == Mode.UNORDERED ? List.copyOf(unorderedInFlight) : List.copyOf(inFlight);
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).cancel(true);
    }
  }
}
