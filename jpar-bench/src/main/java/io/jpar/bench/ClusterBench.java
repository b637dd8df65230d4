package io.jpar.bench;

import io.jpar.Pool;
import io.jpar.Task;
import io.jpar.cluster.ClusterMember;
import io.jpar.cluster.ClusterPool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The cluster pool's figures for BENCHMARKS.md, each beside its reference in the same run: per-task cost
 * against local worker processes (chunked and one input per chunk), speed-up with 1, 2 and 3 members
 * against one local thread, the time from SIGKILL of a member to the batch's end against the same batch
 * undisturbed, and a member's time to join. Members are JVMs this bench starts on 127.0.0.1 and kills.
 * Prints {@code name value unit} lines. Run by {@code bench/cluster}.
 */
public final class ClusterBench {
  private static final String SECRET = "bench-" + ProcessHandle.current().pid();
  private static final String CLUSTER = "bench-" + ProcessHandle.current().pid();
  private static final List<Process> STARTED = new ArrayList<>();

  private ClusterBench() {}

  static final Task<Integer, Integer> PLUS_ONE = x -> x + 1;

  /** About {@code ms} milliseconds of computing on one core of this machine. */
  static long burn(Integer ms) {
    long x = 88172645463325252L + ms;
    for (long i = 0; i < ms * 330_000L; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    return x;
  }

  static String sleepTag(Integer x) throws InterruptedException {
    Thread.sleep(30);
    return x + "@" + ProcessHandle.current().pid();
  }

  public static void main(String[] args) throws Exception {
    String only = args.length > 0 ? args[0] : "all";
    Runtime.getRuntime().addShutdownHook(new Thread(ClusterBench::killAll));
    try {
      if (only.equals("all") || only.equals("cost")) {
        perTaskCost();
      }
      if (only.equals("all") || only.equals("speedup")) {
        speedUp();
      }
      if (only.equals("all") || only.equals("loss")) {
        memberLoss();
      }
    } finally {
      killAll();
    }
  }

  private static void perTaskCost() throws Exception {
    List<Integer> many = IntStream.range(0, 20_000).boxed().toList();
    List<Integer> few = IntStream.range(0, 1_000).boxed().toList();
    try (Pool local = Pool.processes().workers(2).build();
        Pool localOne = Pool.processes().workers(2).chunkSize(1).build()) {
      report("processes_map_chunked_per_task_us", perTaskMicros(local, many), "us");
      report("processes_map_chunk1_per_task_us", perTaskMicros(localOne, few), "us");
    }
    Member m = start(List.of(), 2);
    try (Pool cluster = pool(null);
        Pool cluster512 = pool(512);
        Pool clusterOne = pool(1)) {
      report("cluster1_map_chunked_per_task_us", perTaskMicros(cluster, many), "us");
      report("cluster1_map_chunk512_per_task_us", perTaskMicros(cluster512, many), "us");
      report("cluster1_map_chunk1_per_task_us", perTaskMicros(clusterOne, few), "us");
      report("cluster1_submit_roundtrip_us", submitMicros(cluster), "us");
    }
    m.process.destroyForcibly().waitFor();
  }

  private static Pool pool(Integer chunk) {
    ClusterPool.Builder b = ClusterPool.connect(addresses()).clusterName(CLUSTER).secret(SECRET);
    return (chunk == null ? b : b.chunkSize(chunk)).build();
  }

  private static double perTaskMicros(Pool pool, List<Integer> inputs) {
    for (int i = 0; i < 5; i++) {
      pool.map(PLUS_ONE, inputs);
    }
    return median(7, () -> {
      long t0 = System.nanoTime();
      List<Integer> out = pool.map(PLUS_ONE, inputs);
      check(out.get(inputs.size() - 1) == inputs.size());
      return (System.nanoTime() - t0) / 1e3 / inputs.size();
    });
  }

  private static double submitMicros(Pool pool) {
    for (int i = 0; i < 500; i++) {
      pool.submit(PLUS_ONE, i).join();
    }
    return median(5, () -> {
      long t0 = System.nanoTime();
      for (int i = 0; i < 500; i++) {
        pool.submit(PLUS_ONE, i).join();
      }
      return (System.nanoTime() - t0) / 1e3 / 500;
    });
  }

  /** 48 tasks of ~40 ms of computing; members of one worker each, so k members have k workers. */
  private static void speedUp() throws Exception {
    List<Integer> work = java.util.Collections.nCopies(48, 40);
    double oneThread;
    try (Pool threads = Pool.threads().workers(1).build()) {
      threads.map(ClusterBench::burn, work);
      oneThread = median(3, () -> seconds(threads, work));
    }
    report("local_1_thread_batch_s", oneThread, "s");
    for (int k = 1; k <= 3; k++) {
      start(k == 1 ? List.of() : List.of(addresses().split(",")), 1);
      try (Pool cluster = pool(null)) {
        check(cluster.plan().workers() == k);
        cluster.map(ClusterBench::burn, work);
        double s = median(3, () -> seconds(cluster, work));
        report("cluster" + k + "_batch_s", s, "s");
        report("cluster" + k + "_speedup_vs_1_thread", oneThread / s, "x");
      }
    }
    killAll();
  }

  private static double seconds(Pool pool, List<Integer> work) {
    long t0 = System.nanoTime();
    pool.map(ClusterBench::burn, work);
    return (System.nanoTime() - t0) / 1e9;
  }

  /** 600 x 30 ms sleeps on three members of two workers: undisturbed, then with one killed a third of the way. */
  private static void memberLoss() throws Exception {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add(start(i == 0 ? List.of() : List.of(addresses().split(",")), 2));
    }
    List<Integer> inputs = IntStream.range(0, 600).boxed().toList();
    try (Pool cluster = pool(null)) {
      cluster.map(ClusterBench::sleepTag, inputs);
      long t0 = System.nanoTime();
      cluster.map(ClusterBench::sleepTag, inputs);
      report("undisturbed_batch_ms", (System.nanoTime() - t0) / 1e6, "ms");
    }
    CountDownLatch third = new CountDownLatch(200);
    try (Pool cluster = ClusterPool.connect(addresses()).clusterName(CLUSTER).secret(SECRET)
        .onProgress(p -> third.countDown()).build()) {
      long t0 = System.nanoTime();
      CompletableFuture<List<String>> run = CompletableFuture.supplyAsync(() -> cluster.map(ClusterBench::sleepTag, inputs));
      check(third.await(60, TimeUnit.SECONDS));
      long killedAt = System.nanoTime();
      Member victim = members.get(1);
      victim.process.destroyForcibly();
      List<String> out = run.get(120, TimeUnit.SECONDS);
      long end = System.nanoTime();
      for (int i = 0; i < out.size(); i++) {
        check(out.get(i).startsWith(i + "@"));
      }
      report("kill9_batch_ms", (end - t0) / 1e6, "ms");
      report("kill9_to_batch_done_ms", (end - killedAt) / 1e6, "ms");
    }
    // Joining: a new member while a lazy batch runs; from its process start to ready, and to its first result.
    try (Pool cluster = pool(null);
        Stream<String> results = cluster.imap(ClusterBench::sleepTag, Stream.iterate(0, x -> x + 1))) {
      Iterator<String> it = results.iterator();
      for (int i = 0; i < 100; i++) {
        it.next();
      }
      long t0 = System.nanoTime();
      Member joiner = start(List.of(addresses().split(",")), 2);
      report("join_process_start_to_ready_ms", (joiner.readyAt - t0) / 1e6, "ms");
      String mark = "@" + joiner.process.pid();
      while (!it.next().endsWith(mark)) {
        // results from the others meanwhile
      }
      report("join_process_start_to_first_result_ms", (System.nanoTime() - t0) / 1e6, "ms");
    }
    // A hung member: SIGSTOP a third of the way, with a pool hang timeout of 5 s.
    CountDownLatch third2 = new CountDownLatch(200);
    try (Pool cluster = ClusterPool.connect(addresses()).clusterName(CLUSTER).secret(SECRET)
        .hangTimeout(Duration.ofSeconds(5)).onProgress(p -> third2.countDown()).build()) {
      long t0 = System.nanoTime();
      CompletableFuture<List<String>> run = CompletableFuture.supplyAsync(() -> cluster.map(ClusterBench::sleepTag, inputs));
      check(third2.await(60, TimeUnit.SECONDS));
      Member victim = LIVE.stream().filter(m -> m.process.isAlive()).findFirst().orElseThrow();
      long stoppedAt = System.nanoTime();
      new ProcessBuilder("kill", "-STOP", String.valueOf(victim.process.pid())).start().waitFor();
      List<String> out = run.get(120, TimeUnit.SECONDS);
      long end = System.nanoTime();
      for (int i = 0; i < out.size(); i++) {
        check(out.get(i).startsWith(i + "@"));
      }
      report("sigstop_hang5s_batch_ms", (end - t0) / 1e6, "ms");
      report("sigstop_hang5s_to_batch_done_ms", (end - stoppedAt) / 1e6, "ms");
      new ProcessBuilder("kill", "-CONT", String.valueOf(victim.process.pid())).start().waitFor();
    }
    killAll();
  }

