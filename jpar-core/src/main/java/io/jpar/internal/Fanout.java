package io.jpar.internal;

import io.jpar.JparException;
import io.jpar.Outcome;
import io.jpar.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The engine behind {@code map}, {@code imap} and friends: pulls inputs from a (possibly endless)
 * iterator, keeps a bounded window of jobs in flight, and hands out outcomes in input order or in
 * completion order.
 *
 * <p>Invariants: only the consuming thread touches {@code inFlight}, {@code outstanding} and the source;
 * job completions (on pool threads) touch only {@code finished} and {@code abort}. An input is pulled
 * only when the window has room, so memory is bounded by {@code window x chunk} jobs.
 */
final class Fanout<I, O> implements Iterator<Outcome<O>> {
  /** How results are handed out and what a failure does. */
  enum Mode {
    /** Input order; the first failure, in time, cancels the rest (map). */
    ORDERED_FAIL_FAST,
    /** Input order; every failure is an outcome (mapOutcomes, imap). */
    ORDERED,
    /** Completion order; every failure is an outcome. */
    UNORDERED
  }

  private final AbstractPool pool;
  private final Task<Object, Object> task;
  private final Iterator<? extends I> source;
  private final boolean sizeKnown;
  private final Mode mode;
  private final ArrayDeque<Job<O>> inFlight = new ArrayDeque<>();
  private final Set<Job<O>> unorderedInFlight = new HashSet<>();
  private final LinkedBlockingQueue<Job<O>> finished = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> abort = new CompletableFuture<>();
  private int outstanding;
  private long pulled;
  private boolean sourceDone;
  private boolean closed;

  @SuppressWarnings("unchecked")
  Fanout(AbstractPool pool, Task<?, ?> task, Iterator<? extends I> source, long knownSize, Mode mode) {
    this.pool = pool;
    this.task = (Task<Object, Object>) task;
    this.source = source;
    this.sizeKnown = knownSize >= 0;
    this.mode = mode;
    if (sizeKnown) {
      pool.progress().expect(knownSize);
    } else {
      pool.progress().openUnknown();
    }
  }

  @Override
  public boolean hasNext() {
    topUp();
    return outstanding > 0;
  }

  @Override
  public Outcome<O> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Job<O> job;
    try {
      job = mode == Mode.UNORDERED ? finished.take() : awaitHead();
      if (mode == Mode.UNORDERED) {
        unorderedInFlight.remove(job);
      }
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new JparException("interrupted while waiting for a task's result; the rest were cancelled", e);
    }
    outstanding--;
    Outcome<O> outcome = job.outcomeNow();
    if (mode == Mode.ORDERED_FAIL_FAST && !outcome.isSuccess()) {
      close();
    }
    return outcome;
  }

  private Job<O> awaitHead() throws InterruptedException {
    Job<O> head = inFlight.peek();
    if (mode == Mode.ORDERED_FAIL_FAST && !head.isDone()) {
      try {
        CompletableFuture.anyOf(head.raw(), abort).get();
      } catch (ExecutionException | CancellationException ignored) {
        // Either future failing is the news we wait for; it is read below.
      }
      if (!head.isDone()) {
        return firstFailure();
      }
    }
    inFlight.poll();
    if (!head.isDone()) {
      try {
        head.raw().get();
      } catch (ExecutionException | CancellationException ignored) {
        // read by outcomeNow()
      }
    }
    return head;
  }

  /** Fail-fast: a later job failed while the head still runs; surface that failure now. */
  private Job<O> firstFailure() {
    for (Iterator<Job<O>> it = inFlight.iterator(); it.hasNext(); ) {
      Job<O> j = it.next();
      if (j.isDone() && !j.outcomeNow().isSuccess()) {
        it.remove();
        return j;
      }
    }
    throw new IllegalStateException("abort signalled without a failed job in flight");
  }

  private void topUp() {
    while (!sourceDone && !closed) {
      int chunk = Math.max(1, pool.chunkSize());
      int limit = pool.window() * chunk;
      int room = limit - outstanding;
      if (room <= 0 || (room < chunk && outstanding > 0)) {
        return;
      }
      List<Job<O>> jobs = new ArrayList<>(Math.min(chunk, room));
      while (jobs.size() < Math.min(chunk, room) && source.hasNext()) {
        Job<O> job = pool.newJob(pulled++, source.next());
        job.onDone(this::onJobDone);
        jobs.add(job);
      }
      if (jobs.size() < Math.min(chunk, room)) {
        endSource();
      }
      if (jobs.isEmpty()) {
        return;
      }
      if (mode == Mode.UNORDERED) {
        unorderedInFlight.addAll(jobs);
      } else {
        inFlight.addAll(jobs);
      }
      outstanding += jobs.size();
      pool.dispatch(task, jobs);
    }
  }

  private void onJobDone(Job<O> job) {
    if (mode == Mode.UNORDERED) {
      finished.add(job);
    } else if (mode == Mode.ORDERED_FAIL_FAST && job.raw().isCompletedExceptionally()) {
      abort.complete(null);
    }
  }

  private void endSource() {
    if (!sourceDone) {
      sourceDone = true;
      if (!sizeKnown) {
        pool.progress().closeUnknown(pulled);
      }
    }
  }

  /** Cancels what is in flight and stops reading inputs. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    endSource();
    for (Job<O> j : mode == Mode.UNORDERED ? List.copyOf(unorderedInFlight) : List.copyOf(inFlight)) {
      j.cancel(true);
    }
  }
}
