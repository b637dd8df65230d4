package io.jpar.internal;

import io.jpar.Outcome;
import io.jpar.TaskFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code submit} hands the caller: a {@link TaskFuture} over a {@link JobFuture}, so that the
 * methods a backend completes the job with are out of the caller's reach (a cast would find them on
 * the job itself). Only {@code submit} makes one; batches never expose their jobs.
 */
final class FutureView<O> implements TaskFuture<O> {
  private final JobFuture<O> job;

  FutureView(JobFuture<O> job) {
    this.job = job;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return job.cancel(mayInterruptIfRunning);
  }

  @Override
  public boolean isCancelled() {
    return job.isCancelled();
  }

  @Override
  public boolean isDone() {
    return job.isDone();
  }

  @Override
  public O get() throws InterruptedException, ExecutionException {
    return job.get();
  }

  @Override
  public O get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    return job.get(timeout, unit);
  }

  @Override
  public O join() {
    return job.join();
  }

  @Override
  public Outcome<O> outcome() {
    return job.outcome();
  }

  @Override
  public CompletableFuture<O> toCompletableFuture() {
    return job.toCompletableFuture();
  }

  @Override
  public String toString() {
    return job.toString();
  }
}
