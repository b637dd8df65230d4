package io.jpar.bench;

import io.jpar.Pool;
import io.jpar.ProcessPoolBuilder;
import io.jpar.SharedBytes;
import io.jpar.Task;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Coarse measurements of the process backend that JMH is a poor fit for (process start-up, RSS,
 * multi-second batches). Each figure is the median of several runs after warm-up. Prints one line per
 * figure: {@code name value unit}. Run by {@code bench/process}, which runs the Python references
 * beside it.
 */
public final class ProcessBench {
  private ProcessBench() {}

  static final Task<Integer, Integer> PLUS_ONE = x -> x + 1;

  public static void main(String[] args) throws Exception {
    String only = args.length > 0 ? args[0] : "all";
    if (only.equals("all") || only.equals("pipe")) {
      report("pipe_pingpong_64B_us", median(5, ProcessBench::pipePingPongMicros), "us");
    }
    if (only.equals("all") || only.equals("startup")) {
      report("pool_startup_2_workers_ms", median(7, ProcessBench::startupMillis), "ms");
    }
    if (only.equals("all") || only.equals("map")) {
      // Issue 10's per-task cost as a user meets it: the first map on a new pool, before the warm figure.
      List<Integer> inputs = IntStream.range(0, 100_000).boxed().toList();
      double[] fresh = firstMaps(8, inputs, false);
      report("map_first_fresh_pool_jvm_first_us", fresh[0], "us"); // this JVM's first map: a cold caller too
      report("map_first_fresh_pool_per_task_us", medianOf(fresh, 1), "us");
      double[] afterOne = firstMaps(7, inputs, true);
      report("map_after_one_task_per_task_us", medianOf(afterOne, 0), "us");
      report("map_first_fresh_pool_spread_us", spread(fresh, 1), "us");
      report("map_after_one_task_spread_us", spread(afterOne, 0), "us");
    }
    try (Pool pool = Pool.processes().workers(2).build()) {
      if (only.equals("all") || only.equals("rss")) {
        report("idle_worker_rss_mb", idleRssMb(), "MB"); // first: idle means before any work
      }
      if (only.equals("all") || only.equals("submit")) {
        report("submit_roundtrip_us", median(5, () -> submitMicros(pool)), "us");
      }
      if (only.equals("all") || only.equals("map")) {
        List<Integer> inputs = IntStream.range(0, 100_000).boxed().toList();
        for (int i = 0; i < 10; i++) {
          pool.map(PLUS_ONE, inputs); // warm-up: both JITs, and the parent's heap sizing
        }
        report("map_100k_trivial_per_task_us", median(9, () -> {
          long t0 = System.nanoTime();
          List<Integer> out = pool.map(PLUS_ONE, inputs);
          check(out.get(99_999) == 100_000);
          return (System.nanoTime() - t0) / 1e3 / inputs.size();
        }), "us");
      }
    }
    if (only.equals("all") || only.equals("big")) {
      bigValues(null, "");
    }
    if (only.equals("big-files")) { // run by bench/process in a JVM of its own: big values through files
      valueFileThreshold = 1 << 20;
      bigValues(null, "files_");
    }
    if (only.equals("big-sizes")) {
      valueSizes();
    }
    if (only.equals("big-loop")) { // worker JVM options from JPAR_BENCH_WORKER_OPTIONS="-Xms1g -XX:+AlwaysPreTouch"
      String options = System.getenv().getOrDefault("JPAR_BENCH_WORKER_OPTIONS", "").trim();
      bigLoop(options.isEmpty() ? new String[0] : options.split(" +"));
    }
    if (only.equals("big-bounded")) { // run by bench/process with this JVM at -Xmx1g
      bigValues("512m", "bounded_");
    }
    if (only.equals("big-pretouch")) { // run by bench/process with this JVM at -Xms2g -XX:+AlwaysPreTouch
      bigValues(null, "pretouch_", "-Xms1g", "-XX:+AlwaysPreTouch");
    }
    if (only.equals("all") || only.equals("speedup")) {
      double one = median(3, () -> cpuBatchSeconds(1));
      double two = median(3, () -> cpuBatchSeconds(2));
      report("cpu_batch_1_worker_s", one, "s");
      report("cpu_batch_2_workers_s", two, "s");
      report("cpu_speedup_2_vs_1", one / two, "x");
    }
  }

  interface Measure {
    double run() throws Exception;
  }

