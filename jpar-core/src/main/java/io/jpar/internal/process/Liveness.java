package io.jpar.internal.process;

import io.jpar.internal.Deadlines;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;

/**
 * Notices workers that are alive but no longer answer, and kills them; their death is then handled as
 * any other ({@link ProcessBackend#onDeath}, {@link Recovery}). Each worker beats from a thread of its
 * own several times within the limit, so a long task is never silence; a stopped ({@code SIGSTOP}) or
 * frozen JVM is. One check for all of a pool's workers runs on the shared {@link Deadlines} timer, a
 * few times per limit; it reads only what each worker's reader thread publishes (volatile fields of
 * {@link WorkerHandle}) and holds no lock.
 *
 * <p>What a worker may take, by how far it got: before its first bytes, {@code startTimeout} from its
 * start; after them, silence of at most {@code heartbeatTimeout}, and before its handshake (its
 * initializer running) no longer than both start limits, as a backstop should the worker's own watchdog
 * for the initializer not report.
 */
final class Liveness {
  private final ProcessBackend pool;
  private final ProcessSettings.Limits limits;
  private final long periodNanos;
  private volatile boolean stopped;
  private volatile ScheduledFuture<?> next;
  /** When the last check ran; only the timer thread touches it. */
  private long lastCheckNanos = System.nanoTime();

  Liveness(ProcessBackend pool) {
    this.pool = pool;
    this.limits = pool.ps.limits();
    this.periodNanos = Math.max(25_000_000L, Math.min(1_000_000_000L, limits.heartbeat().toNanos() / 4));
  }

  void start() {
    schedule();
  }

  /** No more checks; a check running now may still kill a worker, which is harmless while stopping. */
  void stop() {
    stopped = true;
    ScheduledFuture<?> f = next;
    if (f != null) {
      f.cancel(false);
    }
  }

  private void schedule() {
    if (!stopped) {
      next = Deadlines.after(Duration.ofNanos(periodNanos), this::check);
    }
  }

  private void check() {
    try {
      long now = System.nanoTime();
      long late = now - lastCheckNanos - periodNanos;
      lastCheckNanos = now;
      if (late > limits.heartbeat().toNanos() / 2) {
        // This JVM itself stood still (a long GC pause, a suspended laptop): its readers did too, so
        // every worker looks silent. Judge no one until they have had a period to catch up.
        return;
      }
      for (WorkerHandle w : pool.state.workers()) {
        String why = judge(w, now);
        if (why != null) {
          w.kill(why);
        }
      }
    } finally {
      schedule();
    }
  }

  /** Why {@code w} should be killed now, or null if it is fine. */
  private String judge(WorkerHandle w, long now) {
    if (!w.heard) {
      long since = now - w.startedNanos;
      return since > limits.start().toNanos()
          ? WorkerHandle.KILLED_FOR_START + ": it did not answer within " + limits.start().toMillis()
              + " ms of being started (startTimeout)"
          : null;
    }
    long silent = now - w.lastHeardNanos;
    if (silent > limits.heartbeat().toNanos()) {
      return WorkerHandle.KILLED_FOR_SILENCE + ": nothing came from it for " + seconds(silent)
          + " (heartbeatTimeout " + limits.heartbeat().toMillis() + " ms), though it beats every "
          + limits.heartbeatMillis() + " ms from a thread of its own. The usual causes: it was stopped (SIGSTOP,"
          + " a debugger), a very long GC pause, or a frozen JVM";
    }
    long backstop = limits.start().toNanos() + limits.initializer().toNanos() + limits.heartbeat().toNanos();
    if (!w.answered && now - w.startedNanos > backstop) {
      return "its initializer ran past initializerTimeout (" + limits.initializer().toMillis()
          + " ms) and the worker did not report it";
    }
    return null;
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
