package io.jpar.internal;

import io.jpar.Outcome;
import io.jpar.TaskFailedException;
import io.jpar.TaskFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One input on its way through a pool, and the future of its result. Backends complete it exactly once
 * ({@link #complete}, {@link #fail}, or a cancel); every later attempt is ignored, which is what makes
 * delivery exactly-once even when a timeout, a cancel and the task's own end race each other.
 *
 * <p>Hooks: {@link #onDone} (set before dispatch, by the caller's machinery) runs once after completion;
 * {@link #onCancel} (set by the backend) lets a cancel reach a running task.
 */
public final class Job<O> implements TaskFuture<O> {
  private final long index;
  private final Object input;
  private final CompletableFuture<O> result = new CompletableFuture<>();
  private final ProgressTracker progress;
  private volatile DoneHook<O> onDone;
  private volatile Runnable onCancel;
  private int crashes; // owned by the backend's lock
  private volatile boolean claimed;

  private static final java.lang.invoke.VarHandle CLAIMED;

  static {
    try {
      CLAIMED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Job.class, "claimed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Counts one more worker lost (crash or timeout) under this job; returns the count. */
  public int recordCrash() {
    return ++crashes;
  }

  Job(long index, Object input, ProgressTracker progress) {
    this.index = index;
    this.input = input;
    this.progress = progress;
  }

  public long index() {
    return index;
  }

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
    void done(Job<O> job, boolean wake);
  }

  /** Sets the hook that runs once this job completes; call before dispatching it. */
  void onDone(DoneHook<O> hook) {
    this.onDone = hook;
  }

  /** Sets what a cancel must do to stop the running task (interrupt a thread, kill a worker). */
  public void onCancel(Runnable hook) {
    this.onCancel = hook;
  }

  /** Completes with a value; {@code false} if the job was already complete. */
  public boolean complete(Object value) {
    return complete(value, true);
  }

  /** As {@link #complete(Object)}; {@code wake} as in {@link DoneHook#done}. */
  @SuppressWarnings("unchecked")
  public boolean complete(Object value, boolean wake) {
    if (!claim(true)) {
      return false;
    }
    result.complete((O) value);
    return after(wake);
  }

  /** Completes with a failure; {@code false} if the job was already complete. */
  public boolean fail(Throwable error) {
    return fail(error, true);
  }

  /** As {@link #fail(Throwable)}; {@code wake} as in {@link DoneHook#done}. */
  public boolean fail(Throwable error, boolean wake) {
    if (!claim(false)) {
      return false;
    }
    result.completeExceptionally(error);
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
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean won = claim(false);
    if (won) {
      result.cancel(false);
      after(true);
    }
    if (won && mayInterruptIfRunning) {
      Runnable hook = onCancel;
      if (hook != null) {
        hook.run();
      }
    }
    return won || result.isCancelled();
  }

  @Override
  public boolean isCancelled() {
    return result.isCancelled();
  }

  @Override
  public boolean isDone() {
    return result.isDone();
  }

  @Override
  public O get() throws InterruptedException, ExecutionException {
    return result.get();
  }

  @Override
  public O get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    return result.get(timeout, unit);
  }

  @Override
  public O join() {
    try {
      return result.join();
    } catch (CompletionException | CancellationException e) {
      throw failure(e);
    }
  }

  @Override
  public Outcome<O> outcome() {
    try {
      return new Outcome.Success<>(result.join());
    } catch (CompletionException | CancellationException e) {
      return new Outcome.Failure<>(failure(e));
    }
  }

  /** {@code true} once the job completed with a failure or was cancelled. */
  boolean isFailed() {
    return result.isCompletedExceptionally();
  }

  private TaskFailedException failure(RuntimeException e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return new TaskFailedException(index, TaskFailedException.describeInput(input), cause);
  }

  @Override
  public CompletableFuture<O> toCompletableFuture() {
    return result.copy();
  }

  @Override
  public String toString() {
    return "Job#" + index + (result.isDone() ? (result.isCompletedExceptionally() ? "[failed]" : "[done]") : "[pending]");
  }
}
