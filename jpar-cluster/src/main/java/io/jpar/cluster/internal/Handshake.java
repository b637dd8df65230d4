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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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

  /** A member that passed: its Hazelcast identity, its own name, and how many chunks it runs at once. */
  record Welcome(Member member, String name, int workers) {}

  private final IExecutorService executor;
  private final Executor replies;
  private final Secret secret;
  private final String clusterName;
  private final Consumer<Welcome> welcome;

  Handshake(IExecutorService executor, Executor replies, Secret secret, String clusterName, Consumer<Welcome> welcome) {
    this.executor = executor;
    this.replies = replies;
    this.secret = secret;
    this.clusterName = clusterName;
    this.welcome = welcome;
  }

  /**
   * Greets every member and waits up to {@code wait} for their answers. A refusal (a wrong secret) fails
   * the pool; a member that does not answer in time (hung, say) is left behind — its greeting may still
   * come, and it is welcomed then.
   *
   * @return why each member left behind was
   * @throws IllegalStateException naming the refusals, if any member refused
   */
  List<String> greetAll(Collection<Member> members, Duration wait) {
    Map<Member, CompletableFuture<String>> greetings = new LinkedHashMap<>();
    for (Member m : members) {
      greetings.put(m, greet(m));
    }
    long deadline = System.nanoTime() + wait.toNanos();
    List<String> refusals = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    for (Map.Entry<Member, CompletableFuture<String>> g : greetings.entrySet()) {
      try {
        String refusal = g.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (refusal != null) {
          (refusal.contains(REFUSED) ? refusals : silent).add(refusal);
        }
      } catch (java.util.concurrent.TimeoutException e) {
        silent.add("member " + g.getKey().getAddress() + " did not answer the handshake within " + wait.toSeconds() + " s");
      } catch (java.util.concurrent.ExecutionException e) {
        silent.add("member " + g.getKey().getAddress() + " could not be greeted: " + e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while greeting the members of cluster '" + clusterName + "'", e);
      }
    }
    if (!refusals.isEmpty()) {
      throw new IllegalStateException("cluster '" + clusterName + "' refused this pool: " + String.join("; ", refusals));
    }
    return silent;
  }

  /** Greets a member; completes with null when it was welcomed, else with why not. */
  CompletableFuture<String> greet(Member member) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    CompletableFuture<String> done = new CompletableFuture<>();
    try {
      ClusterBackend.stage(executor.submitToMember(new HelloCall(secret, nonce), member)).whenCompleteAsync(
          (bytes, error) -> {
            String refusal = error != null ? "member " + member.getAddress() + " did not answer: " + error
                : answer(member, nonce, bytes);
            if (refusal != null) {
              LOG.log(System.Logger.Level.WARNING, refusal);
            }
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
