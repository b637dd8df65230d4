package io.jpar.internal;

import io.jpar.Plan;
import io.jpar.Task;
import io.jpar.internal.auto.Meter;
import io.jpar.internal.auto.Planner;
import io.jpar.internal.auto.Planner.Choice;
import io.jpar.internal.auto.Planner.Figures;
import io.jpar.BackendKind;
import io.jpar.internal.process.ProcessPool;
import io.jpar.internal.process.ProcessSettings;
import io.jpar.internal.process.wire.JavaSerializationCodec;
import io.jpar.internal.thread.ThreadPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code Pool.auto()}: runs each chunk on whichever backend the {@link Planner} currently chooses, and
 * re-plans from spans of measured figures. The caller's batch ({@link Fanout}) belongs to this pool, so
 * results keep their order and none is lost when the backend changes: jobs are only ever routed, and a
 * bounded window (the chosen concurrency) keeps little work committed to a backend that is being left.
 *
 * <p>Threads: {@link #dispatch} runs on callers' threads, re-planning on the caller or the shared timer;
 * the plan state is guarded by {@code lock} (tryLock: nobody waits to re-plan).
 */
public final class AutoPool extends AbstractPool {
  private static final Duration TICK = Duration.ofMillis(25);
  private static final int HISTORY = 20;

  private final Planner planner;
  private final Meter meter = new Meter();
  private final int cores = Runtime.getRuntime().availableProcessors();
  private final boolean isolated;
  private final int maxConcurrency;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<AbstractPool> backends = new CopyOnWriteArrayList<>();
  private final Set<Fanout<?, ?>> fanouts = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private final AtomicBoolean ticking = new AtomicBoolean();
  private final List<String> history = new ArrayList<>(); // guarded by lock
  private final List<Thread> retiring = new CopyOnWriteArrayList<>();
  private volatile Choice choice;
  private volatile AbstractPool current;
  private volatile ThreadPool platform;
  private volatile ThreadPool virtual;
  private volatile ScheduledFuture<?> tick;
  private volatile long nextCheck = System.nanoTime();
  private static final long CHECK_EVERY_NANOS = 5_000_000;
  private volatile long dispatched; // written by dispatching threads; racy but only compared with done
  // The span being measured, and the one that began with the current choice (guarded by lock).
  private Span span;
  private Span choiceSpan;
  private Figures lastFigures;
  /** The backend just left, while it still runs work: spans are not judged until it is idle. */
  private AbstractPool leaving;
  private long leftAt;
  private boolean resizing;

  public AutoPool(Settings settings, boolean isolated, int maxConcurrency, int maxWorkers) {
    super(settings);
    this.isolated = isolated;
    this.maxConcurrency = maxConcurrency;
    this.planner = new Planner(cores, maxConcurrency, maxWorkers, isolated);
    Choice first = planner.first();
    this.current = backendFor(first);
    this.choice = first;
    history.add("start: " + first + (isolated ? " (isolated: user code runs only in worker processes)" : " (probing)"));
    startSpan();
    choiceSpan = span;
  }

  // ---- routing ----

  @Override
  protected void dispatch(Task<Object, Object> task, List<? extends Job<?>> jobs) {
    // Reading the clocks for a span's figures costs microseconds: not on every chunk of tiny tasks.
    if (System.nanoTime() - nextCheck >= 0) {
      replanIfDue();
    }
    AbstractPool target = current;
    dispatched += jobs.size(); // racy on purpose: only tells the timer whether work is out
    target.dispatch(route(target, task), jobs);
    startTicking();
  }

  /** The task as the backend runs it: metered in this JVM, as it is in a worker process. */
  private Task<Object, Object> route(AbstractPool target, Task<Object, Object> task) {
    if (target instanceof ProcessPool) {
      return task;
    }
    // One wrapper per task in a row: a batch runs one task, so this is one allocation per batch, and
    // no map whose values (the wrappers) would hold their weak keys (the tasks) alive forever.
    Metered last = lastMetered;
    if (last != null && last.task == task) {
      return last.wrapper;
    }
    Task<Object, Object> m = meter.wrap(task);
    lastMetered = new Metered(task, m);
    return m;
  }

  private record Metered(Task<?, ?> task, Task<Object, Object> wrapper) {}

  private volatile Metered lastMetered;

  @Override
  protected void prepare(Task<?, ?> task) {
    if (isolated) {
      current.prepare(task); // proves the task can be sent before anything runs
    }
  }

  @Override
  protected int chunkSize(Task<?, ?> task) {
    AbstractPool target = current;
    @SuppressWarnings("unchecked")
    Task<Object, Object> t = (Task<Object, Object>) task;
    return target.chunkSize(route(target, t));
  }

  @Override
  protected int lastChunkSize() {
    return current.lastChunkSize();
  }

  @Override
  protected int eagerWindow() {
    return Integer.MAX_VALUE / 2; // bounded: a map must not commit every input to the first backend
  }

  @Override
  protected int lazyWindow() {
    return Integer.MAX_VALUE / 2; // the chosen concurrency bounds it (windowLimit), and may grow
  }

  @Override
  protected long windowLimit(int windowChunks, int chunk) {
    Choice c = choice;
    long own = switch (c.kind()) {
      // Chunks queued behind platform threads are taken back on a switch, so their window can be deep.
      case PLATFORM_THREADS -> 64L * c.concurrency() * chunk;
      case VIRTUAL_THREADS -> c.concurrency();
      case WORKER_PROCESSES -> (2L * c.concurrency() + 2) * chunk;
    };
    return Math.min(super.windowLimit(windowChunks, chunk), own);
  }

  @Override
  void fanoutStarted(Fanout<?, ?> fanout) {
    fanouts.add(fanout);
  }

  @Override
  public int parallelism() {
    return choice.concurrency();
  }

  @Override
  protected BackendKind backendName() {
    return choice.kind();
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
    if (!isClosed() && progress().doneSoFar() < dispatched) {
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
      if (span.outstanding < choice.concurrency() && dispatched - progress().doneSoFar() >= choice.concurrency()) {
        startSpan(); // the span began before work was out (a new pool, a new batch): begin it again now
        return;
      }
      Figures f = spanFigures();
      if (!planner.ready(f)) {
        return;
      }
      lastFigures = f;
      meter.timeAll(f.meanWallNanos() < 0 || f.meanWallNanos() >= 100_000);
      Planner.Decision d = planner.next(choice, f);
      if (d.reason() != null && !isClosed()) {
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
    if (leaving.busy() > 0 && System.nanoTime() - leftAt < 5_000_000_000L) {
      return true;
    }
    leaving = null;
    startSpan();
    choiceSpan = span; // the plan's figures are those of the new backend running alone
    return true;
  }

  private Figures spanFigures() {
    return span.figures(choice, current, meter, progress().doneSoFar(), dispatched);
  }

  private void startSpan() {
    span = new Span(current, meter, progress().doneSoFar(), dispatched);
  }

  private void switchTo(Choice next, String reason) {
    Choice previous = choice;
    if (history.size() == HISTORY) {
      history.remove(1);
    }
    history.add(String.format(Locale.ROOT, "%.2f s: %s", elapsedSeconds(), reason));
    if (next.kind() == BackendKind.WORKER_PROCESSES && next.concurrency() != previous.concurrency()) {
      resizeWorkers(next);
      return; // switches when the new workers are ready
    }
    AbstractPool old = current;
    current = backendFor(next);
    if (old != current && lastFigures != null && lastFigures.utilisation() >= 0.5) {
      leaving = old;
      leftAt = System.nanoTime();
    }
    choice = next;
    startSpan();
    choiceSpan = span;
    if (old instanceof ThreadPool tp && old != current) {
      // Work queued behind the old threads, not started: run it on the new choice instead.
      for (Map.Entry<Task<Object, Object>, List<Job<?>>> e : tp.reclaimQueued().entrySet()) {
        current.dispatch(e.getKey(), e.getValue());
      }
    }
    nudgeAll();
  }

  /** A process pool cannot grow; a new one is started beside it, and the old one retires when idle. */
  private void resizeWorkers(Choice next) {
    resizing = true;
    Thread t = Thread.ofPlatform().daemon().name(settings.name() + "-resize").unstarted(() -> {
      AbstractPool fresh;
      try {
        fresh = backendFor(next);
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
        if (isClosed()) {
          backends.remove(fresh);
          fresh.terminate();
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
      nudgeAll();
      // The old workers finish what they were sent; they are stopped with the pool, not now, because a
      // caller may still be handing them a chunk it routed a moment ago.
    });
    retiring.add(t);
    t.start();
  }

  private void nudgeAll() {
    synchronized (fanouts) {
      for (Fanout<?, ?> f : fanouts) {
        f.nudge();
      }
    }
  }

  private final long created = System.nanoTime();

  private double elapsedSeconds() {
    return (System.nanoTime() - created) / 1e9;
  }

  private AbstractPool backendFor(Choice c) {
    Settings common = new Settings(settings.name() + "-" + switch (c.kind()) {
      case PLATFORM_THREADS -> "platform";
      case VIRTUAL_THREADS -> "virtual";
      case WORKER_PROCESSES -> "processes";
    },
        c.kind() == BackendKind.VIRTUAL_THREADS ? maxConcurrency : c.concurrency(), settings.taskTimeout(), null);
    AbstractPool pool = switch (c.kind()) {
      case PLATFORM_THREADS -> platform != null ? platform : (platform = ThreadPool.platform(common));
      case VIRTUAL_THREADS -> virtual != null ? virtual : (virtual = ThreadPool.virtual(common));
      case WORKER_PROCESSES -> ProcessPool.start(new ProcessSettings(common, null, List.of(), Map.of(), null, null, 0, 0, 0,
          JavaSerializationCodec.class, "", List.of()));
    };
    if (!backends.contains(pool)) {
      backends.add(pool);
    }
    return pool;
  }

  // ---- plan ----

  @Override
  public Plan plan() {
    lock.lock();
    try {
      Choice c = choice;
      long failures = progress().failedSoFar();
      long n;
      long wall;
      double share;
      long alloc = -1;
      if (c.kind() == BackendKind.WORKER_PROCESSES) {
        long[] w = current.stats.totals();
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
      return new Plan(c.kind(), c.concurrency(), current.lastChunkSize(), n, Duration.ofNanos(wall),
          Duration.ofNanos(cpu), failures, alloc, explain(c, n, wall, share), history);
    } finally {
      lock.unlock();
    }
  }

  private String explain(Choice c, long n, long wall, double share) {
    String how = switch (c.kind()) {
      case PLATFORM_THREADS -> "computing work, so one platform thread per core";
      case VIRTUAL_THREADS -> c.concurrency() >= maxConcurrency
          ? "waiting work, so virtual threads, as many at once as maxConcurrency allows"
          : "waiting work, so virtual threads, as many at once as keep the cores busy while throughput still rose";
      case WORKER_PROCESSES -> "isolated work, so worker processes, as many as keep the cores busy";
    };
    if (n == 0) {
      return String.format(Locale.ROOT, "Auto: %s; no task has been measured on it yet.", c);
    }
    return String.format(Locale.ROOT, "Auto chose %s: %d tasks measured on it took %s each, %.1f%% on the CPU: %s.",
        c, n, Planner.human(wall), 100 * share, how);
  }

  // ---- lifecycle ----

  @Override
  protected void shutdownGracefully() {
    ScheduledFuture<?> t = tick;
    if (t != null) {
      t.cancel(false);
    }
    for (Thread r : retiring) {
      joinQuietly(r);
    }
    for (AbstractPool p : backends) {
      p.close();
    }
  }

  @Override
  protected void shutdownNow() {
    ScheduledFuture<?> t = tick;
    if (t != null) {
      t.cancel(false);
    }
    for (AbstractPool p : backends) {
      p.terminate();
    }
    for (Thread r : retiring) {
      joinQuietly(r);
    }
    for (AbstractPool p : backends) {
      p.terminate();
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