  static double median(int runs, Measure m) throws Exception {
    m.run(); // warm-up
    double[] v = new double[runs];
    for (int i = 0; i < runs; i++) {
      v[i] = m.run();
    }
    Arrays.sort(v);
    return v[runs / 2];
  }

  static final Task<Integer, Integer> TIMES_TWO = x -> x * 2;

  /**
   * The first {@code map} of {@code inputs} on each of {@code runs} new pools of 2 workers, per task in
   * µs; the clock starts once {@code build()} has returned (every worker answered its handshake). With
   * {@code afterOneTask}, each pool has first run one other task ({@code submit(...).join()}), so its
   * workers are warm but nothing is known about {@code PLUS_ONE}.
   */
  static double[] firstMaps(int runs, List<Integer> inputs, boolean afterOneTask) {
    double[] v = new double[runs];
    for (int i = 0; i < runs; i++) {
      try (Pool pool = Pool.processes().workers(2).build()) {
        if (afterOneTask) {
          check(pool.submit(TIMES_TWO, 21).join() == 42);
        }
        long t0 = System.nanoTime();
        List<Integer> out = pool.map(PLUS_ONE, inputs);
        v[i] = (System.nanoTime() - t0) / 1e3 / inputs.size();
        check(out.get(99_999) == 100_000);
      }
    }
    return v;
  }

