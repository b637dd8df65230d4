package io.jpar.bench;

import io.jpar.Plan;
import io.jpar.Pool;
import io.jpar.Progress;
import io.jpar.Task;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code Pool.auto()} against the best fixed configuration, per kind of work. For each workload every
 * fixed configuration (platform threads, virtual threads, worker processes at several sizes) runs the
 * whole batch once (a hopeless one is stopped at 3x the best so far and its time extrapolated); then the
 * best fixed one and auto run alternately three times, and the ratio of their medians is reported.
 * Times include building and closing the pool: what a user waits for. Then a phase-change workload
 * against the hand-written two-pool solution. For services with a knee (latency growing with the calls in
 * flight, throughput falling past it) the most calls auto had in flight is reported, overall and over
 * the knee once it should have settled (past the first quarter of each stretch with one knee). Last, the
 * geometric mean of auto / best over the workloads run.
 *
 * <p>{@code AutoBench [WORKLOAD...]}: cpu sleep http mixed mixed75 tiny alloc phase knee knee-http
 * knee-moves (default: all).
 */
public final class AutoBench {
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final int MAX_CONCURRENCY = 2_000;
  private static final int ROUNDS = 3;

  private record Config(String backend, int n) {
    Pool build() {
      return switch (backend) {
        case "threads" -> Pool.threads().workers(n).build();
        case "virtual" -> Pool.virtualThreads().maxConcurrency(n).build();
        case "processes" -> Pool.processes().workers(n).build();
        default -> Pool.auto().maxConcurrency(MAX_CONCURRENCY).build();
      };
    }

    @Override
    public String toString() {
      return backend.equals("auto") ? "auto" : backend + " x " + n;
    }
  }

  private static final Config AUTO = new Config("auto", 0);

  private static List<Config> configs(boolean processes) {
    return configs(processes, new int[] {MAX_CONCURRENCY, 256, 32 * CORES, 4 * CORES});
  }

  /** For a service with a knee: flooding it first would take minutes, so the sweep starts near the knee. */
  private static List<Config> kneeConfigs() {
    return configs(false, new int[] {64, 16, 32, 128, 256, MAX_CONCURRENCY});
  }

  private static List<Config> configs(boolean processes, int[] virtual) {
    List<Config> c = new ArrayList<>();
    // Virtual threads first: on waiting work they set a low bar at once, so hopeless trials stop early.
    for (int n : virtual) {
      c.add(new Config("virtual", n));
    }
    for (int n : new int[] {CORES, 4 * CORES, 16 * CORES, 64 * CORES}) {
      c.add(new Config("threads", n));
    }
    if (processes) {
      c.add(new Config("processes", CORES));
      c.add(new Config("processes", 2 * CORES));
    }
    return c;
  }

