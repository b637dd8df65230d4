package io.jpar.internal.auto;

import io.jpar.BackendKind;
import java.util.Locale;

/**
 * The decisions of an auto pool, from measured figures only: which machinery, and how many at once.
 * Kept apart from the mechanics so that the rules can be read (and tested) in one place.
 *
 * <ul>
 *   <li>Computing work (CPU time >= {@value #COMPUTING} of wall time) runs on platform threads, one per core.
 *   <li>Waiting work runs on virtual threads, as many at once as Little's law says keep the cores busy
 *       (cores x wall / CPU, with 1.5x headroom), then doubled while throughput still rises by >= 10% and
 *       the cores are not yet busy, up to {@code maxConcurrency}; a raise that did not pay is taken back.
 *   <li>Work that turns back into computing ({@value #BACK_TO_COMPUTING} of wall on the CPU) goes back to
 *       platform threads.
 *   <li>Isolated work runs only in worker processes, as many as the same law says, within {@code maxWorkers}.
 * </ul>
 *
 * <p>Not thread-safe: the auto pool calls it under its lock.
 */
public final class Planner {
  /** A machinery and how many tasks it runs at once. */
  public record Choice(BackendKind kind, int concurrency) {
    @Override
    public String toString() {
      return kind.label() + " x " + concurrency;
    }
  }

  /**
   * What a span of running on one choice showed.
   *
   * @param elapsedNanos length of the span
   * @param completed tasks that ended in it
   * @param samples tasks timed in it
   * @param meanWallNanos mean wall time of a timed task, -1 if none
   * @param cpuShare CPU over wall time of the timed tasks where a CPU clock exists, NaN otherwise
   * @param utilisation CPU time used by the process (or the workers) over {@code cores x elapsed}
   * @param cpuPerTaskNanos CPU time used per completed task, -1 if none completed
   * @param threadsShare the CPU share of the tasks running now, seen before any of them ends: the pool's
   *     own threads' CPU time (platform threads) or the process's CPU time over the concurrency (virtual
   *     threads, cores not saturated); NaN when it cannot be told
   */
  public record Figures(long elapsedNanos, long completed, long samples, long meanWallNanos, double cpuShare,
      double utilisation, long cpuPerTaskNanos, double threadsShare) {
    public double tasksPerSecond() {
      return completed * 1e9 / Math.max(1, elapsedNanos);
    }
  }

  /** A new choice (or the same one) and, when it changed, why. */
  public record Decision(Choice choice, String reason) {}

  public static final double COMPUTING = 0.5;
  static final double BACK_TO_COMPUTING = 0.8;
  static final double HEADROOM = 1.5;
  private static final long MIN_SPAN_NANOS = 50_000_000;
  private static final long MAX_SPAN_NANOS = 1_000_000_000;

  private final int cores;
  private final int maxConcurrency;
  private final int maxWorkers;
  private final boolean isolated;
  // Hill-climbing state for virtual threads.
  private int raisedFrom;
  private double throughputBeforeRaise;
  private boolean saturated;
  private double shareAtSaturation;

  public Planner(int cores, int maxConcurrency, int maxWorkers, boolean isolated) {
    this.cores = cores;
    this.maxConcurrency = maxConcurrency;
    this.maxWorkers = maxWorkers;
    this.isolated = isolated;
  }

  public Choice first() {
    return isolated ? new Choice(BackendKind.WORKER_PROCESSES, Math.min(cores, maxWorkers)) : new Choice(BackendKind.PLATFORM_THREADS, cores);
  }

  /**
   * Whether a span is long enough to judge: at least 50 ms, with at least 8 tasks timed, over a task
   * length (three when a raise of concurrency is being judged); at once if the pool's threads are seen
   * to wait; a second in any case (then the CPU use of the process tells on its own).
   */
  public boolean ready(Figures f) {
    if (f.elapsedNanos >= MAX_SPAN_NANOS) {
      return true;
    }
    if (f.elapsedNanos < MIN_SPAN_NANOS) {
      return false;
    }
    if (!Double.isNaN(f.threadsShare) && f.threadsShare < COMPUTING) {
      return true; // the pool's threads mostly wait: no need to wait for tasks to end to see it
    }
    // Judging a raise compares throughputs, which needs a steady span of a few task lengths; a share
    // (for Little's law) needs only a task length's worth of finished tasks.
    long lengths = raisedFrom > 0 ? 3 : 1;
    return f.elapsedNanos >= lengths * f.meanWallNanos * 6 / 5 && f.samples >= 8 && f.completed >= 8;
  }