  /** The median of {@code v[from..]}. */
  static double medianOf(double[] v, int from) {
    double[] s = Arrays.copyOfRange(v, from, v.length);
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** Largest minus smallest of {@code v[from..]}: how noisy the median's samples were. */
  static double spread(double[] v, int from) {
    double[] s = Arrays.copyOfRange(v, from, v.length);
    Arrays.sort(s);
    return s[s.length - 1] - s[0];
  }

  static void report(String name, double value, String unit) {
    System.out.printf("%-34s %10.3f %s%n", name, value, unit);
  }

  static void check(boolean ok) {
    if (!ok) {
      throw new AssertionError("wrong result");
    }
  }

  static double pipePingPongMicros() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PipeEcho.class.getName()).start();
    try {
      DataOutputStream out = new DataOutputStream(p.getOutputStream());
      DataInputStream in = new DataInputStream(p.getInputStream());
      byte[] msg = new byte[64];
      int n = 20_000;
      for (int i = 0; i < 2_000; i++) { // warm both sides
        out.write(msg);
        out.flush();
        in.readFully(msg);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        out.write(msg);
        out.flush();
        in.readFully(msg);
      }
      return (System.nanoTime() - t0) / 1e3 / n;
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  static final Task<byte[], Integer> LENGTH = b -> b.length;
  static final Task<Blob, Integer> BLOB_LENGTH = b -> b.bytes().length;

  /** A record with an array component: crosses through the codec, not the raw paths. */
  record Blob(byte[] bytes) implements java.io.Serializable {}

  static final Task<Integer, byte[]> FIFTY_MB = x -> new byte[50 << 20];
  static final Task<Integer, Long> PEAK_RSS_KB = x -> peakRssKb(ProcessHandle.current().pid());

  /**
   * Issue 16's figures: four 100 MB {@code byte[]} inputs through a 2-worker pool ({@code b ->
   * b.length}) and two 50 MB results back, in MB/s (median of 3 after one warm-up), the four as one
   * {@code SharedBytes} (its write included), then the peak RSS
   * (VmHWM) of this JVM and of the workers that carried them. With {@code workerHeap}, the workers' heap
   * is bounded (and the script bounds this JVM's): what the values need, not what the heaps grow to.
   */
  static void bigValues(String workerHeap, String prefix, String... workerOptions) throws Exception {
    byte[] big = new byte[100 << 20];
    Arrays.fill(big, (byte) 7);
    List<byte[]> four = List.of(big, big, big, big);
    if (workerOptions.length == 0) { // pre-touched heaps do not grow: nothing to see
      rssGrowth(workerHeap, prefix, "in", pool -> pool.map(LENGTH, List.of(big)), 100);
      rssGrowth(workerHeap, prefix, "out", pool -> pool.map(FIFTY_MB, List.of(1)), 50);
    }
    try (Pool pool = processPool(workerHeap, workerOptions)) {
      report(prefix + "big_in_4x100MB_MBps", median(3, () -> {
        long t0 = System.nanoTime();
        List<Integer> out = pool.map(LENGTH, four);
        check(out.equals(List.of(big.length, big.length, big.length, big.length)));
        return 400.0 / ((System.nanoTime() - t0) / 1e9);
      }), "MB/s");
      report(prefix + "big_out_2x50MB_MBps", median(3, () -> {
        long t0 = System.nanoTime();
        List<byte[]> out = pool.map(FIFTY_MB, List.of(1, 2));
        check(out.get(1).length == 50 << 20);
        return 100.0 / ((System.nanoTime() - t0) / 1e9);
      }), "MB/s");
      // A record holding the array takes the codec (Java serialization): the figure for what is not raw.
      List<Blob> blobs = List.of(new Blob(big), new Blob(big), new Blob(big), new Blob(big));
      report(prefix + "big_in_record_4x100MB_MBps", median(3, () -> {
        long t0 = System.nanoTime();
        check(pool.map(BLOB_LENGTH, blobs).get(3) == big.length);
        return 400.0 / ((System.nanoTime() - t0) / 1e9);
      }), "MB/s");
      // The same four inputs as one SharedBytes: one write to /dev/shm (timed), then each task maps it.
      report(prefix + "big_in_shared_4x100MB_MBps", median(3, () -> {
        long t0 = System.nanoTime();
        try (SharedBytes shared = SharedBytes.copyOf(big)) {
          Task<Integer, Integer> length = i -> shared.buffer().remaining();
          check(pool.map(length, List.of(1, 2, 3, 4)).equals(List.of(big.length, big.length, big.length, big.length)));
        }
        return 400.0 / ((System.nanoTime() - t0) / 1e9);
      }), "MB/s");
      long worker = pool.map(PEAK_RSS_KB, List.of(1, 2, 3, 4)).stream().mapToLong(Long::longValue).max().orElse(0);
      report(prefix + "big_parent_peak_rss_MB", peakRssKb(ProcessHandle.current().pid()) / 1024.0, "MB");
      report(prefix + "big_worker_peak_rss_MB", worker / 1024.0, "MB");
    }
  }

  static final Task<byte[], byte[]> ECHO = b -> b;

  /**
   * Where the pipe stops paying: 64 MB of {@code byte[]} of one size echoed by 2 workers (each value
   * crosses in and back), through files from that size ({@code valueFileThreshold(size)}) and through
   * the pipe only, in MB moved per second (both directions counted).
   */
  static void valueSizes() throws Exception {
    for (int size : new int[] {64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20}) {
      List<byte[]> values = new ArrayList<>();
      for (int i = 0; i < (64 << 20) / size; i++) {
        byte[] v = new byte[size];
        Arrays.fill(v, (byte) i);
        values.add(v);
      }
      for (int threshold : new int[] {size, 0}) {
        try (Pool pool = Pool.processes().workers(2).valueFileThreshold(threshold).build()) {
          report("echo_64MB_of_" + (size >> 10) + "KB_" + (threshold == 0 ? "pipe" : "files") + "_MBps", median(3, () -> {
            long t0 = System.nanoTime();
            check(pool.map(ECHO, values).get(values.size() - 1)[size - 1] == (byte) (values.size() - 1));
            return 2 * 64.0 * (1 << 20) / 1e6 / ((System.nanoTime() - t0) / 1e9);
          }), "MB/s");
        }
      }
    }
  }

  /**
   * The big maps in a loop on one pool of 2 workers with {@code workerOptions} (a worker heap policy to
   * try): 6 rounds of 4 x 100 MB in and 2 x 50 MB back, the median of rounds 2-6 (the first warms up).
   */
  static void bigLoop(String... workerOptions) throws Exception {
    byte[] big = new byte[100 << 20];
    Arrays.fill(big, (byte) 7);
    List<byte[]> four = List.of(big, big, big, big);
    double[] in = new double[6];
    double[] out = new double[6];
    try (Pool pool = processPool(null, workerOptions)) {
      for (int i = 0; i < in.length; i++) {
        long t0 = System.nanoTime();
        check(pool.map(LENGTH, four).get(3) == big.length);
        in[i] = 400.0 / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        check(pool.map(FIFTY_MB, List.of(1, 2)).get(1).length == 50 << 20);
        out[i] = 100.0 / ((System.nanoTime() - t0) / 1e9);
      }
      report("loop_big_in_4x100MB_MBps", medianOf(in, 1), "MB/s");
      report("loop_big_out_2x50MB_MBps", medianOf(out, 1), "MB/s");
    }
  }

  static Pool processPool(String workerHeap, String... workerOptions) {
    return processPool(2, workerHeap, workerOptions);
  }

  /** The pools' {@code valueFileThreshold}: 0 (the default) sends big values through the pipe only. */
  static int valueFileThreshold;

  static Pool processPool(int workers, String workerHeap, String... workerOptions) {
    ProcessPoolBuilder builder = Pool.processes().workers(workers);
    builder.valueFileThreshold(valueFileThreshold);
    if (workerHeap != null) {
      builder.workerHeap(workerHeap);
    }
    if (workerOptions.length > 0) {
      builder.jvmOptions(workerOptions);
    }
    return builder.build();
  }

  /**
   * The "no more than one extra copy" check in figures: on a new pool of one worker, each process's
   * resident set just before {@code carry} moves one value of {@code valueMb} across once, and its
   * high-water mark after (reset first through {@code /proc/PID/clear_refs}), as growth in MB. The
   * receiver's growth over the value's size is the verdict: 1.0 is the value alone, 2.0 one extra
   * copy. A heap that already had the room grows less than the value (its pages were in use).
   */
  static void rssGrowth(String workerHeap, String prefix, String direction, PoolAction carry, int valueMb)
      throws Exception {
    try (Pool pool = processPool(1, workerHeap)) {
      pool.map(PLUS_ONE, List.of(1, 2, 3, 4)); // the worker up and past its first task
      List<Long> pids = new ArrayList<>(ProcessHandle.current().children().map(ProcessHandle::pid).toList());
      pids.add(0, ProcessHandle.current().pid());
      long[] before = new long[pids.size()];
      for (int i = 0; i < pids.size(); i++) {
        Files.writeString(Path.of("/proc/" + pids.get(i) + "/clear_refs"), "5"); // VmHWM := VmRSS
        before[i] = statusKb(pids.get(i), "VmRSS:");
      }
      carry.run(pool);
      double caller = (statusKb(pids.get(0), "VmHWM:") - before[0]) / 1024.0;
      double worker = 0;
      for (int i = 1; i < pids.size(); i++) {
        worker = Math.max(worker, (statusKb(pids.get(i), "VmHWM:") - before[i]) / 1024.0);
      }
      report(prefix + "big_" + direction + "_caller_rss_growth_MB", caller, "MB");
      report(prefix + "big_" + direction + "_worker_rss_growth_MB", worker, "MB");
      double received = (direction.equals("in") ? worker : caller) / valueMb;
      report(prefix + "big_" + direction + "_receiver_growth_per_value", received, "x");
    }
  }

  @FunctionalInterface
  interface PoolAction {
    void run(Pool pool) throws Exception;
  }

  static long statusKb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** VmHWM of a process: its resident set's high-water mark. */
  static long peakRssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return -1;
  }

