package io.jpar.internal.process;

import io.jpar.JparException;
import io.jpar.internal.process.wire.Config;
import io.jpar.spi.Job;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The life of a process pool's worker JVMs: starting them (and waiting for their handshakes), keeping
 * the pool at full strength, and stopping them gracefully or at once. It works on the pool's state
 * under the pool's lock, with the same discipline: nothing blocks while holding it.
 */
final class WorkerLifecycle {
  private static final long HANDSHAKE_TIMEOUT_MILLIS = 60_000;

  private final ProcessBackend pool;
  private final Thread shutdownHook;

  WorkerLifecycle(ProcessBackend pool) {
    this.pool = pool;
    this.shutdownHook = new Thread(this::killAll, "jpar-" + pool.ps.common().name() + "-shutdown");
  }

  /** Starts every worker and returns once all have answered their handshake; else stops and throws. */
  void startAll() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    for (int i = 0; i < pool.parallelism(); i++) {
      spawn();
    }
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANDSHAKE_TIMEOUT_MILLIS);
    pool.lock.lock();
    try {
      while (pool.broken == null && readyCount() < pool.parallelism()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          pool.broken = new JparException("worker JVMs did not answer within " + HANDSHAKE_TIMEOUT_MILLIS + " ms");
          break;
        }
        pool.changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.broken = new JparException("interrupted while starting worker JVMs", e);
    } finally {
      pool.lock.unlock();
    }
    if (pool.broken != null) {
      pool.terminate();
      throw new JparException("the process pool could not start: " + pool.broken.getMessage(), pool.broken);
    }
  }

  private int readyCount() {
    int n = 0;
    for (WorkerHandle w : pool.workers) {
      n += w.ready ? 1 : 0;
    }
    return n;
  }

  /** Keeps the pool at full strength while it is open. */
  void spawnIfNeeded() {
    boolean spawn;
    pool.lock.lock();
    try {
      spawn = !pool.stopping && pool.broken == null && pool.workers.size() < pool.parallelism();
    } finally {
      pool.lock.unlock();
    }
    if (spawn) {
      spawn();
    }
  }

  private void spawn() {
    int id;
    pool.lock.lock();
    try {
      id = pool.nextWorkerId++;
    } finally {
      pool.lock.unlock();
    }
    String name = pool.ps.common().name() + "-" + id;
    try {
      Config config = new Config(id, pool.ps.codec().getName(), pool.ps.allowClasses(), pool.ps.common().taskTimeout() != null,
          pool.initializerBytes);
      WorkerHandle w = WorkerHandle.start(id, name, pool.launcher.builder(id), config, pool, System.err);
      boolean unwanted;
      pool.lock.lock();
      try {
        // The pool may have begun to stop while this worker started (outside the pool.lock): then no
        // shutdown will ever see it in the list, so it must go now.
        unwanted = pool.stopping || pool.broken != null;
        if (unwanted) {
          w.retiring = true;
        } else {
          pool.workers.add(w);
        }
      } finally {
        pool.lock.unlock();
      }
      if (unwanted) {
        w.kill("the pool stopped while it started");
        w.awaitExit(ProcessBackend.EXIT_GRACE_MILLIS);
      }
    } catch (IOException e) {
      pool.lock.lock();
      try {
        if (++pool.startFailures >= ProcessBackend.MAX_START_FAILURES && pool.broken == null) {
          pool.broken = new JparException("cannot start a worker JVM: " + e.getMessage(), e);
        }
        pool.changed.signalAll();
      } finally {
        pool.lock.unlock();
      }
    }
  }

  /** close(): wait for queued and running work, ask every worker to exit, wait for them. */
  void stopGracefully() {
    boolean interrupted = false;
    pool.lock.lock();
    try {
      while (pool.broken == null && (!pool.pending.isEmpty() || pool.inFlight > 0)) {
        try {
          pool.changed.await();
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
      pool.stopping = true;
    } finally {
      pool.lock.unlock();
    }
    if (interrupted) {
      stopNow();
      Thread.currentThread().interrupt();
      return;
    }
    for (WorkerHandle w : snapshotWorkers()) {
      w.retiring = true;
      pool.retire(w);
    }
    awaitAllExited();
  }

  /** terminate(): cancel everything, kill every worker, wait for them. */
  void stopNow() {
    List<Batch> drained;
    List<Job> running = new ArrayList<>();
    pool.lock.lock();
    try {
      pool.stopping = true;
      drained = new ArrayList<>(pool.pending);
      pool.pending.clear();
      for (WorkerHandle w : pool.workers) {
        w.retiring = true;
        if (w.current != null) {
          running.addAll(w.current.jobs);
        }
      }
    } finally {
      pool.lock.unlock();
    }
    for (Batch b : drained) {
      b.jobs.forEach(j -> j.cancel());
    }
    running.forEach(j -> j.cancel());
    killAll();
    awaitAllExited();
  }

  private List<WorkerHandle> snapshotWorkers() {
    pool.lock.lock();
    try {
      return new ArrayList<>(pool.workers);
    } finally {
      pool.lock.unlock();
    }
  }

  private void killAll() {
    for (WorkerHandle w : snapshotWorkers()) {
      w.kill("the pool was terminated");
    }
  }

  private void awaitAllExited() {
    List<WorkerHandle> all = snapshotWorkers();
    for (WorkerHandle w : all) {
      w.awaitExit(ProcessBackend.EXIT_GRACE_MILLIS);
    }
    pool.lock.lock();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ProcessBackend.EXIT_GRACE_MILLIS);
      while (!pool.workers.isEmpty() && System.nanoTime() < deadline) {
        pool.changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      pool.lock.unlock();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook is running or ran
    }
  }
}
