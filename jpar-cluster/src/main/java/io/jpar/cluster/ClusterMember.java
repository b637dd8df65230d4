package io.jpar.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.jpar.cluster.internal.Addresses;
import io.jpar.cluster.internal.HazelcastConfigs;
import io.jpar.cluster.internal.MemberRuntime;
import io.jpar.cluster.internal.Secret;
import java.io.File;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A member of a jpar cluster: a Hazelcast member that runs the chunks {@link ClusterPool}s send it on a
 * local jpar pool — threads, or with {@code --isolated} worker processes, so a task that crashes kills a
 * worker, never the member. It binds to 127.0.0.1 unless {@code --bind} says otherwise, and runs only
 * what carries the cluster's shared secret. {@code jpar worker} runs it; so does {@code java -cp ...
 * io.jpar.cluster.ClusterMember}.
 *
 * {@snippet :
 * // java -cp jpar.jar:tasks.jar io.jpar.cluster.ClusterMember --port 5701 --join 10.0.0.6:5701 --secret s3cret
 * int exit = ClusterMember.run("--port", "5701", "--secret", "s3cret", "--workers", "2");
 * }
 *
 * <p>Thread safety: {@link #run} blocks its thread until the member stops; members in one JVM are
 * independent.
 *
 * @since 0.1
 */
public final class ClusterMember {
  static final String USAGE = """
      usage: jpar worker [--port PORT] [--join HOST:PORT,...] [--bind ADDRESS] [--cluster-name NAME]
                         [--secret SECRET] [--workers N] [--isolated] [--classpath PATH...] [--hang-timeout SECONDS]
        --port          the port to listen on (default 5701)
        --join          other members to join, HOST:PORT,HOST:PORT (default: none, a cluster of one so far)
        --bind          the address to listen on (default 127.0.0.1: this machine only)
        --cluster-name  the cluster's name (default jpar)
        --secret        the shared secret pools must hold (default: $JPAR_CLUSTER_SECRET)
        --workers       tasks run at once here (default: the number of cores)
        --isolated      run tasks in worker processes (a crash kills a worker, not the member)
        --classpath     jars or directories with the task classes, separated by '%s'
        --hang-timeout  seconds without a heartbeat before a member is dropped (default 10)
      Community Hazelcast has no TLS and no authentication of its own: trusted networks only.
      """.formatted(File.pathSeparator);
  /** Keeps Hazelcast's logger configured (a JUL logger held by no one may be collected, losing its level). */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  private static final List<String> JVM_OPTIONS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private ClusterMember() {}

  /**
   * The JVM options Hazelcast asks for on JDK 17 and later, for the command line of a member's JVM (and a
   * pool's): without them it runs, with warnings and slower paths.
   *
   * @return the options, in order
   */
  public static List<String> jvmOptions() {
    return JVM_OPTIONS;
  }

  /**
   * Runs a member until the JVM is asked to stop.
   *
   * @param args as {@code jpar worker} takes them
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs a member until its Hazelcast instance stops (or the process given by {@code --parent-pid}
   * ends); prints one line {@code jpar member HOST:PORT ready ...} on standard output once it runs.
   *
   * @param args as {@code jpar worker} takes them
   * @return 0 when it stopped, 2 for bad arguments (the reason on standard error)
   */
  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  static int run(PrintStream out, PrintStream err, String... args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("jpar worker: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (o.help) {
      out.print(USAGE);
      return 0;
    }
    if (HAZELCAST_LOG.getLevel() == null) {
      HAZELCAST_LOG.setLevel(Level.WARNING);
    }
    ClassLoader loader = loader(o.classPath);
    MemberRuntime runtime = new MemberRuntime(o.secret, o.workers, o.isolated, o.classPath, loader);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(o.clusterName, o.bind, o.port,
        o.join, o.workers, o.hangTimeout, runtime, loader));
    runtime.started(member);
    CountDownLatch stopped = new CountDownLatch(1);
    member.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
        stopped.countDown();
      }
    });
    Thread hook = new Thread(() -> stop(runtime, member), "jpar-member-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    if (o.parentPid > 0) {
      ProcessHandle.of(o.parentPid).ifPresentOrElse(
          p -> p.onExit().thenRun(() -> stop(runtime, member)), () -> stop(runtime, member));
    }
    out.println("jpar member " + runtime.name() + " ready (cluster '" + o.clusterName + "', " + o.workers + " workers, "
        + (o.isolated ? "worker processes" : "threads") + ", " + member.getCluster().getMembers().size()
        + " member(s))");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(runtime, member);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs now
    }
    return 0;
  }

  private static void stop(MemberRuntime runtime, HazelcastInstance member) {
    runtime.close();
    member.shutdown();
  }

  private static ClassLoader loader(List<Path> classPath) {
    ClassLoader app = ClusterMember.class.getClassLoader();
    if (classPath.isEmpty()) {
      return app;
    }
    URL[] urls = classPath.stream().map(p -> {
      try {
        return p.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("class path entry " + p + " is not a valid location", e);
      }
    }).toArray(URL[]::new);
    return new URLClassLoader("jpar-tasks", urls, app);
  }

  /** The parsed command line; each option once. */
  private static final class Options {
    int port = 5701;
    List<String> join = List.of();
    String bind = "127.0.0.1";
    String clusterName = "jpar";
    Secret secret;
    int workers = Runtime.getRuntime().availableProcessors();
    boolean isolated;
    List<Path> classPath = List.of();
    Duration hangTimeout = Duration.ofSeconds(10);
    long parentPid;
    boolean help;

    static Options parse(String... args) {
      Options o = new Options();
      List<String> seen = new ArrayList<>();
      String secret = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--isolated")) {
          o.isolated = true;
          continue;
        }
        if (a.equals("--help") || a.equals("-h")) {
          o.help = true;
          continue;
        }
        String name = a;
        String value;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          name = a.substring(0, eq);
          value = a.substring(eq + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException(a + " needs a value");
        }
        if (seen.contains(name)) {
          throw new IllegalArgumentException(name + " was given twice");
        }
        seen.add(name);
        switch (name) {
          case "--port" -> o.port = port(value);
          case "--join" -> o.join = Addresses.parse("--join", value);
          case "--bind" -> o.bind = nonBlank(name, value);
          case "--cluster-name" -> o.clusterName = nonBlank(name, value);
          case "--secret" -> secret = value;
          case "--workers" -> o.workers = positive(name, value);
          case "--classpath" -> o.classPath = classPath(value);
          case "--hang-timeout" -> o.hangTimeout = Duration.ofSeconds(positive(name, value));
          case "--parent-pid" -> o.parentPid = positive(name, value);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (secret == null) {
        secret = System.getenv(ClusterPool.SECRET_VARIABLE);
      }
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("no shared secret: give --secret SECRET or set "
            + ClusterPool.SECRET_VARIABLE + " (pools must hold the same one)");
      }
      o.secret = new Secret(secret);
      return o;
    }

    private static int port(String v) {
      int p = positive("--port", v);
      if (p > 65535) {
        throw new IllegalArgumentException("--port " + p + " is outside 1..65535");
      }
      return p;
    }

    private static int positive(String name, String v) {
      try {
        int n = Integer.parseInt(v.strip());
        if (n < 1) {
          throw new IllegalArgumentException(name + " must be at least 1, was " + n);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
      }
    }

    private static String nonBlank(String name, String v) {
      if (v.isBlank()) {
        throw new IllegalArgumentException(name + " is blank");
      }
      return v.strip();
    }

    private static List<Path> classPath(String v) {
      List<Path> out = new ArrayList<>();
      for (String e : v.split(java.util.regex.Pattern.quote(File.pathSeparator) + "|,")) {
        if (e.isBlank()) {
          continue;
        }
        Path p = Path.of(e.strip()).toAbsolutePath();
        if (!Files.exists(p)) {
          throw new IllegalArgumentException("--classpath entry " + p + " does not exist");
        }
        out.add(p);
      }
      return List.copyOf(out);
    }
  }
}
