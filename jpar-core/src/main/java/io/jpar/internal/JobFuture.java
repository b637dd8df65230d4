package io.jpar.internal;

import io.jpar.Outcome;
import io.jpar.TaskFailedException;
import io.jpar.spi.Job;
import java.util.function.Consumer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One input on its way through a pool, and the future of its result: the backend sees it as a {@link
 * Job}, the caller through a {@link FutureView} (never this class, whose completion methods are public
 * for backends; the class itself is package-private). Completed exactly once ({@link #complete}, {@link
 * #fail}, or a cancel); every later attempt is ignored, which is what makes delivery exactly-once even
 * when a timeout, a cancel and the task's own end race each other.
 *
 * <p>Hooks: {@link #onDone} (set before dispatch, by the batch) runs once after completion; {@link
 * #onCancel} (set by the backend) lets a cancel reach a running task.
 */
final class JobFuture<O> implements Job {
  private final long index;
  private final Object input;
  private final ProgressTracker progress;
  /**
   * PENDING until the one claimant publishes the result: {@code value} or {@code error} is written
   * first, then this volatile state, so whoever reads a final state sees them.
   */
  private volatile int state = PENDING;
  private Object value;
  private Throwable error;
  /**
   * Made only when someone must block ({@code get}, {@code join} on a pending job) or composes
   * ({@code toCompletableFuture}): most jobs of a batch are done before anyone looks, and a future
   * per job was a good part of a trivial task's cost. The blocker installs it and then re-reads the
   * state; the completer writes the state and then reads this: one of them always completes it.
   */
  private volatile CompletableFuture<Void> waiters;
  private volatile DoneHook<O> onDone;
  private volatile Consumer<? super Job> onCancel;
  private int lostRuns; // owned by the backend's recovery
  private volatile boolean claimed;

  private static final int PENDING = 0;
  private static final int SUCCEEDED = 1;
  private static final int FAILED = 2;
  private static final int CANCELLED = 3;

  private static final java.lang.invoke.VarHandle CLAIMED;
  private static final java.lang.invoke.VarHandle WAITERS;

  static {
    try {
      var lookup = java.lang.invoke.MethodHandles.lookup();
      CLAIMED = lookup.findVarHandle(JobFuture.class, "claimed", boolean.class);
      WAITERS = lookup.findVarHandle(JobFuture.class, "waiters", CompletableFuture.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public int countLostRun() {
    return ++lostRuns;
  }

  JobFuture(long index, Object input, ProgressTracker progress) {
    this.index = index;
    this.input = input;
    this.progress = progress;
  }

  @Override
  public long index() {
    return index;
  }

  @Override
  public Object input() {
    return input;
  }

  /** Runs once when a job completes. */
  interface DoneHook<O> {
    /**
     * @param job the job that completed
     * @param wake false when the completer has more completions in hand right now, so that a waiting
     *     consumer need not be woken for each one (it is woken for the last)
     */
    void done(JobFuture<O> job, boolean wake);
  }

  /** Sets the hook that runs once this job completes; call before dispatching it. */
  void onDone(DoneHook<O> hook) {
    this.onDone = hook;
  }

  @Override
  public void onCancel(Consumer<? super Job> hook) {
    this.onCancel = hook;
  }

  @Override
  public boolean complete(Object value) {
    return complete(value, true);
  }

  @Override
  public boolean complete(Object value, boolean wake) {
    if (!claim(true)) {
      return false;
    }
    this.value = value;
    publish(SUCCEEDED);
    return after(wake);
  }

  @Override
  public boolean fail(Throwable error) {
    return fail(error, true);
  }

  @Override
  public boolean fail(Throwable error, boolean wake) {
    if (!claim(false)) {
      return false;
    }
    this.error = error;
    publish(FAILED);
    return after(wake);
  }

  /**
   * Wins the right to complete this job (exactly one caller does) and counts it in the progress
   * <em>before</em> the result becomes visible, so that whoever sees the result sees it counted.
   */
  private boolean claim(boolean ok) {
    if (!CLAIMED.compareAndSet(this, false, true)) {
      return false;
    }
    progress.finished(ok);
    return true;
  }

  private boolean after(boolean wake) {
    DoneHook<O> hook = onDone;
    if (hook != null) {
      hook.done(this, wake);
    }
    return true;
  }

  @Override
  public boolean cancel() {
    return cancel(false);
  }

  /** Cancels; with {@code mayInterruptIfRunning}, the backend's cancel hook stops the running task. */
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean won = claim(false);
    if (won) {
      this.error = new CancellationException("the task was cancelled");
      publish(CANCELLED);
      after(true);
    }
    if (won && mayInterruptIfRunning) {
      Consumer<? super Job> hook = onCancel;
      if (hook != null) {
        hook.accept(this);
      }
    }
    return won || state == CANCELLED;
  }

  private void publish(int finalState) {
    state = finalState;
    CompletableFuture<Void> w = waiters;
    if (w != null) {
      w.complete(null);
    }
  }

  /** The future blockers wait on: installed once, completed once the state is final. */
  private CompletableFuture<Void> waiters() {
    CompletableFuture<Void> w = waiters;
    if (w == null) {
      CompletableFuture<Void> mine = new CompletableFuture<>();
      w = WAITERS.compareAndExchange(this, null, mine) instanceof CompletableFuture<?> other ? castVoid(other) : mine;
      if (state != PENDING) {
        w.complete(null); // completed between our first look and the install: it may not have seen w
      }
    }
    return w;
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> castVoid(CompletableFuture<?> f) {
    return (CompletableFuture<Void>) f;
  }

  /** Blocks until the state is final; interruptible. */
  private int awaitDone() throws InterruptedException {
    int s = state;
    if (s == PENDING) {
      try {
        waiters().get();
      } catch (ExecutionException e) {
        throw new AssertionError("the waiters' future never fails", e);
      }
      s = state;
    }
    return s;
  }

  /** Blocks until the state is final, not interruptibly (join keeps the interrupt, as CompletableFuture's). */
  private int joinDone() {
    int s = state;
    if (s == PENDING) {
      waiters().join();
      s = state;
    }
    return s;
  }

  public boolean isCancelled() {
    return state == CANCELLED;
  }

  @Override
  public boolean isDone() {
    return state != PENDING;
  }

  public O get() throws InterruptedException, ExecutionException {
    return report(awaitDone());
  }

  public O get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    int s = state;
    if (s == PENDING) {
      try {
        waiters().get(timeout, unit);
      } catch (ExecutionException e) {
        throw new AssertionError("the waiters' future never fails", e);
      }
      s = state;
    }
    return report(s);
  }

  @SuppressWarnings("unchecked")
  private O report(int s) throws ExecutionException {
    return switch (s) {
      case SUCCEEDED -> (O) value;
      case CANCELLED -> throw (CancellationException) error;
      default -> throw new ExecutionException(error);
    };
  }

  @SuppressWarnings("unchecked")
  public O join() {
    if (joinDone() == SUCCEEDED) {
      return (O) value;
    }
    throw failure();
  }

  @SuppressWarnings("unchecked")
  public Outcome<O> outcome() {
    return joinDone() == SUCCEEDED ? new Outcome.Success<>((O) value) : new Outcome.Failure<>(failure());
  }

  /** {@code true} once the job completed with a failure or was cancelled. */
  boolean isFailed() {
    return state >= FAILED;
  }

  private TaskFailedException failure() {
    return new TaskFailedException(index, TaskFailedException.describeInput(input), error);
  }

  @SuppressWarnings("unchecked")
  public CompletableFuture<O> toCompletableFuture() {
    CompletableFuture<O> copy = new CompletableFuture<>();
    waiters().whenComplete((v, e) -> {
      switch (state) {
        case SUCCEEDED -> copy.complete((O) value);
        case CANCELLED -> copy.cancel(false);
        default -> copy.completeExceptionally(error);
      }
    });
    return copy;
  }

  @Override
  public String toString() {
    int s = state;
    return "JobFuture#" + index + (s == PENDING ? "[pending]" : s == SUCCEEDED ? "[done]" : "[failed]");
  }
}
