package io.jpar.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cluster members as separate JVMs on 127.0.0.1, started by a test and stopped by it: each one's class
 * path is this JVM's, it is told this JVM's pid (so it exits if the test JVM dies), and {@link #close}
 * kills every one and checks by pid that none is left.
 */
final class Members implements AutoCloseable {
  static final String SECRET = "test-secret-" + ProcessHandle.current().pid();
  static final List<String> JVM_FLAGS = java.util.stream.Stream.concat(ClusterMember.jvmOptions().stream(),
      Stream.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")).toList();

  final String clusterName;
  private final List<Member> members = Collections.synchronizedList(new ArrayList<>());

  /** One member JVM and what it printed. */
  static final class Member {
    final Process process;
    final int port;
    final List<String> output = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<String> ready = new CompletableFuture<>();

    Member(Process process, int port) {
      this.process = process;
      this.port = port;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            output.add(line);
            if (line.startsWith("jpar member ") && line.contains(" ready ")) {
              ready.complete(line);
            }
          }
        } catch (IOException e) {
          // the member died; ready fails below
        }
        ready.completeExceptionally(new IllegalStateException("member on port " + port + " ended before it was ready:\n"
            + String.join("\n", output)));
      }, "member-" + port + "-output");
      reader.setDaemon(true);
      reader.start();
    }

    String address() {
      return "127.0.0.1:" + port;
    }

    long pid() {
      return process.pid();
    }

    String log() {
      synchronized (output) {
        return String.join("\n", output);
      }
    }
  }

  Members(String clusterName) {
    this.clusterName = clusterName;
  }

  /** Starts {@code n} members that join each other, and waits until all are ready. */
  static Members start(String clusterName, int n) {
    return start(clusterName, n, List.of());
  }

  /** As {@link #start(String, int)}, each member with {@code extra} arguments ({@code --isolated}, say). */
  static Members start(String clusterName, int n, List<String> extra) {
    Members m = new Members(clusterName);
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ports.add(freePort());
      }
      for (int port : ports) {
        m.launch(port, ports.stream().filter(p -> p != port).map(p -> "127.0.0.1:" + p).toList(), extra);
      }
      m.awaitReady();
      return m;
    } catch (RuntimeException | Error e) {
      m.close();
      throw e;
    }
  }

  /** Starts one more member joining the running ones; {@code extra} are more arguments (--secret, say). */
  Member launch(int port, List<String> join, List<String> extra) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterMember.class.getName(),
        "--port", String.valueOf(port), "--cluster-name", clusterName, "--workers", "2", "--hang-timeout", "3",
        "--parent-pid", String.valueOf(ProcessHandle.current().pid())));
    if (!join.isEmpty()) {
      cmd.addAll(List.of("--join", String.join(",", join)));
    }
    if (!extra.contains("--secret")) {
      cmd.addAll(List.of("--secret", SECRET));
    }
    cmd.addAll(extra);
    try {
      Member member = new Member(new ProcessBuilder(cmd).redirectErrorStream(true).start(), port);
      members.add(member);
      return member;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Member join(List<String> extra) {
    return launch(freePort(), addresses(), extra);
  }

  void awaitReady() {
    for (Member m : list()) {
      m.ready.orTimeout(90, TimeUnit.SECONDS).join();
    }
  }

  List<Member> list() {
    synchronized (members) {
      return List.copyOf(members);
    }
  }

  List<String> addresses() {
    return list().stream().filter(m -> m.process.isAlive()).map(Member::address).toList();
  }

  String connectString() {
    return String.join(",", addresses());
  }

  ClusterPool.Builder pool() {
    return ClusterPool.connect(connectString()).clusterName(clusterName).secret(SECRET)
        .hangTimeout(java.time.Duration.ofSeconds(3)).connectTimeout(java.time.Duration.ofSeconds(30));
  }

  String logs() {
    return list().stream().map(m -> "--- member " + m.port + " (pid " + m.pid() + ")\n" + m.log())
        .collect(Collectors.joining("\n"));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills every member (SIGCONT first, for one a test stopped) and checks by pid that none is left. */
  @Override
  public void close() {
    List<Member> all = list();
    for (Member m : all) {
      signal(m, "CONT");
      m.process.destroyForcibly();
    }
    List<Long> alive = new ArrayList<>();
    for (Member m : all) {
      try {
        if (!m.process.waitFor(30, TimeUnit.SECONDS)) {
          alive.add(m.pid());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (ProcessHandle.of(m.pid()).map(ProcessHandle::isAlive).orElse(false)) {
        alive.add(m.pid());
      }
    }
    if (!alive.isEmpty()) {
      throw new AssertionError("member JVMs still alive after close: " + alive);
    }
  }

  static void signal(Member m, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, String.valueOf(m.pid())).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
