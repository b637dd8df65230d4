package io.jpar.internal.process;

import io.jpar.JparException;
import io.jpar.internal.process.wire.Config;
import io.jpar.spi.Job;
import java.io.IOException;

/**
 * The life of a process pool's worker JVMs: starting them (and waiting for their handshakes), keeping
 * the pool at full strength, and stopping them gracefully or at once. What it decides about the pool's
 * shared state it asks of {@link DispatchState}, and it holds no lock: it starts, asks to exit, kills
 * and waits for processes with none held.
 */
final class WorkerLifecycle {
  /** Beyond the start limits: the liveness check breaks a hung start first, this wait is a backstop. */
  private static final long HANDSHAKE_MARGIN_MILLIS = 10_000;

  private final ProcessBackend pool;
  private final Thread shutdownHook;
  private final Liveness liveness;

  WorkerLifecycle(ProcessBackend pool) {
    this.pool = pool;
    this.liveness = new Liveness(pool);
    this.shutdownHook = new Thread(this::killAll, "jpar-" + pool.ps.common().name() + "-shutdown");
  }

  /** Starts every worker and returns once all have answered their handshake; else stops and throws. */
  void startAll() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    for (int i = 0; i < pool.parallelism(); i++) {
      spawn();
    }
    liveness.start();
    ProcessSettings.Limits limits = pool.ps.limits();
    long wait = limits.start().toMillis() + limits.heartbeat().toMillis() + HANDSHAKE_MARGIN_MILLIS
        + (pool.ps.initializer() == null ? 0 : limits.initializer().toMillis());
    Throwable broken = pool.state.awaitReady(pool.parallelism(), wait);
    if (broken != null) {
      pool.terminate();
      throw new JparException("the process pool could not start: " + broken.getMessage(), broken);
    }
  }

  /** Keeps the pool at full strength while it is open. */
  void spawnIfNeeded() {
    if (pool.state.wantsWorker(pool.parallelism())) {
      spawn();
    }
  }

  private void spawn() {
    int id = pool.state.nextWorkerId();
    String name = pool.ps.common().name() + "-" + id;
    try {
      ProcessSettings.Limits limits = pool.ps.limits();
      Config config = new Config(id, pool.ps.codec().getName(), pool.ps.allowClasses(), pool.ps.common().taskTimeout() != null,
          limits.heartbeatMillis(), (int) limits.initializer().toMillis(), pool.initializerBytes,
          pool.valueFiles.threshold(), pool.valueFiles.threshold() == 0 ? "" : pool.valueFiles.directory().toString());
      WorkerHandle w = WorkerHandle.start(id, name, pool.launcher.builder(id), config, pool, System.err);
      if (!pool.state.admit(w)) {
        w.kill("the pool stopped while it started");
        w.awaitExit(ProcessBackend.EXIT_GRACE_MILLIS);
      }
    } catch (IOException e) {
      pool.state.startFailed(e);
    }
  }

  /** close(): wait for queued and running work, ask every worker to exit, wait for them. */
  void stopGracefully() {
    if (!pool.state.stopWhenIdle()) {
      stopNow();
      Thread.currentThread().interrupt();
      return;
    }
    for (WorkerHandle w : pool.state.retireAll()) {
      pool.retire(w, "shutdown");
    }
    awaitAllExited();
  }

  /** terminate(): cancel everything, kill every worker, wait for them. */
  void stopNow() {
    for (Job j : pool.state.stopAtOnce()) {
      j.cancel();
    }
    killAll();
    awaitAllExited();
  }

  private void killAll() {
    for (WorkerHandle w : pool.state.workers()) {
      w.kill(WorkerHandle.KILLED_FOR_TERMINATE);
    }
  }

  private void awaitAllExited() {
    liveness.stop();
    for (WorkerHandle w : pool.state.workers()) {
      w.awaitExit(ProcessBackend.EXIT_GRACE_MILLIS);
    }
    pool.state.awaitNoWorkers(ProcessBackend.EXIT_GRACE_MILLIS);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook is running or ran
    }
  }
}
