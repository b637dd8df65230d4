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
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A cluster pool's connection to its cluster: the Hazelcast client, the threads replies are handled on,
 * a timer, and the members' comings and goings as the client sees them. Each member is greeted by the
 * {@link Handshake} when the pool is built, when it joins, and again after its connection failed; one that
 * passes is handed to {@code welcomed}, one that leaves the cluster to {@code left}. Which members are
 * admitted is not kept here but in {@link Membership}; this class holds no mutable state but its
 * client and threads, which {@link #close} stops. Thread-safe.
 */
final class ClusterConnection {
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

  final IExecutorService executor;
  /** Decodes replies and completes jobs: never on Hazelcast's own threads. */
  final ExecutorService replies;
  final ScheduledExecutorService timer;
  private final HazelcastInstance client;
  private final Handshake handshake;
  private final Duration hangTimeout;
  private final BiConsumer<UUID, String> left;
  private final BooleanSupplier terminated;

  /**
   * Connects; greets nobody yet ({@link #greetAll}).
   *
   * @param left told a member's id and why, when it leaves the cluster
   * @param terminated whether the pool was terminated: a member is not greeted again then
   * @throws IllegalStateException naming the addresses, if no member answered within {@code connectTimeout}
   */
  ClusterConnection(String poolName, List<String> members, String clusterName, Secret secret, Duration connectTimeout,
      Duration hangTimeout, Consumer<Handshake.Welcome> welcomed, BiConsumer<UUID, String> left,
      BooleanSupplier terminated) {
    this.hangTimeout = hangTimeout;
    this.left = left;
    this.terminated = terminated;
    ClientConfig config = HazelcastConfigs.client(clusterName, poolName + "-" + UUID.randomUUID(),
        members, connectTimeout, hangTimeout);
    try {
      this.client = HazelcastClient.newHazelcastClient(config);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("no member of cluster '" + clusterName + "' answered at " + members
          + " within " + connectTimeout.toSeconds() + " s; start members there (`jpar worker --port PORT"
          + " --cluster-name " + clusterName + "`) or check the addresses and the cluster name", e);
    }
    this.executor = client.getExecutorService(HazelcastConfigs.EXECUTOR);
    this.replies = Executors.newFixedThreadPool(2, daemon(poolName + "-cluster-reply"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon(poolName + "-cluster-timer"));
    this.handshake = new Handshake(executor, replies, timer, () -> client.getCluster().getMembers(), secret, clusterName,
        welcomed);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Follows the cluster from now on (members that join are greeted, members that leave reported) and
   * greets every member listed now, waiting up to max(5 s, the hang timeout) for their answers.
   *
   * @return why each member left behind was ({@link Handshake#greetAll})
   * @throws IllegalStateException naming the refusals, if any member refused
   */
  List<String> greetAll() {
    client.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        handshake.greetJoined(event.getMember());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        left.accept(event.getMember().getUuid(), "it left the cluster");
      }
    });
    return handshake.greetAll(Duration.ofNanos(Math.max(5_000_000_000L, hangTimeout.toNanos())));
  }

  /**
   * A member whose connection failed may still be in the cluster (a pause longer than the hang timeout,
   * a network blip): greet it again once the client could have reconnected, so it is not lost for good.
   * A member still hung does not answer, and is dropped by the cluster meanwhile.
   */
  void regreetLater(Member member) {
    try {
      timer.schedule(() -> {
        if (!terminated.getAsBoolean() && client.getCluster().getMembers().contains(member)) {
          handshake.greetJoined(member);
        }
      }, 2, TimeUnit.SECONDS);
    } catch (RejectedExecutionException closing) {
      // the pool is shutting down
    }
  }

  /** Whether {@code t} (a call's failure) says the member is gone or unreachable, rather than the call failed. */
  static boolean memberLost(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof MemberLeftException || e instanceof TargetNotMemberException
          || e instanceof TargetDisconnectedException || e instanceof OperationTimeoutException
          || e instanceof HazelcastInstanceNotActiveException || e instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  static CompletionStage<byte[]> stage(Future<?> f) {
    if (f instanceof CompletionStage<?> s) {
      return (CompletionStage<byte[]>) s;
    }
    throw new IllegalStateException("this Hazelcast version's executor futures are not CompletionStages");
  }

  /** Shuts the client down, then the reply threads and the timer (their pending work dropped). */
  void close() {
    try {
      client.shutdown();
    } finally {
      replies.shutdownNow();
      timer.shutdownNow();
    }
  }
}
