package io.jpar.internal.auto;

import io.jpar.BackendKind;
import java.util.Locale;

/**
 * The decisions of an auto pool, from measured figures only: which machinery, and how many at once.
 * Kept apart from the mechanics so that the rules can be read (and tested) in one place.
 *
 * <ul>
 *   <li>Computing work (CPU time >= {@value #COMPUTING} of wall time) runs on platform threads, one per core;
 *       when it also waits (CPU share under {@value #MIXED}) and the machine has idle cores, cores x wall /
 *       CPU of them.
 *   <li>Waiting work (under {@value #COMPUTING}; while the whole machine's CPUs are busy, only as the
 *       tasks' own clocks show it, and under {@value #SURELY_WAITING}) runs on virtual threads, starting at Little's law's figure (cores x wall / CPU, with
 *       1.5x headroom) but at most {@value #START_PER_CORE} per core; from there a {@link ConcurrencyLimit}
 *       grows the concurrency while throughput rises and backs off when latency inflates without a gain,
 *       within {@code maxConcurrency}, and not upwards while the cores are busy.
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
   * @param machineBusy the share of the machine's CPU time used by anything (this process and others), NaN
   *     where the platform does not say
   * @param shareExact whether {@code cpuShare} has every task's wait for a CPU taken out (Linux), so that
   *     a busy machine cannot lower it
   */
  public record Figures(long elapsedNanos, long completed, long samples, long meanWallNanos, double cpuShare,
      double utilisation, long cpuPerTaskNanos, double threadsShare, double machineBusy, boolean shareExact) {
    /** Figures whose CPU share may include waiting for a CPU. */
    public Figures(long elapsedNanos, long completed, long samples, long meanWallNanos, double cpuShare,
        double utilisation, long cpuPerTaskNanos, double threadsShare, double machineBusy) {
      this(elapsedNanos, completed, samples, meanWallNanos, cpuShare, utilisation, cpuPerTaskNanos, threadsShare,
          machineBusy, false);
    }

    /** Figures where the machine's load is not known. */
    public Figures(long elapsedNanos, long completed, long samples, long meanWallNanos, double cpuShare,
        double utilisation, long cpuPerTaskNanos, double threadsShare) {
      this(elapsedNanos, completed, samples, meanWallNanos, cpuShare, utilisation, cpuPerTaskNanos, threadsShare,
          Double.NaN);
    }

    public double tasksPerSecond() {
      return completed * 1e9 / Math.max(1, elapsedNanos);
    }
  }

  /** A new choice (or the same one) and, when it changed, why. */
  public record Decision(Choice choice, String reason) {}

  public static final double COMPUTING = 0.5;
  static final double BACK_TO_COMPUTING = 0.8;
  /** Below this CPU share, computing work also waits enough to give the cores more threads than one each. */
  static final double MIXED = 0.85;
  /** Below this CPU share work waits even on a machine whose cores other processes keep busy. */
  static final double SURELY_WAITING = 0.2;
  /** A change of CPU share this large means other work: what the controller learned is forgotten. */
  static final double CHARACTER_CHANGE = 0.25;
  /** A machine whose CPUs are this busy (all processes) has no idle core for another thread. */
  static final double MACHINE_BUSY = 0.9;
  /** Cores' worth of CPU other processes use past which the gaps of mixed work are not this pool's to fill. */
  static final double OTHERS_HOLD_A_CORE = 1.0;
  static final double HEADROOM = 1.5;
  /** Virtual threads start at most this many per core, whatever Little's law says; then they grow. */
  static final int START_PER_CORE = 16;
  private static final long MIN_SPAN_NANOS = 50_000_000;
  /** The shortest span for a plain verdict: the pool's threads seen waiting, a raise that plainly did not pay. */
  private static final long PLAIN_SPAN_NANOS = 25_000_000;
  private static final long MAX_SPAN_NANOS = 1_000_000_000;

  private final int cores;
  private final int maxConcurrency;
  private final int maxWorkers;
  private final boolean isolated;
  /** The congestion controller for virtual threads. */
  private final ConcurrencyLimit limit;
  /** The CPU share when the controller last started: a change of {@value #CHARACTER_CHANGE} restarts it. */
  private double shareAtStart;

  public Planner(int cores, int maxConcurrency, int maxWorkers, boolean isolated) {
    this.cores = cores;
    this.maxConcurrency = maxConcurrency;
    this.maxWorkers = maxWorkers;
    this.isolated = isolated;
    this.limit = new ConcurrencyLimit(cores, maxConcurrency);
  }

  public Choice first() {
    return isolated ? new Choice(BackendKind.WORKER_PROCESSES, Math.min(cores, maxWorkers)) : new Choice(BackendKind.PLATFORM_THREADS, cores);
  }

  /**
   * Whether a span is long enough to judge: at least 50 ms, with at least 8 tasks timed, over a task
   * length (three when a raise of concurrency is being judged; one when it plainly paid); 25 ms and one
   * task length for a raise that plainly did not pay; 25 ms if the pool's threads are seen to wait (on
   * platform threads, where that decides a move); a second in any case (then the CPU use of the process
   * tells on its own).
   */
  public boolean ready(Choice current, Figures f) {
    if (f.elapsedNanos >= MAX_SPAN_NANOS) {
      return true;
    }
    if (f.elapsedNanos < PLAIN_SPAN_NANOS) {
      return false;
    }
    if (current.kind == BackendKind.PLATFORM_THREADS && !Double.isNaN(f.threadsShare) && f.threadsShare < COMPUTING) {
      // The pool's threads mostly wait: no need to wait for tasks to end to see it. (On virtual threads
      // waiting is what is expected, and a span judged before any call ended would only be thrown away.)
      return true;
    }
    // Judging a raise compares throughputs, which needs a steady span of a few task lengths; a share
    // (for Little's law) needs only a task length's worth of finished tasks.
    boolean enough = f.samples >= 8 && f.completed >= 8;
    // A raise is judged early only once a task length has passed: the calls it added end by then.
    boolean raiseSeen = limit.judgingRaise() && enough && f.elapsedNanos >= f.meanWallNanos * 21 / 20;
    if (raiseSeen && limit.plainlyDidNotPay(current.concurrency(), f.meanWallNanos)) {
      // A raise that plainly did not pay needs no three lengths: latency grew as much as the calls in
      // flight did (Little's law: no more throughput), and every span spent there overloads the service.
      // Nor the full span: backing off early costs little.
      return true;
    }
    if (f.elapsedNanos < MIN_SPAN_NANOS) {
      return false;
    }
    // Not so a raise that seems to pay: in its first tens of milliseconds the calls that end are mostly
    // those sent before it, at the old latency, so "paid" needs the full span (25 ms let a raise to 128
    // against a knee at 64 read as paid at 1.0x the latency, and the next went to 504).
    if (raiseSeen && f.tasksPerSecond() >= 1.5 * limit.throughputBeforeRaise()) {
      // A raise that plainly paid is seen a little over a task length after it: the calls it added end
      // then unless they queue — and calls that queue have not ended yet, so throughput has not risen.
      return true;
    }
    long lengths = limit.judgingRaise() ? 3 : 1;
    return f.elapsedNanos >= lengths * f.meanWallNanos * 6 / 5 && enough;
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
      case PLATFORM_THREADS -> s >= COMPUTING ? mixed(current, seen, s, f)
          // On a machine whose CPUs are all busy, the process's CPU use cannot tell computing threads
          // that wait for a core from threads that wait on their own: wait for the tasks' own readings,
          // which leave the wait for a core out. Where the platform cannot say how long they waited, a
          // share between a fifth and a half there may still be computing threads short of a core: only a
          // lower one is surely waiting.
          : f.machineBusy >= MACHINE_BUSY && !(ownReadings(f) && (f.shareExact || s < SURELY_WAITING)) ? same(current)
          : toVirtual(current, f, seen, s, little);
      case VIRTUAL_THREADS -> virtual(current, f, s, seen);
    };
  }

  /**
   * Computing work that also waits a little (CPU share between {@value #COMPUTING} and {@value #MIXED}):
   * one thread per core leaves the cores idle while a task waits, so as many platform threads as
   * cores x wall / CPU keep them busy — unless other processes fill those gaps already. Judged once, from a span on one thread per core: on more threads
   * than cores a task's wall time includes waiting for a core, which would read as more waiting.
   */
  private Decision mixed(Choice current, String seen, double s, Figures f) {
    // Where the share may be lowered by other processes taking the cores (the platform cannot say how
    // long the tasks waited for one), it looks like waiting: then a busy machine means more threads would
    // only take turns. A share with the wait for a core taken out is the tasks' own; then only what other
    // processes use matters (this pool's own use is what leaves the gaps more threads fill): a core's
    // worth of theirs and the gaps are taken already.
    boolean taken = f.shareExact
        ? f.machineBusy - Math.min(1, f.utilisation) >= OTHERS_HOLD_A_CORE / cores
        : f.machineBusy >= MACHINE_BUSY;
    if (current.concurrency() != cores || s >= MIXED || taken) {
      return same(current);
    }
    double exact = cores / s;
    // With Little's law's headroom, as for waiting work, and rounded up: tasks vary, so exactly cores x
    // wall / CPU leaves the cores idle part of the time; a thread too many costs a little queueing, a
    // core left idle its whole share (2 / 0.83 = 2.4 rounded to 2 ran 1.2x slower than 8 threads).
    int n = (int) Math.min(maxConcurrency, (long) Math.ceil(HEADROOM * exact - 1e-9));
    return n <= cores ? same(current) : new Decision(new Choice(BackendKind.PLATFORM_THREADS, n), seen + String.format(
        Locale.ROOT, " -> mixed work: platform threads x %d (%.1f x cores x wall / CPU = %.1f x %d / %.2f = %.2f%s)", n,
        HEADROOM, HEADROOM, cores, s, HEADROOM * exact, n == maxConcurrency ? ", capped by maxConcurrency" : ""));
  }

  private Decision toVirtual(Choice current, Figures f, String seen, double s, int little) {
    // Not Little's law's figure at once: a service past its knee answers more calls at once more slowly,
    // so the controller starts at a modest concurrency and grows while throughput rises.
    int n = (int) Math.min(maxConcurrency, Math.max(2L * cores, Math.min(little, START_PER_CORE * cores)));
    limit.start(current.concurrency(), limitSpan(current, f), n);
    shareAtStart = s;
    return new Decision(new Choice(BackendKind.VIRTUAL_THREADS, n), seen + String.format(Locale.ROOT,
        " -> waiting work: virtual threads x %d (Little's law says %d: 1.5 x %d cores / %.3f CPU share; start at"
            + " most %d per core, then grow while throughput rises)%s", n, little, cores, Math.max(s, 1e-6),
        START_PER_CORE, n >= maxConcurrency ? ", capped by maxConcurrency" : ""));
  }

  private Decision virtual(Choice current, Figures f, double s, String seen) {
    if (s >= BACK_TO_COMPUTING) {
      return new Decision(new Choice(BackendKind.PLATFORM_THREADS, cores), seen + " -> computing work: platform threads, one per core");
    }
    if (Math.abs(s - shareAtStart) >= CHARACTER_CHANGE) {
      // The work changed character (a quarter of its time moved between CPU and waiting): the latencies
      // learned belong to other work.
      limit.restart();
      shareAtStart = s;
    }
    ConcurrencyLimit.Step step = limit.next(limitSpan(current, f), f.utilisation < 0.9);
    return step.reason() == null ? same(current)
        : new Decision(new Choice(BackendKind.VIRTUAL_THREADS, step.limit()), seen + "; " + step.reason());
  }

  /** Whether the share comes from the tasks' own clocks, read on their threads (see {@link Meter}). */
  private static boolean ownReadings(Figures f) {
    return f.samples > 0 && !Double.isNaN(f.cpuShare);
  }

  private static ConcurrencyLimit.Span limitSpan(Choice c, Figures f) {
    return new ConcurrencyLimit.Span(c.concurrency(), f.meanWallNanos, f.tasksPerSecond());
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
