package io.jpar.cluster.internal;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.jpar.BackendKind;
import io.jpar.Task;
import io.jpar.spi.Backend;
import io.jpar.spi.BackendContext;
import io.jpar.spi.Job;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The pool's side of the cluster: a Hazelcast client that admits each member once it passed the
 * shared-secret {@link Handshake}, then sends it chunks as {@link ChunkCall}s, at most {@code workers + 1}
 * at a time.
 *
 * <p>Delivery is ours to guarantee, not Hazelcast's (its executor loses the work of a member that
 * dies): a chunk whose member left, dropped its connection or stopped answering heartbeats goes back to
 * the front of the queue and runs on another member. Each job is completed once ({@link Job} ignores a
 * second completion), so results are delivered exactly once and in order; a task may run more than
 * once (at-least-once execution). A job lost with {@value #MAX_LOST_RUNS} members fails.
 *
 * <p>Lock discipline: {@code lock} guards the members, the queue and the lifecycle flags; Hazelcast
 * calls, job completions and decoding happen outside it. Lifecycle: RUNNING -> STOPPING ({@code close}:
 * queued work still runs) -> TERMINATED ({@code terminate}: queued work cancelled, running chunks
 * cancelled on their members).
 */
public final class ClusterBackend implements Backend<ClusterTask> {
  static final int MAX_LOST_RUNS = 3;
  private static final System.Logger LOG = System.getLogger("io.jpar.cluster");
  /**
   * Hazelcast's client logs a dozen INFO lines per connect and close; a pool is made often, so unless the
   * application configured this logger itself, only warnings are shown. Held here so the level sticks.
   */
  private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

  static {
    if (HAZELCAST_LOG.getLevel() == null) {
      HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
    }
  }

  private final BackendContext context;
  private final Secret secret;
  private final String clusterName;
  private final Duration connectTimeout;
  private final Duration hangTimeout;
  private final long timeoutNanos;
  private final int fixedChunk;
  private final HazelcastInstance client;
  private final IExecutorService executor;
  /** Decodes replies and completes jobs: never on Hazelcast's own threads. */
  private final ExecutorService replies;
  private final ScheduledExecutorService timer;
  private final Handshake handshake;

  private final Object lock = new Object();
  private final Map<UUID, Slot> slots = new LinkedHashMap<>();
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private boolean stopping;
  private boolean terminated;
  private ScheduledFuture<?> noMembers;
  private volatile int parallelism;
  private volatile ClusterTask lastTask;

  /** One greeted member and the chunks it has now. */
  private record Slot(UUID id, Member member, String name, int workers, Set<Chunk> running) {
    boolean hasRoom() {
      return running.size() < workers + 1;
    }
  }

  /** One chunk of one batch, on its way to (or at) a member. */
  private final class Chunk {
    final ClusterTask task;
    final List<Job> jobs;
    final ChunkCall call;
    Slot slot; // guarded by lock
    boolean abandoned; // guarded by lock: re-queued; a late reply is ignored
    volatile Future<byte[]> future;
    long sentNanos;

    Chunk(ClusterTask task, List<Job> jobs, ChunkCall call) {
      this.task = task;
      this.jobs = jobs;
      this.call = call;
    }

    boolean allDone() {
      return jobs.stream().allMatch(Job::isDone);
    }
  }

  public ClusterBackend(BackendContext context, List<String> members, String clusterName, Secret secret,
      Duration connectTimeout, Duration hangTimeout, int fixedChunk) {
    this.context = context;
    this.fixedChunk = fixedChunk;
    this.secret = secret;
    this.clusterName = clusterName;
    this.connectTimeout = connectTimeout;
    this.hangTimeout = hangTimeout;
    this.timeoutNanos = context.taskTimeout().map(Duration::toNanos).orElse(0L);
    ClientConfig config = HazelcastConfigs.client(clusterName, context.poolName() + "-" + UUID.randomUUID(),
        members, connectTimeout, hangTimeout);
    try {
      this.client = HazelcastClient.newHazelcastClient(config);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("no member of cluster '" + clusterName + "' answered at " + members
          + " within " + connectTimeout.toSeconds() + " s; start members there (`jpar worker --port PORT"
          + " --cluster-name " + clusterName + "`) or check the addresses and the cluster name", e);
    }
    this.executor = client.getExecutorService(HazelcastConfigs.EXECUTOR);
    this.replies = Executors.newFixedThreadPool(2, daemon(context.poolName() + "-cluster-reply"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon(context.poolName() + "-cluster-timer"));
    this.handshake = new Handshake(executor, replies, timer, () -> client.getCluster().getMembers(), secret, clusterName,
        w -> admit(new Slot(w.member().getUuid(), w.member(), w.name(), w.workers(), new LinkedHashSet<>())));
    try {
      greetInitialMembers();
    } catch (RuntimeException e) {
      shutDown();
      throw e;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private void greetInitialMembers() {
    client.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        handshake.greetJoined(event.getMember());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        lost(event.getMember().getUuid(), "it left the cluster");
      }
    });
    List<String> silent = handshake.greetAll(Duration.ofNanos(Math.max(5_000_000_000L, hangTimeout.toNanos())));
    if (parallelism == 0) {
      throw new IllegalStateException("no member of cluster '" + clusterName + "' answered this pool's handshake: "
          + String.join("; ", silent));
    }
    silent.forEach(why -> LOG.log(System.Logger.Level.WARNING, why + "; going on without it for now"));
  }

  private void admit(Slot slot) {
    synchronized (lock) {
      if (terminated || slots.containsKey(slot.id())) {
        return;
      }
      slots.put(slot.id(), slot);
      parallelism = slots.values().stream().mapToInt(Slot::workers).sum();
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
    return Math.max(1, parallelism);
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
      return queue.size() + slots.values().stream().mapToInt(s -> s.running().size()).sum();
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
      job.onCancel(j -> cancelIfAllDone(chunk));
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
    synchronized (lock) {
      while (!terminated && !queue.isEmpty()) {
        Slot best = null;
        for (Slot s : slots.values()) {
          if (s.hasRoom() && (best == null || room(s) > room(best))) {
            best = s;
          }
        }
        if (best == null) {
          break;
        }
        Chunk c = queue.pollFirst();
        if (c.allDone()) {
          continue;
        }
        c.slot = best;
        best.running().add(c);
        send.add(c);
      }
      if (!terminated && !queue.isEmpty() && slots.isEmpty() && noMembers == null) {
        noMembers = timer.schedule(this::failForWantOfMembers, connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    for (Chunk c : send) {
      send(c);
    }
  }

  private static double room(Slot s) {
    return (s.workers() + 1 - s.running().size()) / (double) (s.workers() + 1);
  }

  private void send(Chunk c) {
    Slot slot;
    synchronized (lock) {
      slot = c.slot;
    }
    c.sentNanos = System.nanoTime();
    try {
      Future<byte[]> f = executor.submitToMember(c.call, slot.member());
      c.future = f;
      stage(f).whenCompleteAsync((bytes, error) -> replied(c, slot, bytes, error), replies);
    } catch (RuntimeException e) {
      replies.execute(() -> replied(c, slot, null, e));
    }
  }

  @SuppressWarnings("unchecked")
  static CompletionStage<byte[]> stage(Future<?> f) {
    if (f instanceof CompletionStage<?> s) {
      return (CompletionStage<byte[]>) s;
    }
    throw new IllegalStateException("this Hazelcast version's executor futures are not CompletionStages");
  }

  private void replied(Chunk c, Slot slot, byte[] bytes, Throwable error) {
    try {
      onReply(c, slot, bytes, error);
    } catch (RuntimeException | Error e) {
      // A bug here must fail the chunk's jobs, not leave their callers waiting.
      LOG.log(System.Logger.Level.ERROR, "handling a reply from " + slot.name() + " failed", e);
      failAll(c, new IllegalStateException("handling the reply of cluster member " + slot.name() + " failed: " + e, e));
    }
  }

  private void onReply(Chunk c, Slot slot, byte[] bytes, Throwable error) {
    long roundTrip = System.nanoTime() - c.sentNanos;
    boolean abandoned;
    synchronized (lock) {
      slot.running().remove(c);
      abandoned = c.abandoned;
      lock.notifyAll();
    }
    if (error != null && abandoned) {
      // The member was given up on and the chunk re-queued already; only a result would still count.
      pump();
      return;
    }
    if (error != null) {
      Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof CancellationException || isTerminated()) {
        c.jobs.forEach(Job::cancel);
      } else if (memberLost(cause)) {
        lost(slot.id(), "its connection failed: " + cause);
        requeue(List.of(c), slot.name() + " (" + cause + ")");
        regreetLater(slot.member());
      } else {
        failAll(c, new IllegalStateException("cluster member " + slot.name() + " could not run the chunk: " + cause,
            cause));
      }
    } else {
      handle(c, slot, bytes, roundTrip);
    }
    pump();
  }

  private void handle(Chunk c, Slot slot, byte[] bytes, long roundTrip) {
    Reply reply;
    try {
      reply = Reply.decode(bytes);
    } catch (IOException e) {
      failAll(c, new IllegalStateException("cluster member " + slot.name() + " answered with bytes that are not a"
          + " reply: " + e, e));
      return;
    }
    switch (reply) {
      case Reply.Results r -> complete(c, r, roundTrip);
      case Reply.MissingClass m -> failAll(c, new IllegalStateException("class " + m.className()
          + " is not on the class path of cluster member " + m.member() + "; start that member with a class path"
          + " holding it (jpar worker --classpath JAR...)"));
      case Reply.Refused r -> failAll(c, new SecurityException("cluster member " + r.member()
          + " refused the chunk: " + r.reason() + " (it logged the refusal)"));
      case Reply.Failed f when f.elsewhere() && !isTerminated() -> requeue(List.of(c), f.member() + " (" + f.message() + ")");
      case Reply.Failed f -> failAll(c, new IllegalStateException("cluster member " + f.member() + ": " + f.message()));
      case Reply.Hello h -> failAll(c, new IllegalStateException("cluster member " + h.member()
          + " answered a chunk with a handshake"));
    }
  }

  private void complete(Chunk c, Reply.Results r, long roundTrip) {
    Outcomes outcomes;
    try {
      outcomes = (Outcomes) Wire.deserialize(r.outcomes(), c.task.loader());
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      failAll(c, new IllegalStateException("the results from cluster member " + r.member()
          + " could not be decoded here: " + e, e));
      return;
    }
    if (outcomes.size() != c.jobs.size()) {
      failAll(c, new IllegalStateException("cluster member " + r.member() + " returned " + outcomes.size()
          + " results for " + c.jobs.size() + " inputs"));
      return;
    }
    c.task.record(c.jobs.size(), roundTrip);
    context.recordTasks(c.jobs.size(), r.taskWallNanos(), r.taskCpuNanos());
    int last = c.jobs.size() - 1;
    for (int i = 0; i <= last; i++) {
      Object value = outcomes.values()[i];
      if (outcomes.failed()[i]) {
        c.jobs.get(i).fail(value instanceof Throwable t ? t : new IllegalStateException(String.valueOf(value)), i == last);
      } else {
        c.jobs.get(i).complete(value, i == last);
      }
    }
  }

  private static boolean memberLost(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof MemberLeftException || e instanceof TargetNotMemberException
          || e instanceof TargetDisconnectedException || e instanceof OperationTimeoutException
          || e instanceof HazelcastInstanceNotActiveException || e instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** A member is gone (left, disconnected, silent past the hang timeout): its chunks run elsewhere. */
  private void lost(UUID member, String why) {
    List<Chunk> orphans;
    String name;
    synchronized (lock) {
      Slot slot = slots.remove(member);
      if (slot == null) {
        return;
      }
      name = slot.name();
      parallelism = slots.values().stream().mapToInt(Slot::workers).sum();
      orphans = new ArrayList<>(slot.running());
      slot.running().clear();
      orphans.forEach(c -> c.abandoned = true);
      lock.notifyAll();
    }
    LOG.log(System.Logger.Level.WARNING, "cluster member " + name + " is lost (" + why + "); "
        + orphans.size() + " chunk(s) will run on other members");
    requeue(orphans, name + " (" + why + ")");
    pump();
  }

  /**
   * A member whose connection failed may still be in the cluster (a pause longer than the hang timeout,
   * a network blip): greet it again once the client could have reconnected, so it is not lost for good.
   * A member still hung does not answer, and is dropped by the cluster meanwhile.
   */
  private void regreetLater(Member member) {
    try {
      timer.schedule(() -> {
        if (!isTerminated() && client.getCluster().getMembers().contains(member)) {
          handshake.greetJoined(member);
        }
      }, 2, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the pool is shutting down
    }
  }

  /** Puts the unfinished jobs of {@code chunks} back at the front of the queue, counting a lost run each. */
  private void requeue(List<Chunk> chunks, String where) {
    List<Job> exhausted = new ArrayList<>();
    synchronized (lock) {
      for (int i = chunks.size() - 1; i >= 0; i--) {
        Chunk c = chunks.get(i);
        boolean again = false;
        for (Job j : c.jobs) {
          if (!j.isDone()) {
            if (j.countLostRun() >= MAX_LOST_RUNS) {
              exhausted.add(j);
            } else {
              again = true;
            }
          }
        }
        // The same call again (its jobs done meanwhile are completed a second time, which is a no-op).
        if (again) {
          queue.addFirst(new Chunk(c.task, c.jobs, c.call));
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
      if (!slots.isEmpty()) {
        return;
      }
      failed = new ArrayList<>(queue);
      queue.clear();
      lock.notifyAll();
    }
    for (Chunk c : failed) {
      failAll(c, new IllegalStateException("no member of cluster '" + clusterName + "' was left to run the task for "
          + connectTimeout.toSeconds() + " s; start members (`jpar worker`) and run the batch again"));
    }
  }

  private static void failAll(Chunk c, Throwable error) {
    int last = c.jobs.size() - 1;
    for (int i = 0; i <= last; i++) {
      c.jobs.get(i).fail(error, i == last);
    }
  }

  private void cancelIfAllDone(Chunk c) {
    Future<byte[]> f = c.future;
    if (f != null && c.allDone()) {
      f.cancel(true);
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
      while (!terminated && (!queue.isEmpty() || slots.values().stream().anyMatch(s -> !s.running().isEmpty()))) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    shutDown();
  }

  @Override
  public void terminate() {
    List<Chunk> queued;
    List<Chunk> running = new ArrayList<>();
    synchronized (lock) {
      stopping = true;
      terminated = true;
      queued = new ArrayList<>(queue);
      queue.clear();
      slots.values().forEach(s -> {
        running.addAll(s.running());
        s.running().clear();
      });
      lock.notifyAll();
    }
    queued.forEach(c -> c.jobs.forEach(Job::cancel));
    for (Chunk c : running) {
      c.jobs.forEach(Job::cancel);
      Future<byte[]> f = c.future;
      if (f != null) {
        try {
          f.cancel(true); // the member interrupts the chunk, which cancels its tasks there
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, "cancelling a chunk failed", e);
        }
      }
    }
    shutDown();
  }

  private void shutDown() {
    try {
      client.shutdown();
    } finally {
      replies.shutdownNow();
      timer.shutdownNow();
    }
  }

  /** For tests and logs: the members this pool sends work to now. */
  public List<String> members() {
    synchronized (lock) {
      return slots.values().stream().map(Slot::name).toList();
    }
  }
}
