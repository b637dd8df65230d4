package io.jpar.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.IExecutorService;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The pool's half of the shared-secret handshake: a {@link HelloCall} with a fresh nonce to a member,
 * whose reply must prove it holds the secret too; a member that passes is handed to {@code welcome}
 * (the backend admits it), one that refuses or cannot prove it is not. Stateless between greetings, so
 * a member can be greeted again (after a dropped connection). Thread-safe.
 */
final class Handshake {
  private static final System.Logger LOG = System.getLogger("io.jpar.cluster");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String REFUSED = "refused the handshake";
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final int MAX_ATTEMPTS = 32;
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** A member that passed: its Hazelcast identity, its own name, and how many chunks it runs at once. */
  record Welcome(Member member, String name, int workers) {}

  private final IExecutorService executor;
  private final Executor replies;
  private final Secret secret;
  private final String clusterName;
  private final Consumer<Welcome> welcome;
  private final ScheduledExecutorService timer;
  private final Supplier<Collection<Member>> listed;

  /**
   * @param timer runs the retries of failed greetings; shut down, it ends them
   * @param listed the cluster's members as the client sees them now
   */
  Handshake(IExecutorService executor, Executor replies, ScheduledExecutorService timer, Supplier<Collection<Member>> listed,
      Secret secret, String clusterName, Consumer<Welcome> welcome) {
    this.executor = executor;
    this.replies = replies;
    this.timer = timer;
    this.listed = listed;
    this.secret = secret;
    this.clusterName = clusterName;
    this.welcome = welcome;
  }

  /**
   * Greets every member of the cluster and waits up to {@code wait} for their answers. The member list
   * is read again while waiting, because it can change under a pool being built (a member that was
   * stopped a moment ago is dropped by the others, one that comes back is split off and rejoins), and a
   * greeting sent to a member the client no longer lists fails at once: such a member is greeted again
   * if it is listed again, forgotten if not. A refusal (a wrong secret) fails the pool; a member that does
   * not answer in time (hung, say) is left behind — its greeting may still come, and it is welcomed then.
   *
   * @return why each member left behind was
   * @throws IllegalStateException naming the refusals, if any member refused
   */
  List<String> greetAll(Duration wait) {
    Map<UUID, Greeting> greetings = new LinkedHashMap<>();
    long deadline = System.nanoTime() + wait.toNanos();
    List<String> refusals = new ArrayList<>();
    while (true) {
      Collection<Member> members = listed.get();
      long now = System.nanoTime();
      // A failed send is worth waiting on only while nobody has been welcomed: with one member in, the
      // pool can start, and the listener greets the rest as they settle.
      boolean anyWelcomed = greetings.values().stream().anyMatch(Greeting::welcomed);
      boolean waiting = false;
      for (Member m : members) {
        Greeting g = greetings.get(m.getUuid());
        if (g == null || g.failed() && now - g.sentNanos >= RETRY_NANOS) {
          g = new Greeting(m, greet(m), now);
          greetings.put(m.getUuid(), g);
        }
        String refusal = g.outcome();
        if (refusal != null && refusal.contains(REFUSED)) {
          refusals.add(refusal);
        }
        waiting |= !g.result.isDone() || g.failed() && !anyWelcomed;
      }
      // A member no longer listed left (or was never this cluster's): nothing to wait for.
      greetings.keySet().retainAll(members.stream().map(Member::getUuid).toList());
      if (!refusals.isEmpty()) {
        throw new IllegalStateException("cluster '" + clusterName + "' refused this pool: " + String.join("; ", refusals));
      }
      if (!waiting || now >= deadline) {
        break;
      }
      sleep(Math.min(POLL_NANOS, deadline - now));
    }
    List<String> silent = new ArrayList<>();
    for (Greeting g : greetings.values()) {
      if (!g.result.isDone()) {
        silent.add("member " + g.member.getAddress() + " did not answer the handshake within " + wait.toSeconds() + " s");
      } else if (g.outcome() != null) {
        silent.add(g.outcome());
      }
    }
    return silent;
  }

  /** One greeting on its way; one that failed (not a refusal) is sent again while the member is listed. */
  private record Greeting(Member member, CompletableFuture<String> result, long sentNanos) {
    String outcome() {
      return result.getNow(null);
    }

    boolean failed() {
      String o = outcome();
      return o != null && !o.contains(REFUSED);
    }

    boolean welcomed() {
      return result.isDone() && outcome() == null;
    }
  }

  private void sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while greeting the members of cluster '" + clusterName + "'", e);
    }
  }

  /**
   * Greets a member that joined the cluster or came back to it. A send that fails at once (the client's
   * member list not caught up with the event that announced the member, a connection not made yet) is
   * tried again, backing off from a quarter second to two, while the member is listed — for about a
   * minute; a member that does not answer at all is hung, and the cluster drops it.
   */
  void greetJoined(Member member) {
    greetJoined(member, 0);
  }

  private void greetJoined(Member member, int attempt) {
    greet(member).thenAccept(outcome -> {
      if (outcome == null) {
        return;
      }
      boolean again = !outcome.contains(REFUSED) && attempt < MAX_ATTEMPTS && listed.get().contains(member);
      if (!again) {
        LOG.log(System.Logger.Level.WARNING, outcome);
        return;
      }
      LOG.log(System.Logger.Level.DEBUG, outcome + "; greeting it again");
      try {
        timer.schedule(() -> greetJoined(member, attempt + 1), Math.min(2000, 250L << Math.min(attempt, 3)),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // the pool is shutting down
      }
    });
  }

  /** Greets a member once; completes with null when it was welcomed, else with why not. */
  private CompletableFuture<String> greet(Member member) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    CompletableFuture<String> done = new CompletableFuture<>();
    try {
      ClusterConnection.stage(executor.submitToMember(new HelloCall(secret, nonce), member)).whenCompleteAsync(
          (bytes, error) -> {
            String refusal = error != null ? "member " + member.getAddress() + " did not answer: " + error
                : answer(member, nonce, bytes);
            done.complete(refusal);
          }, replies);
    } catch (RuntimeException e) {
      done.complete("member " + member.getAddress() + " could not be greeted: " + e);
    }
    return done;
  }

  private String answer(Member member, byte[] nonce, byte[] bytes) {
    Reply reply;
    try {
      reply = Reply.decode(bytes);
    } catch (IOException e) {
      return "member " + member.getAddress() + " answered the handshake with bytes that are not a reply: " + e;
    }
    return switch (reply) {
      case Reply.Hello h when secret.verifies(h.proof(), HelloCall.memberParts(nonce)) -> {
        welcome.accept(new Welcome(member, h.member(), h.workers()));
        yield null;
      }
      case Reply.Hello h -> "member " + h.member() + " does not know the shared secret (its proof does not verify)";
      case Reply.Refused r -> "member " + r.member() + " " + REFUSED + ": " + r.reason()
          + " (it logged the refusal); give the pool the secret the members were started with";
      default -> "member " + member.getAddress() + " answered the handshake with " + reply;
    };
  }
}