  /** A member JVM and when it said it was ready. */
  private record Member(Process process, int port, long readyAt) {}

  private static final List<Member> LIVE = new ArrayList<>();

  private static String addresses() {
    return String.join(",", LIVE.stream().filter(m -> m.process.isAlive()).map(m -> "127.0.0.1:" + m.port).toList());
  }

  private static Member start(List<String> join, int workers) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(ClusterMember.jvmOptions());
    cmd.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), ClusterMember.class.getName(), "--port", String.valueOf(port),
        "--cluster-name", CLUSTER, "--secret", SECRET, "--workers", String.valueOf(workers),
        "--parent-pid", String.valueOf(ProcessHandle.current().pid())));
    if (!join.isEmpty() && !join.get(0).isEmpty()) {
      cmd.addAll(List.of("--join", String.join(",", join)));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    synchronized (STARTED) {
      STARTED.add(p);
    }
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      if (line.startsWith("jpar member ") && line.contains(" ready ")) {
        Member m = new Member(p, port, System.nanoTime());
        LIVE.add(m);
        Thread drain = new Thread(() -> {
          try {
            r.transferTo(java.io.Writer.nullWriter());
          } catch (IOException e) {
            // it ended
          }
        });
        drain.setDaemon(true);
        drain.start();
        return m;
      }
    }
    throw new IllegalStateException("a member ended before it was ready (exit " + p.waitFor(10, TimeUnit.SECONDS) + ")");
  }

  private static void killAll() {
    synchronized (STARTED) {
      for (Process p : STARTED) {
        p.destroyForcibly();
      }
      for (Process p : STARTED) {
        try {
          p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      STARTED.clear();
      LIVE.clear();
    }
  }

  interface Measure {
    double run() throws Exception;
  }

  private static double median(int n, Measure m) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      try {
        v[i] = m.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    Arrays.sort(v);
    return v[n / 2];
  }

  private static void check(boolean ok) {
    if (!ok) {
      throw new AssertionError("a benchmark's result was wrong");
    }
  }

  private static void report(String name, double value, String unit) {
    System.out.printf("%-42s %12.3f %s%n", name, value, unit);
  }
}
