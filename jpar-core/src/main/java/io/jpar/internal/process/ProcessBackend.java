package io.jpar.internal.process;

import io.jpar.BackendKind;
import io.jpar.JparException;
import io.jpar.Task;
import io.jpar.internal.PoolContext;
import io.jpar.internal.jfr.ChunkEvent;
import io.jpar.internal.jfr.WorkerDiedEvent;
import io.jpar.internal.jfr.WorkerRetiredEvent;
import io.jpar.internal.jfr.WorkerStartedEvent;
import io.jpar.internal.process.wire.EncodedValues;
import io.jpar.internal.process.wire.Fatal;
import io.jpar.spi.Backend;
import io.jpar.spi.Job;
import io.jpar.internal.process.wire.Frame;
import io.jpar.internal.process.wire.Heartbeat;
import io.jpar.internal.process.wire.Hello;
import io.jpar.internal.process.wire.InitFailed;
import io.jpar.internal.process.wire.Message;
import io.jpar.internal.process.wire.RemoteFailure;
import io.jpar.internal.process.wire.Results;
import io.jpar.internal.process.wire.RunBatch;
import io.jpar.internal.process.wire.SharedFiles;
import io.jpar.internal.process.wire.Shutdown;
import io.jpar.internal.process.wire.ValueFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The process backend: a set of worker JVMs, a FIFO of batches waiting for one, and the rules for
 * what happens when a worker dies. Each worker runs one batch at a time, so a death is attributed to
 * exactly the batch it was running; see {@link Recovery} for who is blamed and what is re-sent, and
 * {@link WorkerLifecycle} for starting, replacing and stopping workers ({@link Wire} encodes).
 *
 * <p>Threads: what the threads share (queue, idle workers, batches out, lifecycle flags) is {@link
 * DispatchState}, the only class that takes the backend's lock; this one holds no lock when it sends
 * the batches given out or completes jobs with what those operations return.
 */
public final class ProcessBackend implements Backend<TaskEntry> {
  static final long EXIT_GRACE_MILLIS = 5_000;

  final ProcessSettings ps;
  final Wire wire;
  final WorkerLauncher launcher;
  private final Recovery recovery = new Recovery(this);
  final PoolContext context;
  private final TaskTable tasks;
  final byte[] initializerBytes;
  private volatile TaskEntry lastEntry;
  private final WorkerLifecycle lifecycle;
  final DispatchState state;
  /** Big values through files: the pool's directory and threshold; each worker's handle accepts that worker's files. */
  final ValueFiles valueFiles;

  private ProcessBackend(ProcessSettings ps, PoolContext context) {
    this.ps = ps;
    this.context = context;
    this.wire = new Wire(ps);
    this.launcher = new WorkerLauncher(ps);
    this.initializerBytes = ps.initializer() == null ? new byte[0] : wire.encodeTask(ps.initializer(), "initializer");
    this.state = new DispatchState(ps.maxTasksPerWorker(), wire, this::onCancel);
    this.lifecycle = new WorkerLifecycle(this);
    this.tasks = new TaskTable(wire, ps.chunkSize(), ps.maxTasksPerWorker());
    this.valueFiles = valueFilesFor(ps);
  }

  /**
   * The pool's value files, in {@code /dev/shm} when it is there (else the temporary directory). A
   * pool's start first sweeps the files of owners no longer alive: a caller killed with its workers
   * ({@code kill -9} of the process group) leaves files nobody else would delete.
   */
  private static ValueFiles valueFilesFor(ProcessSettings ps) {
    if (ps.valueFileThreshold() == 0) {
      return ValueFiles.off();
    }
    SharedFiles.sweepDeadOwners();
    return ValueFiles.of(SharedFiles.directoryFor(0), ps.valueFileThreshold(), null);
  }

  /** Starts the workers and returns once all of them have answered their handshake. */
  public static ProcessBackend start(ProcessSettings ps, PoolContext context) {
    ProcessBackend pool = new ProcessBackend(ps, context);
    pool.lifecycle.startAll();
    return pool;
  }

  // ---- tasks and dispatch ----

  @Override
  public BackendKind kind() {
    return BackendKind.WORKER_PROCESSES;
  }

  @Override
  public int parallelism() {
    return context.parallelism();
  }

  /** Encodes the task (refusing one that cannot travel), or finds the entry of an equal one. */
  @Override
  public TaskEntry prepare(Task<Object, Object> task) {
    return tasks.entryFor(task);
  }

  @Override
  public int chunkSize(TaskEntry task, long batchSize) {
    lastEntry = task;
    return task.chunkSize(batchSize, parallelism());
  }