  public static void main(String[] args) throws Exception {
    List<String> which = args.length == 0 ? List.of("cpu", "sleep", "http", "mixed", "mixed75", "tiny", "alloc", "phase",
        "knee", "knee-http", "knee-moves") : Arrays.asList(args);
    System.out.printf(Locale.ROOT, "# AutoBench on %d cores, Java %s; times include building and closing the pool%n",
        CORES, Runtime.version());
    System.out.println("| workload | tasks | best fixed (sweep) | best fixed, median of 3 | auto, median of 3 | auto / best"
        + " | auto's plan | auto's peak in flight |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String w : which) {
      switch (w) {
        case "cpu" -> compare("CPU-bound (9 ms of computing)", Workloads::burn, times(500, 5), true);
        case "sleep" -> compare("I/O: sleep 100 ms", Workloads::sleep, times(40_000, 100), true);
        case "http" -> http();
        case "mixed" -> compare("mixed: 1 ms CPU + 4 ms wait", Workloads::mixed, times(5_000, 1), true);
        case "mixed75" -> compare("mixed: 3 ms CPU + 1 ms wait", Workloads::mixed75, times(1_500, 1), true);
        case "knee" -> knee("service with a knee at 64 (20 ms, in the JVM)", List.of(64), 8_000);
        case "knee-moves" -> knee("knee moves 64 -> 16 -> 64 mid-batch (in the JVM)", List.of(64, 16, 64), 4_000);
        case "knee-http" -> kneeHttp();
        case "tiny" -> compare("tiny (x*31+7)", Workloads::tiny, IntStream.range(0, 12_000_000).boxed().toList(), true);
        case "alloc" -> compare("allocation-heavy (2.4 MB garbage)", Workloads::allocate, times(12_000, 3), true);
        case "phase" -> phase();
        default -> throw new IllegalArgumentException("unknown workload " + w);
      }
    }
    double logSum = 0;
    for (double r : RATIOS) {
      logSum += Math.log(r);
    }
    System.out.printf(Locale.ROOT, "%n**Geometric mean of auto / best over %d workloads: %.2fx** (worst %.2fx)%n",
        RATIOS.size(), Math.exp(logSum / Math.max(1, RATIOS.size())),
        RATIOS.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
  }

  private static final List<Double> RATIOS = new ArrayList<>();

  /** Calls to the in-JVM {@link KneeService}: {@code each} calls per knee in {@code knees}, in that order. */
  private static void knee(String name, List<Integer> knees, int each) {
    List<Integer> inputs = new ArrayList<>();
    for (int knee : knees) {
      for (int i = 0; i < each; i++) {
        inputs.add(Workloads.kneeInput(knee, i >= each / 4));
      }
    }
    compare(name, Workloads::kneeCall, inputs, kneeConfigs(), Workloads.KNEE);
  }

  /** GETs to a loopback HTTP server with a knee at 64 (20 ms each below it), in a JVM of its own. */
  private static void kneeHttp() throws Exception {
    Process server = startServer("20", Integer.toString(Workloads.KNEE_HTTP));
    try {
      String port = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
      int n = 8_000;
      List<String> urls = IntStream.range(0, n).mapToObj(i -> "http://127.0.0.1:" + port.strip() + "/item/" + i
          + (i >= n / 4 ? "?settled" : "")).toList();
      compare("loopback HTTP server with a knee at 64 (20 ms)", Workloads::kneeGet, urls, kneeConfigs(),
          Workloads.HTTP_IN_FLIGHT);
    } finally {
      server.destroyForcibly().waitFor();
    }
  }

  private static Process startServer(String... args) throws java.io.IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        DelayServer.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static List<Integer> times(int n, int value) {
    return IntStream.range(0, n).map(i -> value).boxed().toList();
  }

  private static void http() throws Exception {
    Process server = startServer("20");
    try {
      String port = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
      List<String> urls = IntStream.range(0, 9_000).mapToObj(i -> "http://127.0.0.1:" + port.strip() + "/item/" + i).toList();
      compare("I/O: loopback HTTP, 20 ms server", Workloads::get, urls, false);
    } finally {
      server.destroyForcibly().waitFor();
    }
  }

  private static <I> void compare(String name, Task<I, ?> task, List<I> inputs, boolean processes) {
    compare(name, task, inputs, configs(processes), null);
  }

  private static <I> void compare(String name, Task<I, ?> task, List<I> inputs, List<Config> configs,
      KneeService service) {
    double best = Double.MAX_VALUE;
    Config bestConfig = null;
    List<String> sweep = new ArrayList<>();
    for (Config c : configs) {
      double limit = best == Double.MAX_VALUE ? 120 : Math.max(3 * best, 5);
      double[] r = run(c, task, inputs, limit);
      sweep.add(String.format(Locale.ROOT, "%s %.2f%s", c, r[0], r[1] < 1 ? " (extrapolated)" : ""));
      if (r[1] >= 1 && r[0] < best) {
        best = r[0];
        bestConfig = c;
      }
    }
    System.err.println(name + ": " + String.join("; ", sweep));
    double[] fixed = new double[ROUNDS];
    double[] auto = new double[ROUNDS];
    AtomicReference<Plan> plan = new AtomicReference<>();
    int peak = 0;
    double settledOverKnee = 0;
    for (int i = 0; i < ROUNDS; i++) {
      fixed[i] = run(bestConfig, task, inputs, 600)[0];
      if (service != null) {
        service.reset();
      }
      auto[i] = timed(() -> {
        try (Pool pool = AUTO.build()) {
          pool.mapOutcomes(task, inputs); // as the fixed runs do
          plan.set(pool.plan());
        }
      });
      if (service != null) {
        peak = Math.max(peak, service.peak());
        settledOverKnee = Math.max(settledOverKnee, service.settledPeakOverKnee());
      }
    }
    report(name, inputs.size(), String.format(Locale.ROOT, "%s %.2f s", bestConfig, best), bestConfig.toString(), fixed,
        auto, plan.get(), service == null ? "-"
            : String.format(Locale.ROOT, "%d; once settled %.1fx the knee", peak, settledOverKnee));
  }

  /** Builds, runs and closes; stops at {@code limitSeconds}. Returns {seconds (extrapolated if stopped), share done}. */
  private static <I> double[] run(Config c, Task<I, ?> task, List<I> inputs, double limitSeconds) {
    AtomicReference<Progress> progress = new AtomicReference<>();
    long t0 = System.nanoTime();
    Pool pool = switch (c.backend) {
      case "threads" -> Pool.threads().workers(c.n).onProgress(progress::set).build();
      case "virtual" -> Pool.virtualThreads().maxConcurrency(c.n).onProgress(progress::set).build();
      default -> Pool.processes().workers(c.n).onProgress(progress::set).build();
    };
    Thread runner = Thread.ofPlatform().start(() -> pool.mapOutcomes(task, inputs));
    try {
      boolean done = runner.join(java.time.Duration.ofNanos((long) (limitSeconds * 1e9)));
      Progress p = progress.get();
      if (!done) {
        pool.terminate();
        runner.join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double share = p == null ? 1e-6 : Math.max(1e-6, p.done() / (double) inputs.size());
        return new double[] {seconds / share, share};
      }
      pool.close();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return new double[] {(System.nanoTime() - t0) / 1e9, 1};
  }

  private static double timed(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void report(String name, int tasks, String sweepBest, String baseline, double[] fixed, double[] auto,
      Plan plan, String peak) {
    System.err.printf(Locale.ROOT, "%s: %s runs %s; auto runs %s%n%s%n", name, baseline, Arrays.toString(fixed),
        Arrays.toString(auto), plan);
    double ratio = median(auto) / median(fixed);
    RATIOS.add(ratio);
    System.out.printf(Locale.ROOT, "| %s | %,d | %s | %s %.2f s | %.2f s | **%.2fx**%s | %s x %d | %s |%n", name, tasks,
        sweepBest, baseline, median(fixed), median(auto), ratio, ratio > 1.25 ? " (over 1.25x)" : "",
        plan.backend().label(), plan.workers(), peak);
    System.out.flush();
  }

  /** Computing, then waiting, then computing again; against one pool per phase, chosen by hand. */
  private static void phase() {
    List<Integer> compute = times(2_000, -1);
    List<Integer> wait = times(40_000, 50);
    List<Integer> all = Stream.of(compute, wait, compute).flatMap(List::stream).toList();
    Task<Integer, Long> task = Workloads::phase;
    double[] twoPools = new double[ROUNDS];
    double[] auto = new double[ROUNDS];
    AtomicReference<Plan> plan = new AtomicReference<>();
    for (int i = 0; i < ROUNDS; i++) {
      twoPools[i] = timed(() -> {
        List<Long> out = new ArrayList<>(all.size());
        try (Pool threads = Pool.threads().workers(CORES).build();
            Pool virtual = Pool.virtualThreads().maxConcurrency(MAX_CONCURRENCY).build()) {
          out.addAll(threads.map(task, compute));
          out.addAll(virtual.map(task, wait));
          out.addAll(threads.map(task, compute));
        }
      });
      auto[i] = timed(() -> {
        try (Pool pool = AUTO.build()) {
          pool.map(task, all);
          plan.set(pool.plan());
        }
      });
    }
    report("phase change: 2,000 x 1 ms CPU, 40,000 x 50 ms sleep, 2,000 x 1 ms CPU", all.size(), "two pools by hand",
        "two pools", twoPools, auto, plan.get(), "-");
  }
}
