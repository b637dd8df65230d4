package io.jpar.internal.process;

import io.jpar.JparException;
import io.jpar.internal.GuardedBy;
import io.jpar.internal.process.wire.EncodedValues;
import io.jpar.spi.Job;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the process backend's threads share: its workers, which of them are idle, the queue of batches
 * waiting for one, how many batches are out, and where the pool is in its life. {@link ProcessBackend}
 * (frames, dispatch), {@link WorkerLifecycle} (start, stop) and {@link Recovery} (deadlines) change it
 * only through the operations here, each named for the step it is.
 *
 * <p>Life: open; then either broken ({@code broken} set, once, never cleared: pending work fails,
 * new work is refused, no worker is started) or stopping ({@code stopping}: new work is refused, no
 * worker is started or admitted). A pool that breaks while stopping is both.
 *
 * <p>Lock discipline: this class is the only one that takes {@code lock}. It guards every field here,
 * each worker's {@link WorkerState} and each {@link Batch#worker}. A method takes it for a few steps of
 * bookkeeping and releases it before returning; the only waits are on {@code changed}, which release
 * it. Never under it: writing a frame (callers send what {@link #assign} gave out), completing, failing
 * or cancelling a job (their callbacks run user code: callers do it with what these methods return),
 * killing a process or waiting for one. Two steps under it do more than bookkeeping, but no I/O: a
 * batch cut to a worker's task allowance re-encodes its inputs, and the exception for a pool that
 * cannot start its workers is built (it decodes a failing initializer's exception).
 */
final class DispatchState {
  /** Consecutive workers that fail to start before the pool gives up as broken. */
  static final int MAX_START_FAILURES = 3;

  /** What became of a batch offered to the queue. */
  enum Offer {
    QUEUED,
    /** The pool is broken: {@link #brokenCause()} says why. */
    BROKEN,
    /** The pool is stopping: no worker will take it. */
    STOPPED
  }

  private final int maxTasksPerWorker;
  private final Wire wire;
  /** The inputs of an empty batch. */
  private final EncodedValues noInputs;
  /** What the cancel of a job of a batch does; set on every job of every batch queued. */
  private final Consumer<Batch> cancelHook;

  private final ReentrantLock lock = new ReentrantLock();
  /**
   * Signalled when a worker answers its handshake, dies or fails to start, when nothing is queued or
   * running any more, and when pending work is failed.
   */
  private final Condition changed = lock.newCondition();
  /** The workers admitted and not yet dead (as far as {@link #died} knows), nor retired at their task limit. */
  @GuardedBy("lock") private final List<WorkerHandle> workers = new ArrayList<>();
  @GuardedBy("lock") private final ArrayDeque<WorkerHandle> idle = new ArrayDeque<>();
  @GuardedBy("lock") private final ArrayDeque<Batch> pending = new ArrayDeque<>();
  /** Batches given to a worker whose last result has not come (or whose worker's death is not handled). */
  @GuardedBy("lock") private int inFlight;
  @GuardedBy("lock") private int nextWorkerId = 1;
  @GuardedBy("lock") private long nextBatchId = 1;
  /** Workers in a row that could not start or died before their handshake. */
  @GuardedBy("lock") private int startFailures;
  @GuardedBy("lock") private Throwable broken;
  @GuardedBy("lock") private boolean stopping;

  DispatchState(int maxTasksPerWorker, Wire wire, Consumer<Batch> cancelHook) {
    this.maxTasksPerWorker = maxTasksPerWorker;
    this.wire = wire;
    this.noInputs = wire.encodeInputsAgain(List.of());
    this.cancelHook = cancelHook;
  }

  /**
   * A worker's standing in the pool. Its {@link WorkerHandle} holds it, but its fields are private to
   * {@link DispatchState}, which reads and writes them under its lock only.
   */
  static final class WorkerState {
    /**
     * The batch it runs, or null. Written under the lock; volatile because the worker's own reader
     * thread also reads it without the lock ({@link DispatchState#currentBatch}): it is set before the
     * batch is sent, so before any result of it, and only that reader thread clears it — the volatile
     * write makes that order one the memory model guarantees, not only the pipe in between.
     */
    @GuardedBy("DispatchState.lock") private volatile Batch current;
    @GuardedBy("DispatchState.lock") private long tasksRun;
    /** The ids of the tasks it has been given a batch of (see {@link DispatchState#firstTaste}). */
    @GuardedBy("DispatchState.lock") private final Set<Integer> tasted = new HashSet<>();
    /** It answered its handshake. */
    @GuardedBy("DispatchState.lock") private boolean ready;
    /** The pool let it go (task limit, stop, not wanted): its end is not a failure to start. */
    @GuardedBy("DispatchState.lock") private boolean retiring;
    /** The pool is killing it (its batch was cancelled): it gets no more work. */
    @GuardedBy("DispatchState.lock") private boolean condemned;
  }

  // ---- dispatch ----

  /** Queues a batch, at the front for work recovered from a dead worker, unless the pool broke or is stopping. */
  Offer offer(Batch batch, boolean front) {
    lock.lock();
    try {
      if (broken != null) {
        return Offer.BROKEN;
      } else if (stopping) {
        return Offer.STOPPED;
      } else if (front) {
        pending.addFirst(renumber(batch));
      } else {
        pending.addLast(renumber(batch));
      }
      return Offer.QUEUED;
    } finally {
      lock.unlock();
    }
  }

  /** Pairs idle workers with queued batches; returns the batches given out, for the caller to send. */
  List<Batch> assign() {
    List<Batch> toSend = new ArrayList<>();
    lock.lock();
    try {
      while (!idle.isEmpty() && !pending.isEmpty()) {
        Batch b = pending.pollFirst();
        if (b.restCancelled()) {
          continue;
        }
        WorkerHandle w = idle.pollFirst();
        b = fitToAllowance(b, w);
        b = firstTaste(b, w);
        b.worker = w;
        w.poolState.current = b;
        inFlight++;
        toSend.add(b);
      }
      if (pending.isEmpty() && !idle.isEmpty()) {
        for (Batch given : List.copyOf(toSend)) {
          warmIdle(given.task, toSend);
        }
      }
      if (pending.isEmpty() && inFlight == 0) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    return toSend;
  }

  /**
   * With maxTasksPerWorker, a worker near its limit gets only what it may still run; the rest of the
   * batch goes back to the front of the queue.
   */
  @GuardedBy("lock")
  private Batch fitToAllowance(Batch b, WorkerHandle w) {
    if (maxTasksPerWorker == 0) {
      return b;
    }
    int allowance = (int) Math.max(1, maxTasksPerWorker - w.poolState.tasksRun);
    if (b.jobs.size() <= allowance) {
      return b;
    }
    return headOf(b, allowance);
  }

  /** The first {@code n} jobs of {@code b} as a batch of their own; the rest goes back to the front of the queue. */
  @GuardedBy("lock")
  private Batch headOf(Batch b, int n) {
    List<Job> head = b.jobs.subList(0, n);
    List<Job> tail = b.jobs.subList(n, b.jobs.size());
    pending.addFirst(renumber(new Batch(0, b.task, List.copyOf(tail), wire.encodeInputsAgain(tail))));
    return renumber(new Batch(0, b.task, List.copyOf(head), wire.encodeInputsAgain(head)));
  }

  /** How many inputs a worker gets in its first batch of a task. */
  static final int FIRST_TASTE = 128;
  /** A worker remembers at most this many tasks it has tasted; then it forgets them all and tastes again. */
  private static final int MAX_TASTED = 1024;

  /**
   * A worker's first batch of a task (with adaptive chunks) is a taste of {@link #FIRST_TASTE} inputs;
   * the rest goes back to the front of the queue. That batch pays the worker's one-time costs for the
   * task (decoding it, loading classes, compiling; 30-60 ms in a fresh JVM); a full chunk would hold a
   * quarter of the worker's share of the input meanwhile, while the other workers run out of work.
   */
  @GuardedBy("lock")
  private Batch firstTaste(Batch b, WorkerHandle w) {
    if (!firstUse(w, b.task) || !b.task.adaptive || b.jobs.size() <= 2 * FIRST_TASTE) {
      return b;
    }
    Batch taste = headOf(b, FIRST_TASTE);
    taste.taste = true;
    return taste;
  }

  /** True the first time the worker is given a batch of the task (as far as it remembers). */
  @GuardedBy("lock")
  private static boolean firstUse(WorkerHandle w, TaskEntry task) {
    Set<Integer> tasted = w.poolState.tasted;
    if (tasted.contains(task.id)) {
      return false;
    }
    if (tasted.size() >= MAX_TASTED) {
      tasted.clear();
    }
    return tasted.add(task.id);
  }

  /**
   * When batches of a task were given out and workers are left idle with nothing queued, each idle
   * worker that has not had the task gets an empty batch of it, so that it decodes the task now, in
   * parallel, rather than when its first batch of it comes (in a fresh worker the first task decoded
   * costs 15-50 ms, the JVM's first lambda spun at run time). It takes the place of the worker's
   * first taste of the task. A batch that comes meanwhile waits for the decode, which that worker
   * would have paid with it anyway (unless it is of another task).
   */
  @GuardedBy("lock")
  private void warmIdle(TaskEntry task, List<Batch> toSend) {
    for (Iterator<WorkerHandle> it = idle.iterator(); it.hasNext(); ) {
      WorkerHandle w = it.next();
      if (!firstUse(w, task)) {
        continue;
      }
      it.remove();
      Batch warm = renumber(new Batch(0, task, List.of(), noInputs));
      warm.worker = w;
      w.poolState.current = warm;
      inFlight++;
      toSend.add(warm);
    }
  }

  /** Gives a batch its id and points its jobs' cancel hooks at it. */
  @GuardedBy("lock")
  private Batch renumber(Batch b) {
    Batch numbered = new Batch(nextBatchId++, b.task, b.jobs, b.inputs);
    Consumer<Job> hook = j -> cancelHook.accept(numbered);
    for (Job j : numbered.jobs) {
      j.onCancel(hook);
    }
    return numbered;
  }

  /**
   * For a cancel: if the batch runs and no job from its worker's position on still wants a result,
   * condemns the worker (decided here, so that it gets no new batch before it dies) and returns it,
   * for the caller to kill. Else null: the batch is still queued (it will be skipped), done, or partly
   * wanted (let it run).
   */
  WorkerHandle condemnIfUnwanted(Batch b) {
    lock.lock();
    try {
      WorkerHandle w = b.worker;
      if (w == null || w.poolState.current != b || !b.restCancelled()) {
        return null;
      }
      w.poolState.condemned = true;
      return w;
    } finally {
      lock.unlock();
    }
  }

  /** The worker running the batch, or null when it is still queued, finished or recovered. */
  WorkerHandle workerRunning(Batch b) {
    lock.lock();
    try {
      WorkerHandle w = b.worker;
      return w == null || w.poolState.current != b ? null : w;
    } finally {
      lock.unlock();
    }
  }

  /** The batch the worker runs, or null; without the lock, so only for the worker's own reader thread. */
  Batch currentBatch(WorkerHandle w) {
    return w.poolState.current;
  }

  // ---- what workers report (on each worker's reader thread) ----

  /** The worker answered its handshake: it is idle, and the run of start failures is over. */
  void ready(WorkerHandle w) {
    lock.lock();
    try {
      w.poolState.ready = true;
      startFailures = 0;
      idle.addLast(w);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The worker sent its batch's last result. It is idle again, unless it is condemned, or reached its
   * task limit: then it is retiring, out of the pool, and this returns true (the caller asks it to exit).
   */
  boolean finished(WorkerHandle w, Batch b) {
    lock.lock();
    try {
      WorkerState s = w.poolState;
      s.current = null;
      inFlight--;
      s.tasksRun += b.jobs.size();
      boolean retire = maxTasksPerWorker > 0 && s.tasksRun >= maxTasksPerWorker;
      if (retire) {
        s.retiring = true;
        workers.remove(w);
      } else if (!s.condemned) {
        idle.addLast(w);
      }
      return retire;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The worker is gone: takes it out of the pool and returns the batch it was running (null if none),
   * which is no longer in flight. A worker that ended before its handshake, while the pool was neither
   * letting it go nor stopping, counts a start failure; after {@link #MAX_START_FAILURES} of them, or
   * at once if its initializer failed, the pool is broken with {@code startFailure}'s exception.
   */
  Batch died(WorkerHandle w, Supplier<? extends Throwable> startFailure) {
    lock.lock();
    try {
      WorkerState s = w.poolState;
      Batch b = s.current;
      s.current = null;
      if (b != null) {
        inFlight--;
      }
      workers.remove(w);
      idle.remove(w);
      if (!s.ready && !s.retiring && !stopping) {
        startFailures++;
        // A failing initializer fails the same way in every worker: no point trying three.
        if ((startFailures >= MAX_START_FAILURES || w.initFailure != null) && broken == null) {
          broken = startFailure.get();
        }
      }
      changed.signalAll();
      return b;
    } finally {
      lock.unlock();
    }
  }

  /** Why the pool is broken, or null while it is not. */
  Throwable brokenCause() {
    lock.lock();
    try {
      return broken;
    } finally {
      lock.unlock();
    }
  }

  /** Empties the queue and returns what was in it, for the caller to fail. */
  List<Batch> drainPending() {
    lock.lock();
    try {
      List<Batch> drained = new ArrayList<>(pending);
      pending.clear();
      changed.signalAll();
      return drained;
    } finally {
      lock.unlock();
    }
  }

  // ---- lifecycle (for WorkerLifecycle) ----

  /**
   * Waits until {@code count} workers have answered their handshake. Returns null then, or why the
   * pool is broken: it broke meanwhile, or breaks now because the time ran out or the thread was
   * interrupted (its interrupt status is kept).
   */
  Throwable awaitReady(int count, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lock();
    try {
      while (broken == null && readyCount() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          // A backstop: Liveness kills a worker past its own limit first, and its death says why.
          broken = new JparException("only " + readyCount() + " of " + count + " worker JVMs were ready after "
              + timeoutMillis + " ms (its start limits and 10 s more), and none of the"
              + " others has died or been killed with a reason yet; is the machine overloaded?");
          break;
        }
        changed.awaitNanos(left);
      }
      return broken;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (broken == null) {
        broken = new JparException("interrupted while starting worker JVMs", e);
      }
      return broken;
    } finally {
      lock.unlock();
    }
  }

  @GuardedBy("lock")
  private int readyCount() {
    int n = 0;
    for (WorkerHandle w : workers) {
      n += w.poolState.ready ? 1 : 0;
    }
    return n;
  }

  /** True while the pool is open and has fewer than {@code target} workers. */
  boolean wantsWorker(int target) {
    lock.lock();
    try {
      return !stopping && broken == null && workers.size() < target;
    } finally {
      lock.unlock();
    }
  }

  int nextWorkerId() {
    lock.lock();
    try {
      return nextWorkerId++;
    } finally {
      lock.unlock();
    }
  }

  /**
   * A started worker joins the pool, unless the pool began to stop or broke while it started: then no
   * shutdown would ever see it, so it is marked retiring and this returns false (the caller kills it).
   */
  boolean admit(WorkerHandle w) {
    lock.lock();
    try {
      if (stopping || broken != null) {
        w.poolState.retiring = true;
        return false;
      }
      workers.add(w);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** A worker JVM could not be started at all; the last of {@link #MAX_START_FAILURES} in a row breaks the pool. */
  void startFailed(IOException e) {
    lock.lock();
    try {
      if (++startFailures >= MAX_START_FAILURES && broken == null) {
        broken = new JparException("cannot start a worker JVM: " + e.getMessage(), e);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * For close(): waits until nothing is queued or running (or the pool broke), then stops taking work.
   * Returns false if the thread was interrupted while waiting; the pool stops taking work all the same.
   */
  boolean stopWhenIdle() {
    boolean interrupted = false;
    lock.lock();
    try {
      while (broken == null && (!pending.isEmpty() || inFlight > 0)) {
        try {
          changed.await();
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
      stopping = true;
    } finally {
      lock.unlock();
    }
    return !interrupted;
  }

  /**
   * For terminate(): stops taking work, empties the queue, marks every worker retiring, and returns the
   * jobs of the queued batches and then those of the running ones, for the caller to cancel.
   */
  List<Job> stopAtOnce() {
    List<Job> jobs = new ArrayList<>();
    lock.lock();
    try {
      stopping = true;
      for (Batch b : pending) {
        jobs.addAll(b.jobs);
      }
      pending.clear();
      for (WorkerHandle w : workers) {
        w.poolState.retiring = true;
        if (w.poolState.current != null) {
          jobs.addAll(w.poolState.current.jobs);
        }
      }
    } finally {
      lock.unlock();
    }
    return jobs;
  }

  /** Marks every worker retiring (its end is expected) and returns them, to be asked to exit. */
  List<WorkerHandle> retireAll() {
    lock.lock();
    try {
      for (WorkerHandle w : workers) {
        w.poolState.retiring = true;
      }
      return new ArrayList<>(workers);
    } finally {
      lock.unlock();
    }
  }

  List<WorkerHandle> workers() {
    lock.lock();
    try {
      return new ArrayList<>(workers);
    } finally {
      lock.unlock();
    }
  }

  /** Waits, up to the timeout, until the death of every worker has been handled. */
  void awaitNoWorkers(long timeoutMillis) {
    lock.lock();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (!workers.isEmpty() && System.nanoTime() < deadline) {
        changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }
}