  @Override
  public int lastChunkSize() {
    TaskEntry e = lastEntry;
    return e == null ? 1 : e.chunkSize();
  }

  @Override
  public int lazyWindow() {
    return 2 * parallelism() + 2;
  }

  @Override
  public int eagerWindow() {
    return lazyWindow(); // chunks are sized as results come in, so they must not all be cut up front
  }

  @Override
  public void dispatch(TaskEntry task, List<? extends Job> jobs) {
    List<Job> sendable = new ArrayList<>(jobs);
    EncodedValues encoded;
    try {
      encoded = wire.encodeInputs(sendable);
    } catch (IOException | RuntimeException e) {
      sendable = wire.failUnencodable(jobs);
      if (sendable.isEmpty()) {
        return;
      }
      encoded = wire.encodeInputsAgain(sendable);
    }
    enqueue(new Batch(0, task, sendable, encoded), false);
  }

  /** Queues a batch (at the front for work recovered from a dead worker) and starts what can start. */
  void enqueue(Batch batch, boolean front) {
    switch (state.offer(batch, front)) {
      case QUEUED -> pump();
      case BROKEN -> failAll(batch.jobs, state.brokenCause());
      case STOPPED -> { // no worker will take it: a batch still being cut when terminate() came
        for (Job j : batch.jobs) {
          j.fail(new IllegalStateException("pool '" + context.poolName() + "' is closed; the task was not run"));
        }
      }
    }
  }

  Batch newBatch(TaskEntry task, List<Job> jobs) {
    return new Batch(0, task, jobs, wire.encodeInputsAgain(jobs));
  }

  /** Pairs idle workers with pending batches, then sends them (outside the lock). */
  void pump() {
    for (Batch b : state.assign()) {
      send(b);
    }
  }

  private void send(Batch b) {
    WorkerHandle w = b.worker;
    RunBatch message = Wire.runBatch(b, w.learn(b.task.id));
    b.sentNanos = System.nanoTime();
    b.lastProgressNanos = b.sentNanos;
    try {
      w.sendBatch(message);
    } catch (IOException e) {
      // The worker is dead or dying; its reader reports the death and Recovery re-sends the batch.
      w.forget(b.task.id);
      return;
    }
    if (ps.common().taskTimeout() != null) {
      recovery.watchDeadline(b);
    }
  }

  private void onCancel(Batch b) {
    WorkerHandle w = state.condemnIfUnwanted(b);
    if (w != null) {
      w.kill(WorkerHandle.KILLED_FOR_CANCEL);
    }
  }

  // ---- frames from workers (on each worker's reader thread) ----

  void onMessage(WorkerHandle w, Message.ToParent m) throws IOException {
    switch (m) {
      case Hello h -> onHello(w);
      case Results r -> onResults(w, r);
      case Fatal fatal -> {
        w.fatalIndex = fatal.index();
        w.fatal = wire.decodeFailure(fatal.failure());
      }
      case InitFailed i -> {
        w.initHung = i.hung();
        w.initFailure = wire.decodeFailure(i.failure());
      }
      case Heartbeat beat -> {
        // Its time was noted as its bytes arrived (WorkerHandle.lastHeardNanos); nothing else to do.
      }
    }
  }

  private void onHello(WorkerHandle w) {
    w.answered = true;
    if (WorkerStartedEvent.enabled()) {
      WorkerStartedEvent e = new WorkerStartedEvent();
      e.pool = context.poolName();
      e.worker = w.name;
      e.pid = w.pid();
      e.handshake = System.nanoTime() - w.startedNanos;
      e.commit();
    }
    state.ready(w);
    pump();
  }

