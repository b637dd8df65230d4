package io.jpar.internal.auto;

import io.jpar.BackendKind;
import io.jpar.Plan;
import io.jpar.Task;
import io.jpar.internal.Deadlines;
import io.jpar.internal.PoolContext;
import io.jpar.internal.Settings;
import io.jpar.internal.auto.Planner.Choice;
import io.jpar.internal.auto.Planner.Figures;
import io.jpar.internal.jfr.PlanChangedEvent;
import io.jpar.internal.process.ProcessBackend;
import io.jpar.internal.process.ProcessSettings;
import io.jpar.internal.process.wire.JavaSerializationCodec;
import io.jpar.internal.thread.PlatformThreadBackend;
import io.jpar.internal.thread.VirtualThreadBackend;
import io.jpar.spi.Backend;
import io.jpar.spi.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code Pool.auto()}: a backend made of backends. Each chunk goes to whichever {@link Machinery} the
 * {@link Planner} currently chooses, and the choice is revisited from spans of measured figures. The
 * caller's batch belongs to the pool, so results keep their order and none is lost when the choice
 * changes: jobs are only ever routed, and {@link #maxRunning} (the chosen concurrency) keeps little work
 * committed to a backend that is being left.
 *
 * <p>Threads: {@link #dispatch} runs on callers' threads, re-planning on the caller or the shared timer;
 * the plan state is guarded by {@code lock} (tryLock: nobody waits to re-plan).
 */
public final class AutoBackend implements Backend<AutoTask> {
  private static final Duration TICK = Duration.ofMillis(10);
  /** Changes kept for the plan; past this the oldest (after the start) are dropped, and counted. */
  private static final int HISTORY = 200;
  private static final long CHECK_EVERY_NANOS = 5_000_000;

  private final PoolContext context;
  private final Planner planner;
  private final Meter meter = new Meter();
  private final int cores = Runtime.getRuntime().availableProcessors();
  private final boolean isolated;
  private final int maxConcurrency;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Machinery<?>> started = new CopyOnWriteArrayList<>();
  private final AtomicBoolean ticking = new AtomicBoolean();
  private final List<String> history = new ArrayList<>(); // guarded by lock
  private final List<Thread> resizers = new CopyOnWriteArrayList<>();
  private final long created = System.nanoTime();
  private volatile Choice choice;
  private volatile Machinery<?> current;
  /** Platform thread backends by size: one per core, and one for mixed work (guarded by lock). */
  private final Map<Integer, Machinery<?>> platforms = new java.util.HashMap<>();
  private volatile Machinery<?> virtual;
  private volatile ScheduledFuture<?> tick;
  private volatile boolean closed;
  private volatile long nextCheck = System.nanoTime();
  private volatile long dispatched; // written by dispatching threads; racy but only compared with done
  /** When work was last dispatched; racy as {@code dispatched}: only tells a new batch after a pause. */
  private volatile long lastDispatch = System.nanoTime();
  /** A pause with nothing out longer than this starts a new span (shorter ones: submit-and-wait loops). */
  private static final long IDLE_NANOS = 50_000_000;
  // The span being measured, and the one that began with the current choice (guarded by lock).
  private Span span;
  private Span choiceSpan;
  private Figures lastFigures;
  /** The backend just left, while it still runs work: spans are not judged until it is idle. */
  private Machinery<?> leaving;
  private long leftAt;
  private boolean resizing;
  private final String start;
  private int dropped;

  public AutoBackend(PoolContext context, boolean isolated, int maxConcurrency, int maxWorkers) {
    this.context = context;
    this.isolated = isolated;
    this.maxConcurrency = maxConcurrency;
    this.planner = new Planner(cores, maxConcurrency, maxWorkers, isolated);
    Choice first = planner.first();
    this.current = machineryFor(first);
    this.choice = first;
    start = "start: " + first + (isolated ? " (isolated: user code runs only in worker processes)" : " (probing)");
    history.add(start);
    startSpan();
    choiceSpan = span;
  }

  // ---- routing ----

  @Override
  public BackendKind kind() {
    return choice.kind();
  }

  @Override
  public int parallelism() {
    return choice.concurrency();
  }

  @Override
  public AutoTask prepare(Task<Object, Object> task) {
    AutoTask prepared = new AutoTask(task, meter);
    if (isolated) {
      current.handle(prepared); // proves the task can be sent before anything runs
    }
    return prepared;
  }

  @Override
  public void dispatch(AutoTask task, List<? extends Job> jobs) {
    long now = System.nanoTime();
    if (dispatched == context.completedSoFar() && now - lastDispatch > IDLE_NANOS) {
      // Work arrives after the pool sat idle (a new batch): a span left open across the gap would read
      // the idle time as the tasks waiting (`jpar demo`'s CSV batches, other pools running in between,
      // moved computing work to virtual threads). Judge from here instead.
      restartSpan();
    }
    lastDispatch = now;
    // Reading the clocks for a span's figures costs microseconds: not on every chunk of tiny tasks.
    if (now - nextCheck >= 0) {
      replanIfDue();
    }
    Machinery<?> target = current;
    dispatched += jobs.size(); // racy on purpose: only tells the timer whether work is out
    target.dispatch(task, jobs);
    startTicking();
  }

  @Override
  public int chunkSize(AutoTask task, long batchSize) {
    return current.chunkSize(task, batchSize);
  }

  @Override
  public int lastChunkSize() {
    return current.backend.lastChunkSize();
  }

  @Override
  public int eagerWindow() {
    return Integer.MAX_VALUE / 2; // bounded by maxRunning: a map must not commit every input to the first backend
  }

  @Override
  public int lazyWindow() {
    return Integer.MAX_VALUE / 2; // the chosen concurrency bounds it (maxRunning), and may grow
  }

  @Override
  public long maxRunning(int chunk) {
    Choice c = choice;
    return switch (c.kind()) {
      // Chunks queued behind platform threads are taken back on a switch, so their window can be deep.
      case PLATFORM_THREADS -> 64L * c.concurrency() * chunk;
      case VIRTUAL_THREADS -> c.concurrency();
      case WORKER_PROCESSES -> (2L * c.concurrency() + 2) * chunk;
    };
  }

  @Override
  public int busy() {
    return current.backend.busy();
  }

  // ---- re-planning ----

  private void startTicking() {
    if (!ticking.get() && ticking.compareAndSet(false, true)) { // read first: no write per chunk
      tick = Deadlines.after(TICK, this::onTick);
    }
  }

  private void onTick() {
    replanIfDue();
    ticking.set(false);
    // Keep ticking while work is out: a batch of long tasks may complete nothing for a while.
    if (!closed && context.completedSoFar() < dispatched) {
      startTicking();
    }
  }

  private void replanIfDue() {
    if (!lock.tryLock()) {
      return;
    }
    try {
      nextCheck = System.nanoTime() + CHECK_EVERY_NANOS;
      if (resizing || settling()) {
        return;
      }
      long out = dispatched - context.completedSoFar();
      if (span.outstanding < choice.concurrency() && out >= choice.concurrency()) {
        startSpan(); // the span began before work was out (a new pool, a new batch): begin it again now
        return;
      }
      if (span.outstanding > choice.concurrency() && out <= choice.concurrency()) {
        startSpan(); // the span began above a lowered concurrency: begin it again once that has drained
        return;
      }
      Figures f = span.figures(choice, current, meter, context.completedSoFar(), dispatched);
      if (!planner.ready(choice, f)) {
        return;
      }
      lastFigures = f;
      meter.timeAll(f.meanWallNanos() < 0 || f.meanWallNanos() >= 100_000);
      Planner.Decision d = planner.next(choice, f);
      if (d.reason() != null && !closed) {
        switchTo(d.choice(), d.reason());
      }
      startSpan();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the backend just left still runs work: its tasks compete for the cores with the new one's
   * and would make the figures lie. The span starts afresh once it is idle (or after 5 s in any case).
   */
  private boolean settling() {
    if (leaving == null) {
      return false;
    }
    if (leaving.backend.busy() > 0 && System.nanoTime() - leftAt < 5_000_000_000L) {
      return true;
    }
    leaving = null;
    startSpan();
    choiceSpan = span; // the plan's figures are those of the new backend running alone
    return true;
  }

  private void restartSpan() {
    lock.lock();
    try {
      if (!resizing && leaving == null) {
        startSpan();
      }
    } finally {
      lock.unlock();
    }
  }

  private void startSpan() {
    span = new Span(current, meter, context.completedSoFar(), dispatched);
  }

  private void switchTo(Choice next, String reason) {
    Choice previous = choice;
    if (history.size() == HISTORY) {
      history.remove(1);
      dropped++;
      history.set(0, start + " (" + dropped + " earlier changes dropped)");
    }
    history.add(String.format(java.util.Locale.ROOT, "%.2f s: %s", (System.nanoTime() - created) / 1e9, reason));
    if (PlanChangedEvent.enabled()) {
      emitPlanChanged(previous, next, reason);
    }
    if (next.kind() == BackendKind.WORKER_PROCESSES && next.concurrency() != previous.concurrency()) {
      resizeWorkers(next);
      return; // switches when the new workers are ready
    }
    Machinery<?> old = current;
    current = machineryFor(next);
    if (old != current && lastFigures != null && lastFigures.utilisation() >= 0.5) {
      leaving = old;
      leftAt = System.nanoTime();
    }
    choice = next;
    if (current.backend instanceof VirtualThreadBackend v) {
      v.limit(next.concurrency());
    }
    startSpan();
    choiceSpan = span;
    if (old != current && old.backend instanceof PlatformThreadBackend threads) {
      // Work queued behind the old threads, not started: run it on the new choice instead. The code of
      // a chunk on threads is the metered task, which is the auto pool's handle for it.
      for (PlatformThreadBackend.Reclaimed r : threads.reclaimQueued()) {
        current.dispatch((AutoTask) r.code(), r.jobs());
      }
    }
    context.capacityGrew();
  }

  private void emitPlanChanged(Choice previous, Choice next, String reason) {
    PlanChangedEvent e = new PlanChangedEvent();
    e.pool = context.poolName();
    e.from = previous.kind().label();
    e.fromConcurrency = previous.concurrency();
    e.to = next.kind().label();
    e.toConcurrency = next.concurrency();
    e.reason = reason;
    Figures f = lastFigures;
    e.tasksPerSecond = f == null ? Double.NaN : f.tasksPerSecond();
    e.cpuShare = f == null ? Double.NaN : f.cpuShare();
    e.utilisation = f == null ? Double.NaN : f.utilisation();
    e.meanWall = f == null ? -1 : f.meanWallNanos();
    e.samples = f == null ? 0 : f.samples();
    e.commit();
  }

  /** A process backend cannot grow; a new one is started beside it, and the old one retires with the pool. */
  private void resizeWorkers(Choice next) {
    resizing = true;
    Thread t = Thread.ofPlatform().daemon().name(context.poolName() + "-resize").unstarted(() -> {
      Machinery<?> fresh;
      try {
        fresh = machineryFor(next);
      } catch (RuntimeException e) {
        lock.lock();
        try {
          resizing = false;
          history.add("could not start " + next + ", staying on " + choice + ": " + e.getMessage());
        } finally {
          lock.unlock();
        }
        return;
      }
      lock.lock();
      try {
        if (closed) {
          started.remove(fresh);
          fresh.backend.terminate();
          return;
        }
        resizing = false;
        current = fresh;
        choice = next;
        startSpan();
        choiceSpan = span;
      } finally {
        lock.unlock();
      }
      context.capacityGrew();
      // The old workers finish what they were sent; they are stopped with the pool, not now, because a
      // caller may still be handing them a chunk it routed a moment ago.
    });
    resizers.add(t);
    t.start();
  }

  private Machinery<?> machineryFor(Choice c) {
    String suffix = switch (c.kind()) {
      case PLATFORM_THREADS -> c.concurrency() == cores ? "platform" : "platform" + c.concurrency();
      case VIRTUAL_THREADS -> "virtual";
      case WORKER_PROCESSES -> "processes";
    };
    Settings settings = new Settings(context.poolName() + "-" + suffix,
        c.kind() == BackendKind.VIRTUAL_THREADS ? maxConcurrency : c.concurrency(),
        context.settings().taskTimeout(), null);
    PoolContext child = context.child(settings);
    Machinery<?> m = switch (c.kind()) {
      case PLATFORM_THREADS -> platforms.computeIfAbsent(c.concurrency(),
          n -> Machinery.of(PlatformThreadBackend.start(child), child));
      case VIRTUAL_THREADS -> virtual != null ? virtual
          : (virtual = Machinery.of(VirtualThreadBackend.start(child), child));
      case WORKER_PROCESSES -> Machinery.of(ProcessBackend.start(new ProcessSettings(settings, null, List.of(), Map.of(),
          null, null, 0, 0, 0, JavaSerializationCodec.class, "", List.of(),
          ProcessSettings.Limits.DEFAULTS), child), child);
    };
    if (!started.contains(m)) {
      started.add(m);
    }
    return m;
  }

  // ---- plan ----

  @Override
  public Plan plan(Plan measured) {
    lock.lock();
    try {
      Choice c = choice;
      long n;
      long wall;
      double share;
      long alloc = -1;
      if (c.kind() == BackendKind.WORKER_PROCESSES) {
        long[] w = current.totals();
        long[] w0 = choiceSpan.workers;
        n = w[0] - w0[0];
        wall = n == 0 ? 0 : (w[1] - w0[1]) / n;
        share = n == 0 ? 0 : (w[2] - w0[2]) / (double) Math.max(1, w[1] - w0[1]);
      } else {
        Meter.Totals m = meter.totals().minus(choiceSpan.meter);
        n = m.samples();
        wall = Math.max(0, m.meanWall());
        share = !Double.isNaN(m.cpuShare()) ? m.cpuShare()
            : lastFigures == null ? 0 : planner.share(c, lastFigures);
        alloc = m.meanAlloc();
      }
      long cpu = Math.round(wall * Math.min(1, share));
      return new Plan(c.kind(), c.concurrency(), current.backend.lastChunkSize(), n, Duration.ofNanos(wall),
          Duration.ofNanos(cpu), measured.failures(), alloc, explain(c, n, wall, share), history);
    } finally {
      lock.unlock();
    }
  }

  private String explain(Choice c, long n, long wall, double share) {
    String how = switch (c.kind()) {
      case PLATFORM_THREADS -> c.concurrency() > cores
          ? "computing work that also waits, so as many platform threads as cores x wall / CPU"
          : "computing work, so one platform thread per core";
      case VIRTUAL_THREADS -> c.concurrency() >= maxConcurrency
          ? "waiting work, so virtual threads, as many at once as maxConcurrency allows"
          : "waiting work, so virtual threads, as many at once as raised throughput without calls queueing";
      case WORKER_PROCESSES -> "isolated work, so worker processes, as many as keep the cores busy";
    };
    if (n == 0) {
      return String.format(java.util.Locale.ROOT, "Auto: %s; no task has been measured on it yet.", c);
    }
    return String.format(java.util.Locale.ROOT, "Auto chose %s: %d tasks measured on it took %s each, %.1f%% on the CPU: %s.",
        c, n, Planner.human(wall), 100 * share, how);
  }

  // ---- lifecycle ----

  @Override
  public void close() {
    closed = true;
    cancelTick();
    for (Thread r : resizers) {
      joinQuietly(r);
    }
    for (Machinery<?> m : started) {
      m.backend.close();
    }
  }

  @Override
  public void terminate() {
    closed = true;
    cancelTick();
    for (Machinery<?> m : started) {
      m.backend.terminate();
    }
    for (Thread r : resizers) {
      joinQuietly(r);
    }
    for (Machinery<?> m : started) {
      m.backend.terminate(); // one a resizer started meanwhile
    }
  }

  private void cancelTick() {
    ScheduledFuture<?> t = tick;
    if (t != null) {
      t.cancel(false);
    }
  }

  private static void joinQuietly(Thread t) {
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