  /**
   * The share of a task's wall time spent on the CPU: from thread CPU clocks where they exist, else the
   * process's CPU per completed task over the mean wall time, else (nothing finished yet) the process's
   * CPU use per running task.
   */
  public double share(Choice current, Figures f) {
    if (!Double.isNaN(f.threadsShare) && (f.samples < 8 || Double.isNaN(f.cpuShare))) {
      return f.threadsShare;
    }
    if (!Double.isNaN(f.cpuShare)) {
      return f.cpuShare;
    }
    if (f.cpuPerTaskNanos >= 0 && f.meanWallNanos > 0) {
      return Math.min(1.0, f.cpuPerTaskNanos / (double) f.meanWallNanos);
    }
    return Math.min(1.0, f.utilisation * cores / Math.min(current.concurrency, cores));
  }

  public Decision next(Choice current, Figures f) {
    double s = share(current, f);
    String seen = String.format(Locale.ROOT, "%s: %s per task, %.1f%% on the CPU, %.0f tasks/s, cores %.0f%% busy",
        current, f.meanWallNanos < 0 ? "no task finished yet" : human(f.meanWallNanos), 100 * s, f.tasksPerSecond(),
        100 * f.utilisation);
    // 1.5 x: Little's law gives the concurrency that keeps the cores busy on average; tasks vary, so
    // exactly that leaves them idle part of the time.
    int little = (int) Math.max(cores, Math.min(maxConcurrency, Math.ceil(HEADROOM * cores / Math.max(s, 1e-6))));
    return switch (current.kind) {
      case WORKER_PROCESSES -> {
        int w = (int) Math.max(Math.min(cores, maxWorkers), Math.min(maxWorkers, Math.round(cores / Math.max(s, 0.01))));
        boolean change = f.completed >= current.concurrency && (w >= 1.5 * current.concurrency || 1.5 * w <= current.concurrency);
        yield change
            ? new Decision(new Choice(BackendKind.WORKER_PROCESSES, w), seen + String.format(Locale.ROOT,
                " -> %d workers: cores x wall / CPU = %d / %.2f, within maxWorkers %d", w, cores, s, maxWorkers))
            : same(current);
      }
      case PLATFORM_THREADS -> s >= COMPUTING ? same(current) : toVirtual(seen, s, Math.max(2 * cores, little));
      case VIRTUAL_THREADS -> virtual(current, f, s, seen, little);
    };
  }

  private Decision toVirtual(String seen, double s, int n) {
    resetClimb();
    return new Decision(new Choice(BackendKind.VIRTUAL_THREADS, n), seen + String.format(Locale.ROOT,
        " -> waiting work: virtual threads x %d (Little's law: 1.5 x %d cores / %.3f CPU share%s)", n, cores,
        Math.max(s, 1e-6), n >= maxConcurrency ? ", capped by maxConcurrency" : ""));
  }

  private Decision virtual(Choice current, Figures f, double s, String seen, int little) {
    if (s >= BACK_TO_COMPUTING) {
      resetClimb();
      return new Decision(new Choice(BackendKind.PLATFORM_THREADS, cores), seen + " -> computing work: platform threads, one per core");
    }
    double x = f.tasksPerSecond();
    if (saturated && Math.abs(s - shareAtSaturation) > Math.max(0.05, shareAtSaturation)) {
      // The work changed character (its CPU share doubled or halved, by 5 points at least: 0.1% against
      // 0.3% is noise of waiting work): what was learned about the ceiling no longer holds.
      resetClimb();
    }
    if (raisedFrom > 0) {
      boolean paid = x >= 1.10 * throughputBeforeRaise;
      int previous = raisedFrom;
      raisedFrom = 0;
      if (!paid) {
        // More at once did not help (a server or a lock is the limit, not the cores): go back, which
        // is also kinder to whatever the tasks wait on, and stop raising while the work stays the same.
        saturated = true;
        shareAtSaturation = s;
        return new Decision(new Choice(BackendKind.VIRTUAL_THREADS, previous), seen + String.format(Locale.ROOT,
            " -> back to %d at once: %d gave %.0f tasks/s against %.0f, less than 10%% more", previous,
            current.concurrency, x, throughputBeforeRaise));
      }
    }
    int n = current.concurrency;
    if (!saturated && f.utilisation < 0.9 && n < maxConcurrency) {
      int next = Math.min(maxConcurrency, Math.max(little, 2 * n));
      raisedFrom = n;
      throughputBeforeRaise = x;
      return new Decision(new Choice(BackendKind.VIRTUAL_THREADS, next), seen + String.format(Locale.ROOT,
          " -> %d at once (%s)", next, next == little && little > 2 * n
              ? String.format(Locale.ROOT, "Little's law: 1.5 x %d cores / %.3f CPU share", cores, Math.max(s, 1e-6))
              : next == maxConcurrency ? "doubled, capped by maxConcurrency" : "doubled while throughput rises"));
    }
    return same(current);
  }

  private void resetClimb() {
    raisedFrom = 0;
    saturated = false;
  }

  private static Decision same(Choice c) {
    return new Decision(c, null);
  }

  public static String human(long ns) {
    if (ns < 10_000) {
      return ns + " ns";
    }
    if (ns < 10_000_000) {
      return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
    }
    return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
  }
}