  private void onResults(WorkerHandle w, Results r) throws IOException {
    w.batchRead(); // any results say the worker has read its batch, and the files that came with it
    Batch b = state.currentBatch(w);
    if (b == null || b.id != r.batchId()) {
      throw new Frame.ProtocolException("results for batch " + r.batchId() + " which " + w + " is not running");
    }
    int from = r.from();
    int n = r.values().count();
    if (from != b.received || n > b.jobs.size() - from || r.last() != (from + n == b.jobs.size())) {
      throw new Frame.ProtocolException("results " + from + ".." + (from + n) + (r.last() ? " (last)" : "") + " from "
          + w + " do not fit batch " + b.id + ": " + b.received + " of its " + b.jobs.size() + " results came before");
    }
    Object[] values = wire.decodeResults(r.values());
    // The worker's own time is for the plan (chunks are sized on the round trip). It is added before
    // completing: whoever sees the result may ask for the plan at once.
    if (r.last() && r.wallNanos() > 0) {
      context.recordTasks(b.jobs.size(), r.wallNanos(), r.cpuNanos());
    }
    if (r.last()) {
      // The worker is idle from here: give it its next batch before completing this one's jobs (for a
      // chunk of thousands that takes about as long as the worker's run), not after. The batch is no
      // longer its worker's, so neither a cancel nor the worker's death touches these jobs any more.
      progressed(b, from + values.length);
      if (!b.taste && !b.jobs.isEmpty()) { // a first taste times the worker's warm-up more than the task
        b.task.record(b.jobs.size(), b.lastProgressNanos - b.sentNanos);
      }
      if (ChunkEvent.enabled()) {
        ChunkEvent e = new ChunkEvent();
        e.pool = context.poolName();
        e.pid = w.pid();
        e.tasks = b.jobs.size();
        e.wall = r.wallNanos() > 0 ? r.wallNanos() : -1;
        e.cpu = r.wallNanos() > 0 ? r.cpuNanos() : -1;
        e.roundTrip = b.lastProgressNanos - b.sentNanos;
        e.commit();
      }
      batchDone(w, b);
    }
    for (int i = 0; i < values.length; i++) {
      Job job = b.jobs.get(from + i);
      boolean wake = i == values.length - 1; // wake a waiting caller once per frame, not once per result
      if (values[i] instanceof RemoteFailure rf) {
        job.fail(wire.toThrowable(rf), wake);
      } else {
        job.complete(values[i], wake);
      }
    }
    if (!r.last()) {
      progressed(b, from + values.length);
    }
  }

  private static void progressed(Batch b, int received) {
    b.received = received;
    b.lastProgressNanos = System.nanoTime();
    b.started = true;
  }

  private void batchDone(WorkerHandle w, Batch b) {
    if (state.finished(w, b)) {
      retire(w, "maxTasksPerWorker");
      lifecycle.spawnIfNeeded();
    }
    pump();
  }

  /** Asks the worker to exit; {@code because} names why, for its JFR event. */
  void retire(WorkerHandle w, String because) {
    w.retiredBecause = because;
    try {
      w.send(new Shutdown());
    } catch (IOException e) {
      w.kill("it could not be asked to exit");
    }
  }

  /** A worker's stdout ended: it died, exited or was killed. Runs on its reader thread. */
  void onDeath(WorkerHandle w) {
    int exitCode = w.awaitExit(EXIT_GRACE_MILLIS);
    w.deleteValueFiles();
    List<String> tail = w.stderrTail();
    emitEnd(w, exitCode, tail);
    Batch b = state.died(w, () -> recovery.startFailure(w, exitCode, tail));
    if (b != null) {
      recovery.recover(w, b, exitCode, tail);
    }
    Throwable broken = state.brokenCause();
    if (broken != null) {
      for (Batch pending : state.drainPending()) {
        failAll(pending.jobs, broken);
      }
    } else {
      lifecycle.spawnIfNeeded();
    }
    pump();
  }

  /** The worker's end as a JFR event: a retirement if the pool asked it to exit and did not kill it, else a death. */
  private void emitEnd(WorkerHandle w, int exitCode, List<String> tail) {
    if (w.retiredBecause != null && w.killedBecause == null) {
      if (WorkerRetiredEvent.enabled()) {
        WorkerRetiredEvent e = new WorkerRetiredEvent();
        e.pool = context.poolName();
        e.worker = w.name;
        e.pid = w.pid();
        e.exitCode = exitCode;
        e.reason = w.retiredBecause;
        e.commit();
      }
    } else if (WorkerDiedEvent.enabled()) {
      WorkerDiedEvent e = new WorkerDiedEvent();
      e.pool = context.poolName();
      e.worker = w.name;
      e.pid = w.pid();
      e.exitCode = exitCode;
      e.cause = w.deathCause();
      e.reason = w.killedBecause != null ? w.killedBecause
          : w.fatal != null ? "it reported " + w.fatal.className()
          : tail.isEmpty() ? null : tail.get(tail.size() - 1);
      e.commit();
    }
  }

  static void failAll(List<Job> jobs, Throwable cause) {
    for (Job j : jobs) {
      j.fail(new JparException("the process pool is broken: " + cause.getMessage(), cause));
    }
  }

  // ---- lifecycle: see WorkerLifecycle ----

  @Override
  public void close() {
    lifecycle.stopGracefully();
  }

  @Override
  public void terminate() {
    lifecycle.stopNow();
  }
}
