package io.jpar.cluster.internal;

import io.jpar.BackendKind;
import io.jpar.Task;
import io.jpar.spi.Backend;
import io.jpar.spi.BackendContext;
import io.jpar.spi.Job;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The pool's side of the cluster: it admits each member once it passed the shared-secret {@link Handshake}
 * (through its {@link ClusterConnection}; the admitted are {@link Membership}'s), then sends it chunks as
 * {@link ChunkCall}s, at most {@code workers + 1} at a time.
 *
 * <p>Delivery is ours to guarantee, not Hazelcast's (its executor loses the work of a member that
 * dies): a chunk whose member left, dropped its connection or stopped answering heartbeats goes back to
 * the front of the queue and runs on another member. Each job is completed once ({@link Job} ignores a
 * second completion), so results are delivered exactly once and in order; a task may run more than
 * once (at-least-once execution). A job lost with {@value #MAX_LOST_RUNS} members fails.
 *
 * <p>Lock discipline: {@code lock} guards the queue, the lifecycle flags and the no-members timer; the
 * admitted members and the chunks each runs are {@link Membership}'s, under its own lock, which may be
 * taken while holding {@code lock} (never the other way round). Where a change of members must be seen
 * together with the queue (admitting against terminating, placing chunks, counting what is busy, waiting
 * for work to drain), {@code Membership} is called under {@code lock}; {@code lock} is notified whenever
 * a chunk stops running. Hazelcast calls, job completions and decoding happen outside both locks.
 * Lifecycle: RUNNING -> STOPPING ({@code close}: queued work still runs) -> TERMINATED ({@code terminate}:
 * queued work cancelled, running chunks cancelled on their members).
 */
public final class ClusterBackend implements Backend<ClusterTask> {
  static final int MAX_LOST_RUNS = 3;
  private static final System.Logger LOG = System.getLogger("io.jpar.cluster");

  private final BackendContext context;
  private final Secret secret;
  private final String clusterName;
  private final Duration connectTimeout;
  private final long timeoutNanos;
  private final int fixedChunk;
  private final ClusterConnection connection;

  private final Membership<Chunk> membership = new Membership<>();
  private final Object lock = new Object();
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>(); // guarded by lock
  private boolean stopping; // guarded by lock
  private boolean terminated; // guarded by lock
  private ScheduledFuture<?> noMembers; // guarded by lock
  /**
   * Replies and member losses being handled now (guarded by lock). Between taking a chunk off its member
   * and putting it back in the queue (a lost member, a member that asks for it to run elsewhere) a chunk
   * is neither running nor queued: close() waits for these too, or it could stop the client with work
   * about to be sent again, and that work's callers would wait for ever.
   */
  private int inHand;
  private volatile ClusterTask lastTask;

  public ClusterBackend(BackendContext context, List<String> members, String clusterName, Secret secret,
      Duration connectTimeout, Duration hangTimeout, int fixedChunk) {
    this.context = context;
    this.fixedChunk = fixedChunk;
    this.secret = secret;
    this.clusterName = clusterName;
    this.connectTimeout = connectTimeout;
    this.timeoutNanos = context.taskTimeout().map(Duration::toNanos).orElse(0L);
    this.connection = new ClusterConnection(context.poolName(), members, clusterName, secret, connectTimeout,
        hangTimeout, this::admit, this::lost, this::isTerminated);
    try {
      greetInitialMembers();
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private void greetInitialMembers() {
    List<String> silent = connection.greetAll();
    if (membership.parallelism() == 0) {
      throw new IllegalStateException("no member of cluster '" + clusterName + "' answered this pool's handshake: "
          + String.join("; ", silent));
    }
    silent.forEach(why -> LOG.log(System.Logger.Level.WARNING, why + "; going on without it for now"));
  }

  private void admit(Handshake.Welcome welcome) {
    Membership.Slot<Chunk> slot;
    synchronized (lock) {
      slot = terminated ? null : membership.admit(welcome);
      if (slot == null) {
        return;
      }
      if (noMembers != null) {
        noMembers.cancel(false);
        noMembers = null;
      }
    }
    LOG.log(System.Logger.Level.DEBUG, "cluster member " + slot.name() + " joined pool " + context.poolName()
        + " (" + slot.workers() + " workers)");
    context.capacityGrew();
    pump();
  }

  @Override
  public BackendKind kind() {
    // Tasks run outside this JVM, in processes of their own; BackendKind has no cluster kind yet.
    return BackendKind.WORKER_PROCESSES;
  }

  @Override
  public int parallelism() {
    return Math.max(1, membership.parallelism());
  }

  @Override
  public ClusterTask prepare(Task<Object, Object> task) {
    return ClusterTask.of(task, fixedChunk);
  }

  @Override
  public int chunkSize(ClusterTask task, long batchSize) {
    lastTask = task;
    return task.chunkSize(batchSize, parallelism());
  }

  @Override
  public int lastChunkSize() {
    ClusterTask t = lastTask;
    return t == null ? 1 : t.chunkSize();
  }

  @Override
  public int lazyWindow() {
    return 2 * parallelism() + 2;
  }

  @Override
  public int eagerWindow() {
    return lazyWindow(); // chunks are sized as replies come in, so they must not all be cut up front
  }

  @Override
  public int busy() {
    synchronized (lock) {
      return queue.size() + membership.running();
    }
  }

  @Override
  public void dispatch(ClusterTask task, List<? extends Job> jobs) {
    List<Job> sendable = new ArrayList<>(jobs.size());
    List<Object> inputs = new ArrayList<>(jobs.size());
    byte[] encoded = Wire.encodeInputs(jobs, sendable, inputs);
    if (sendable.isEmpty()) {
      return;
    }
    Chunk chunk = new Chunk(task, sendable, new ChunkCall(secret, task.bytes(), encoded, timeoutNanos));
    for (Job job : sendable) {
      job.onCancel(j -> chunk.cancelIfAllDone());
    }
    synchronized (lock) {
      if (stopping) {
        sendable.forEach(j -> j.fail(new IllegalStateException("the pool is closed; the task was not run")));
        return;
      }
      queue.addLast(chunk);
    }
    pump();
  }

  /** Hands queued chunks to members with room, most room first; sends outside the lock. */
  private void pump() {
    List<Chunk> send = new ArrayList<>();
    List<Membership.Slot<Chunk>> to = new ArrayList<>();
    synchronized (lock) {
      while (!terminated && !queue.isEmpty() && membership.hasRoom()) {
        Chunk c = queue.pollFirst();
        if (c.allDone()) {
          continue;
        }
        Membership.Slot<Chunk> slot = membership.place(c);
        if (slot == null) { // the room went (a member lost) since hasRoom: the chunk waits for the next pump
          queue.addFirst(c);
          break;
        }
        send.add(c);
        to.add(slot);
      }
      if (!terminated && !queue.isEmpty() && membership.isEmpty() && noMembers == null) {
        noMembers = connection.timer.schedule(this::failForWantOfMembers, connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    for (int i = 0; i < send.size(); i++) {
      send(send.get(i), to.get(i));
    }
  }

  private void send(Chunk c, Membership.Slot<Chunk> slot) {
    c.sentNanos = System.nanoTime();
    try {
      Future<byte[]> f = connection.executor.submitToMember(c.call, slot.member());
      c.future = f;
      ClusterConnection.stage(f).whenCompleteAsync((bytes, error) -> replied(c, slot, bytes, error), connection.replies);
    } catch (RuntimeException e) {
      connection.replies.execute(() -> replied(c, slot, null, e));
    }
  }

  private void replied(Chunk c, Membership.Slot<Chunk> slot, byte[] bytes, Throwable error) {
    take();
    try {
      onReply(c, slot, bytes, error);
    } catch (RuntimeException | Error e) {
      // A bug here must fail the chunk's jobs, not leave their callers waiting.
      LOG.log(System.Logger.Level.ERROR, "handling a reply from " + slot.name() + " failed", e);
      c.failAll(new IllegalStateException("handling the reply of cluster member " + slot.name() + " failed: " + e, e));
    } finally {
      putDown();
    }
  }

  private void take() {
    synchronized (lock) {
      inHand++;
    }
  }

  private void putDown() {
    synchronized (lock) {
      inHand--;
      lock.notifyAll(); // close() waits for work in hand
    }
  }

  private void onReply(Chunk c, Membership.Slot<Chunk> slot, byte[] bytes, Throwable error) {
    long roundTrip = System.nanoTime() - c.sentNanos;
    boolean abandoned = membership.finished(slot, c); // (close() is woken when this reply is put down)
    if (error != null && abandoned) {
      // The member was given up on and the chunk re-queued already; only a result would still count.
      pump();
      return;
    }
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof CancellationException || isTerminated()) {
        c.jobs.forEach(Job::cancel);
      } else if (ClusterConnection.memberLost(cause)) {
        lost(slot.id(), "its connection failed: " + cause);
        requeue(List.of(c), slot.name() + " (" + cause + ")");
        connection.regreetLater(slot.member());
      } else {
        c.failAll(new IllegalStateException("cluster member " + slot.name() + " could not run the chunk: " + cause,
            cause));
      }
    } else {
      String elsewhere = c.settle(bytes, slot.name(), roundTrip, context, this::isTerminated);
      if (elsewhere != null) {
        requeue(List.of(c), elsewhere);
      }
    }
    pump();
  }

  /** A member is gone (left, disconnected, silent past the hang timeout): its chunks run elsewhere. */
  private void lost(UUID member, String why) {
    take();
    try {
      Membership.Lost<Chunk> gone = membership.lost(member);
      if (gone == null) {
        return; // lost already (or never admitted): its chunks were handed back then
      }
      LOG.log(System.Logger.Level.WARNING, "cluster member " + gone.name() + " is lost (" + why + "); "
          + gone.orphans().size() + " chunk(s) will run on other members");
      requeue(gone.orphans(), gone.name() + " (" + why + ")");
      pump();
    } finally {
      putDown();
    }
  }

  /** Puts the unfinished jobs of {@code chunks} back at the front of the queue, counting a lost run each. */
  private void requeue(List<Chunk> chunks, String where) {
    List<Job> exhausted = new ArrayList<>();
    synchronized (lock) {
      for (int i = chunks.size() - 1; i >= 0; i--) {
        Chunk c = chunks.get(i);
        if (c.countLostRun(MAX_LOST_RUNS, exhausted)) {
          queue.addFirst(c.copy());
        }
      }
    }
    for (Job j : exhausted) {
      j.fail(new IllegalStateException("the task was lost with " + MAX_LOST_RUNS + " cluster members in a row,"
          + " the last " + where + "; not run again"));
    }
  }

  private void failForWantOfMembers() {
    List<Chunk> failed;
    synchronized (lock) {
      noMembers = null;
      if (!membership.isEmpty()) {
        return;
      }
      failed = new ArrayList<>(queue);
      queue.clear();
      lock.notifyAll();
    }
    for (Chunk c : failed) {
      c.failAll(new IllegalStateException("no member of cluster '" + clusterName + "' was left to run the task for "
          + connectTimeout.toSeconds() + " s; start members (`jpar worker`) and run the batch again"));
    }
  }

  private boolean isTerminated() {
    synchronized (lock) {
      return terminated;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      stopping = true;
      while (!terminated && (!queue.isEmpty() || membership.running() > 0 || inHand > 0)) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    connection.close();
  }

  @Override
  public void terminate() {
    List<Chunk> queued;
    List<Chunk> running;
    synchronized (lock) {
      stopping = true;
      terminated = true;
      queued = new ArrayList<>(queue);
      queue.clear();
      running = membership.takeRunning();
      lock.notifyAll();
    }
    queued.forEach(c -> c.jobs.forEach(Job::cancel));
    running.forEach(Chunk::cancel);
    connection.close();
  }

  /** For tests and logs: the members this pool sends work to now. */
  public List<String> members() {
    return membership.names();
  }
}
