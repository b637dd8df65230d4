package io.jpar.cluster;

import io.jpar.Pool;
import io.jpar.ProgressListener;
import io.jpar.cluster.internal.Addresses;
import io.jpar.cluster.internal.ClusterBackend;
import io.jpar.cluster.internal.Secret;
import io.jpar.spi.BackendFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Pool} whose tasks run on the members of a jpar cluster (started with {@code jpar worker}),
 * on Hazelcast: the same {@code map}, {@code imap} and {@code submit}, with the same order, exactly-once
 * delivery of each result, timeouts and progress, as every other pool. Chunks of inputs go to members
 * as they have room; when a member dies or hangs, its chunks run again on the others, so a task may run
 * more than once (at-least-once execution) but its result is delivered once. Members run only what a
 * pool holding the cluster's shared secret sends; trust the network anyway (no TLS).
 *
 * {@snippet :
 * try (Pool pool = ClusterPool.connect("10.0.0.5:5701,10.0.0.6:5701").secret(System.getenv("JPAR_CLUSTER_SECRET")).build()) {
 *   List<Frame> frames = pool.map(Renderer::render, frameNumbers);
 * }
 * }
 *
 * <p>Thread safety: a builder is meant for one thread; the pool it builds is thread-safe.
 *
 * @since 0.1
 */
public final class ClusterPool {
  /** The environment variable the shared secret is read from when {@link Builder#secret} is not called. */
  public static final String SECRET_VARIABLE = "JPAR_CLUSTER_SECRET";

  private ClusterPool() {}

  /**
   * Starts building a pool on the cluster some of whose members listen at {@code members}.
   *
   * @param members {@code HOST:PORT,HOST:PORT,...}: one live member is enough, the others are found
   * @return a builder
   * @throws IllegalArgumentException naming an address that is not {@code HOST:PORT}
   */
  public static Builder connect(String members) {
    return new Builder(Addresses.parse("members", members));
  }

  /**
   * The settings of a cluster pool; each may be set once.
   *
   * {@snippet :
   * Pool pool = ClusterPool.connect("127.0.0.1:5701").clusterName("render").secret(secret)
   *     .hangTimeout(Duration.ofSeconds(10)).taskTimeout(Duration.ofMinutes(5)).build();
   * }
   *
   * <p>Thread safety: meant for one thread.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final List<String> members;
    private String clusterName;
    private String secret;
    private Duration connectTimeout;
    private Duration hangTimeout;
    private Integer chunkSize;
    private String name;
    private Duration taskTimeout;
    private ProgressListener progress;

    private Builder(List<String> members) {
      this.members = members;
    }

    /**
     * The cluster's name, as its members were started with ({@code --cluster-name}); default {@code jpar}.
     *
     * @param clusterName the name
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder clusterName(String clusterName) {
      once("clusterName", this.clusterName);
      if (clusterName == null || clusterName.isBlank()) {
        throw new IllegalArgumentException("clusterName is blank; give the name the members were started with");
      }
      this.clusterName = clusterName;
      return this;
    }

    /**
     * The shared secret the members were started with ({@code --secret}); by default the value of
     * {@value ClusterPool#SECRET_VARIABLE}.
     *
     * @param secret the secret
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder secret(String secret) {
      if (this.secret != null) {
        throw new IllegalStateException("secret was already set"); // its value is not for logs
      }
      new Secret(secret); // validates
      this.secret = secret;
      return this;
    }

    /**
     * How long to wait for a member when connecting, and for some member to be there when all are gone;
     * default 30 s.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder connectTimeout(Duration timeout) {
      once("connectTimeout", this.connectTimeout);
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * How long a member may stay silent (no heartbeat: hung, stopped, cut off) before its chunks run
     * elsewhere; default 10 s. Set the members' {@code --hang-timeout} alike.
     *
     * @param timeout a positive duration of at least a second
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder hangTimeout(Duration timeout) {
      once("hangTimeout", this.hangTimeout);
      if (positive("hangTimeout", timeout).compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("hangTimeout must be at least 1 s (heartbeats are a second apart), was "
            + timeout);
      }
      this.hangTimeout = timeout;
      return this;
    }

    /**
     * Sends this many inputs per chunk instead of sizing chunks from measured round trips (about 50 ms
     * of work each, up to 512 inputs).
     *
     * @param inputs at least 1
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder chunkSize(int inputs) {
      once("chunkSize", this.chunkSize);
      if (inputs < 1) {
        throw new IllegalArgumentException("chunkSize must be at least 1, was " + inputs);
      }
      this.chunkSize = inputs;
      return this;
    }

    /**
     * The pool's name, in thread names and logs.
     *
     * @param name the name
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder name(String name) {
      once("name", this.name);
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The limit on one task's run time, enforced on the member.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder taskTimeout(Duration timeout) {
      once("taskTimeout", this.taskTimeout);
      this.taskTimeout = positive("taskTimeout", timeout);
      return this;
    }

    /**
     * A listener told of every finished task.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder onProgress(ProgressListener listener) {
      once("onProgress", this.progress);
      this.progress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The cluster backend alone, for {@link Pool#on}: the pool's name, timeout and progress listener are
     * then set on that builder instead.
     *
     * @return a factory that connects when the pool is built
     * @throws IllegalStateException if no shared secret was given (here or in the environment)
     */
    public BackendFactory backend() {
      String s = secret != null ? secret : System.getenv(SECRET_VARIABLE);
      if (s == null || s.isEmpty()) {
        throw new IllegalStateException("no shared secret: call secret(...) or set " + SECRET_VARIABLE
            + " to the secret the members were started with (jpar worker --secret)");
      }
      Secret key = new Secret(s);
      String cluster = clusterName != null ? clusterName : "jpar";
      Duration connect = connectTimeout != null ? connectTimeout : Duration.ofSeconds(30);
      Duration hang = hangTimeout != null ? hangTimeout : Duration.ofSeconds(10);
      int chunk = chunkSize != null ? chunkSize : 0;
      return context -> new ClusterBackend(context, members, cluster, key, connect, hang, chunk);
    }

    /**
     * Connects to the cluster and greets its members.
     *
     * @return the pool
     * @throws IllegalStateException if no member answered within the connect timeout, or a member
     *     refused the handshake (a wrong secret), or no secret was given
     */
    public Pool build() {
      var b = Pool.on(backend()).name(name != null ? name : "jpar-cluster");
      if (taskTimeout != null) {
        b.taskTimeout(taskTimeout);
      }
      if (progress != null) {
        b.onProgress(progress);
      }
      return b.build();
    }

    private static void once(String option, Object current) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set to " + current);
      }
    }

    private static Duration positive(String option, Duration d) {
      Objects.requireNonNull(d, option);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(option + " must be positive, was " + d);
      }
      return d;
    }
  }
}
