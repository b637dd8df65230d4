package io.jpar.internal.auto;

import io.jpar.internal.PoolContext;
import io.jpar.internal.thread.PlatformThreadBackend;
import io.jpar.spi.Backend;
import io.jpar.spi.Job;
import java.util.List;

/**
 * One backend an auto pool runs work on, with its own context (so its figures are its own) — and the
 * typed bridge from the auto pool's handle for a task to this backend's handle for it.
 *
 * @param <H> the backend's handle for a prepared task
 */
final class Machinery<H> {
  final Backend<H> backend;
  final PoolContext context;

  Machinery(Backend<H> backend, PoolContext context) {
    this.backend = backend;
    this.context = context;
  }

  static <H> Machinery<H> of(Backend<H> backend, PoolContext context) {
    return new Machinery<>(backend, context);
  }

  /** This backend's handle for {@code task}, made once per task and backend. */
  H handle(AutoTask task) {
    return task.handleFor(this);
  }

  /** Prepares {@code task} here: in-process backends run it metered, worker processes as it is. */
  H prepare(AutoTask task) {
    return backend.prepare(backend.kind().inProcess() ? task : task.code());
  }

  void dispatch(AutoTask task, List<? extends Job> jobs) {
    backend.dispatch(handle(task), jobs);
  }

  int chunkSize(AutoTask task, long batchSize) {
    return backend.chunkSize(handle(task), batchSize);
  }

  /** CPU time of the backend's own threads, or -1 when it has none to measure (not platform threads). */
  long threadsCpuNanos() {
    return backend instanceof PlatformThreadBackend p ? p.threadsCpuNanos() : -1;
  }

  /** Whether the backend's own threads all wait on their own now (see {@link PlatformThreadBackend}). */
  boolean threadsBlocked() {
    return backend instanceof PlatformThreadBackend p && p.allThreadsBlocked();
  }

  long[] totals() {
    return context.stats().totals();
  }
}