  static double startupMillis() {
    long t0 = System.nanoTime();
    Pool pool = Pool.processes().workers(2).build();
    double ms = (System.nanoTime() - t0) / 1e6;
    pool.close();
    return ms;
  }

  static double submitMicros(Pool pool) {
    int n = 5_000;
    for (int i = 0; i < 500; i++) {
      pool.submit(PLUS_ONE, i).join();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      check(pool.submit(PLUS_ONE, i).join() == i + 1);
    }
    return (System.nanoTime() - t0) / 1e3 / n;
  }

  static double idleRssMb() throws IOException, InterruptedException {
    Thread.sleep(500);
    List<Long> rss = new ArrayList<>();
    for (ProcessHandle child : ProcessHandle.current().children().toList()) {
      for (String line : Files.readAllLines(Path.of("/proc/" + child.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss.add(Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    }
    return rss.stream().mapToLong(Long::longValue).average().orElse(0) / 1024.0;
  }

  static final Task<Integer, Long> SPIN = n -> {
    long x = 0;
    for (long i = 0; i < n * 1_000_000L; i++) {
      x += i ^ (x >>> 3);
    }
    return x;
  };

  static double cpuBatchSeconds(int workers) {
    try (Pool pool = Pool.processes().workers(workers).build()) {
      List<Integer> inputs = IntStream.range(0, 16).map(i -> 150).boxed().toList();
      pool.map(SPIN, List.of(10, 10)); // warm the JIT in the workers
      long t0 = System.nanoTime();
      pool.map(SPIN, inputs);
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
