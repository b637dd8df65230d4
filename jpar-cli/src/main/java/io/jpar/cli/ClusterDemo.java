package io.jpar.cli;

import io.jpar.Pool;
import io.jpar.cluster.ClusterMember;
import io.jpar.cluster.ClusterPool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * {@code jpar demo --cluster}: three cluster members as local JVMs on 127.0.0.1, a batch over them, one
 * member killed with SIGKILL a third of the way, and the batch still delivering every result once and
 * in order. The members get a random secret through their environment and are killed at the end.
 */
final class ClusterDemo {
  private static final int MEMBERS = 3;
  private static final int TASKS = 900;
  private final PrintWriter out;
  private final List<Process> members = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  ClusterDemo(PrintWriter out) {
    this.out = out;
  }

  /** A task of the demo: 25 ms of waiting, then the input and the member's pid. */
  static String tag(Integer x) throws InterruptedException {
    Thread.sleep(25);
    return x + "@" + ProcessHandle.current().pid();
  }

  int run() throws Exception {
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    String cluster = "jpar-demo-" + ProcessHandle.current().pid();
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < MEMBERS; i++) {
        ports.add(freePort());
      }
      List<CompletableFuture<String>> ready = new ArrayList<>();
      for (int port : ports) {
        ready.add(start(port, cluster, secret));
      }
      out.printf("starting %d cluster members (JVMs on 127.0.0.1:%s, 2 workers each)...%n", MEMBERS,
          String.join(",", ports.stream().map(String::valueOf).toList()));
      out.flush();
      for (CompletableFuture<String> r : ready) {
        out.println("  " + r.get(90, TimeUnit.SECONDS));
      }
      out.printf("members ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      AtomicInteger done = new AtomicInteger();
      CountDownLatch third = new CountDownLatch(TASKS / 3);
      String addresses = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
      try (Pool pool = ClusterPool.connect(addresses).clusterName(cluster).secret(secret)
          .hangTimeout(Duration.ofSeconds(3)).onProgress(p -> {
            done.set((int) p.done());
            third.countDown();
          }).build()) {
        out.printf("%nmap of %d tasks (25 ms each) over the cluster; one member will be killed a third of the way%n", TASKS);
        out.flush();
        long start = System.nanoTime();
        CompletableFuture<List<String>> batch = CompletableFuture.supplyAsync(
            () -> pool.map(ClusterDemo::tag, IntStream.range(0, TASKS).boxed().toList()));
        if (!third.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the batch did not get a third of the way in 60 s");
        }
        Process victim = members.get(1);
        victim.destroyForcibly();
        victim.waitFor(10, TimeUnit.SECONDS);
        out.printf("  %.1f s: killed member 127.0.0.1:%d (pid %d, SIGKILL) after %d results%n",
            (System.nanoTime() - start) / 1e9, ports.get(1), victim.pid(), done.get());
        out.flush();
        List<String> results = batch.get(120, TimeUnit.SECONDS);
        double took = (System.nanoTime() - start) / 1e9;
        boolean inOrder = IntStream.range(0, results.size()).allMatch(i -> results.get(i).startsWith(i + "@"));
        Map<String, Integer> byMember = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
          byMember.put("127.0.0.1:" + ports.get(i) + " (pid " + members.get(i).pid() + ")", 0);
        }
        for (String r : results) {
          String pid = r.substring(r.indexOf('@') + 1);
          byMember.replaceAll((k, v) -> k.endsWith("(pid " + pid + ")") ? v + 1 : v);
        }
        out.printf("  %.1f s: the batch finished: %d results, in input order and each once: %s%n", took,
            results.size(), inOrder && results.size() == TASKS ? "yes" : "NO");
        byMember.forEach((m, n) -> out.printf("    %-36s %4d results%s%n", m, n,
            m.contains("pid " + victim.pid() + ")") ? "  (killed; its unfinished chunks ran again on the others)" : ""));
        out.println("Execution is at-least-once (a chunk of the killed member may have run twice); delivery is exactly once.");
        return inOrder && results.size() == TASKS ? 0 : 1;
      }
    } finally {
      stopMembers();
    }
  }

  private CompletableFuture<String> start(int port, String cluster, String secret) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(ClusterMember.jvmOptions());
    cmd.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), ClusterMember.class.getName(), "--port", String.valueOf(port),
        "--cluster-name", cluster, "--workers", "2", "--hang-timeout", "3",
        "--parent-pid", String.valueOf(ProcessHandle.current().pid())));
    List<String> others = ports.stream().filter(p -> p != port).map(p -> "127.0.0.1:" + p).toList();
    cmd.addAll(List.of("--join", String.join(",", others)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put(ClusterPool.SECRET_VARIABLE, secret); // not on the command line, where ps shows it
    Process p = pb.start();
    members.add(p);
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("jpar member ") && line.contains(" ready ")) {
            ready.complete(line);
          }
        }
      } catch (IOException e) {
        // it ended
      }
      ready.completeExceptionally(new IllegalStateException("member on port " + port + " ended before it was ready"));
    }, "demo-member-" + port);
    reader.setDaemon(true);
    reader.start();
    return ready;
  }

  private void stopMembers() throws InterruptedException {
    for (Process p : members) {
      p.destroyForcibly();
    }
    int alive = 0;
    for (Process p : members) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        alive++;
      }
    }
    out.printf("members stopped (%s)%n", alive == 0 ? "none left running" : alive + " still running!");
    out.flush();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
