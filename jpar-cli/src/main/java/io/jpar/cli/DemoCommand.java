package io.jpar.cli;

import com.sun.net.httpserver.HttpServer;
import io.jpar.Advice;
import io.jpar.BackendKind;
import io.jpar.Outcome;
import io.jpar.Pool;
import io.jpar.Task;
import io.jpar.VirtualThreadPoolBuilder;
import io.jpar.WorkerCrashedException;
import io.jpar.cli.csv.CsvJob;
import io.jpar.cli.csv.FileProfile;
import io.jpar.cli.csv.Slice;
import io.jpar.cli.fetch.FetchResult;
import io.jpar.cli.fetch.Fetcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job: shows, with numbers measured on this machine, which machinery fits which work.
 * Profiling CSV files (computing) runs sequentially, on platform threads and on worker processes;
 * 2,000 HTTP calls to a local server that answers in 50 ms (waiting) run on a small platform-thread
 * pool and on virtual threads; then a process pool meets tasks that kill their workers. Every setup is
 * warmed on its own work first, then all run {@value #ROUNDS} times in turn and the medians are shown;
 * a speed-up on computing work above the core count is flagged as a measurement problem. Every lesson
 * printed is derived from the numbers of this run.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {"Measure computing and waiting work on each kind of machinery and say which fits.",
      "Self-contained: generates its data in a temporary folder and serves HTTP on 127.0.0.1."},
    footer = {"", "Examples:", "  jpar demo", "  jpar demo --csv-mb 64 --fetches 5000", "  jpar demo --cluster"})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--csv-mb", defaultValue = "32", description = "Size of the generated CSV data in MB (default: ${DEFAULT-VALUE}).")
  int csvMb;

  @Option(names = "--fetches", defaultValue = "2000", description = "How many HTTP calls (default: ${DEFAULT-VALUE}).")
  int fetches;

  @Option(names = "--latency", defaultValue = "50ms", converter = DurationConverter.class,
      description = "How long the local server takes to answer (default: ${DEFAULT-VALUE}).")
  Duration latency;

  @Option(names = "--cluster", description = "Instead: three cluster members on this machine, a batch over them, one killed mid-run (under a minute).")
  boolean cluster;

  private static final int SMALL_POOL = 32;
  /** A speed-up on computing work past this many times the cores cannot be real (5% for timer noise). */
  static final double IMPOSSIBLE = 1.05;
  private static final BackendChoice THREADS = BackendChoice.of(BackendKind.PLATFORM_THREADS);
  private static final BackendChoice VIRTUAL = BackendChoice.of(BackendKind.VIRTUAL_THREADS);
  private static final BackendChoice PROCESSES = BackendChoice.of(BackendKind.WORKER_PROCESSES);
  private final List<String> autoPlans = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (cluster) {
      return new ClusterDemo(out).run();
    }
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf("jpar demo on %d cores, Java %s%n", cores, Runtime.version());
    Path dir = Files.createTempDirectory("jpar-demo-");
    HttpServer server = LocalServer.start(latency);
    try {
      List<String> files = DemoData.writeCsv(dir, 8, csvMb * 1_000_000L / 8);
      out.printf("data: %d CSV files, %d MB in %s; server: %s answering in %d ms%n%n",
          files.size(), csvMb, dir, "127.0.0.1:" + server.getAddress().getPort(), latency.toMillis());
      out.flush();
      List<Row> rows = new ArrayList<>();
      rows.addAll(csvRuns(files, cores));
      rows.addAll(fetchRuns(server));
      printTable(out, rows, cores);
      out.println();
      isolation(out);
      out.println();
      verdict(out, rows);
    } finally {
      server.stop(0);
      deleteTree(dir);
    }
    return 0;
  }

  /**
   * Rounds of every run: each setup runs once per round, in turn, and the table shows each one's median,
   * so that a neighbour's burst of CPU or a late JIT compilation lands in one run, not in one setup.
   */
  static final int ROUNDS = 3;

  private List<Row> csvRuns(List<String> files, int cores) {
    List<Slice> slices = files.stream().map(f -> new Slice(f, 0, -1, 1, null)).toList();
    Task<Slice, FileProfile> profile = CsvJob::profile;
    // Every setup is warmed first with the work it is measured on (in this JVM and in the worker JVMs),
    // so that the table compares the machinery and not which run the JIT compiled the code in.
    slices.forEach(CsvJob::profile);
    int n = slices.size();
    List<Setup> setups = List.of(new Setup(THREADS, cores), new Setup(PROCESSES, cores),
        new Setup(BackendChoice.AUTO, VirtualThreadPoolBuilder.DEFAULT_MAX_CONCURRENCY));
    List<Pool> pools = new ArrayList<>();
    try {
      for (Setup s : setups) {
        Pool pool = s.on.pool(s.workers);
        pools.add(pool);
        pool.map(profile, slices);
      }
      List<List<Measurement>> runs = rounds(setups.size() + 1, i -> i == 0
          ? Measurement.of("CSV, sequential", () -> slices.forEach(CsvJob::profile))
          : Measurement.of("CSV, " + setups.get(i - 1).name(), () -> pools.get(i - 1).map(profile, slices)));
      Measurement seq = Measurement.median(runs.get(0));
      List<Row> rows = new ArrayList<>(List.of(new Row(seq, seq, Work.COMPUTE, THREADS, 1, n)));
      for (int i = 0; i < setups.size(); i++) {
        Setup s = setups.get(i);
        rows.add(new Row(Measurement.median(runs.get(i + 1)), seq, Work.COMPUTE, s.on, s.workers, n));
        if (s.on.isAuto()) {
          autoPlans.add("CSV: " + pools.get(i).plan().explanation());
        }
      }
      return rows;
    } finally {
      pools.forEach(Pool::close);
    }
  }

  /** Runs {@code setups} setups {@link #ROUNDS} times in turn; returns each one's runs. */
  private static List<List<Measurement>> rounds(int setups, java.util.function.IntFunction<Measurement> run) {
    List<List<Measurement>> runs = new ArrayList<>();
    for (int i = 0; i < setups; i++) {
      runs.add(new ArrayList<>());
    }
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < setups; i++) {
        runs.get(i).add(run.apply(i));
      }
    }
    return runs;
  }

  private List<Row> fetchRuns(HttpServer server) {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/item");
    List<URI> uris = IntStream.range(0, fetches).mapToObj(i -> uri.resolve("/item/" + i)).toList();
    Fetcher fetcher = new Fetcher(new Fetcher.Settings(Duration.ofSeconds(30), 1, 0, fetches, Map.of(), null,
        Duration.ofMillis(100)));
    Task<URI, FetchResult> get = fetcher::fetch;
    List<Setup> setups = List.of(new Setup(THREADS, SMALL_POOL), new Setup(VIRTUAL, fetches),
        new Setup(BackendChoice.AUTO, fetches));
    List<Pool> pools = new ArrayList<>();
    try {
      List<URI> warm = uris.subList(0, Math.min(uris.size(), 4 * SMALL_POOL));
      for (Setup s : setups) {
        Pool pool = s.on.pool(s.workers);
        pools.add(pool);
        check(pool.map(get, warm)); // the HTTP client and the pool's code compiled before anything is timed
      }
      List<List<Measurement>> runs = rounds(setups.size(), i -> Measurement.of(fetches + " HTTP calls, "
          + setups.get(i).name(), () -> check(pools.get(i).map(get, uris))));
      Measurement baseline = Measurement.median(runs.get(0)); // the small pool of platform threads
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < setups.size(); i++) {
        Setup s = setups.get(i);
        rows.add(new Row(Measurement.median(runs.get(i)), baseline, Work.WAIT, s.on, s.workers, fetches));
        if (s.on.isAuto()) {
          autoPlans.add("HTTP: " + pools.get(i).plan().explanation());
        }
      }
      return rows;
    } finally {
      pools.forEach(Pool::close);
    }
  }

  private static void check(List<FetchResult> results) {
    long bad = results.stream().filter(r -> !r.ok()).count();
    if (bad > 0) {
      throw new IllegalStateException(bad + " of the local HTTP calls failed, e.g. " + results.stream()
          .filter(r -> !r.ok()).findFirst().map(FetchResult::error).orElse(""));
    }
  }

  private void isolation(PrintWriter out) {
    out.println("Isolation: a process pool meets tasks that kill their workers.");
    List<String> inputs = List.of("ok", "exit", "ok", "out-of-memory", "ok");
    try (Pool pool = Pool.processes().workers(2).workerHeap("64m").build()) {
      Measurement m = Measurement.of("isolation", () -> {
        List<Outcome<String>> outcomes = pool.mapOutcomes(DemoCommand::misbehave, inputs);
        for (int i = 0; i < inputs.size(); i++) {
          String what = switch (outcomes.get(i)) {
            case Outcome.Success<String> s -> "ok: " + s.value();
            case Outcome.Failure<String> f -> f.error().getCause() instanceof WorkerCrashedException c
                ? "worker died (" + c.exitDescription() + "): " + crashLine(c)
                : "failed: " + f.error().getCause();
          };
          out.printf("  task %d (%s): %s%n", i, inputs.get(i), what);
        }
        long ok = outcomes.stream().filter(Outcome::isSuccess).count();
        List<String> after = pool.map(DemoCommand::misbehave, List.of("ok", "ok"));
        out.printf("  the pool carried on: %d of %d tasks succeeded, and it still runs new work (%d more ok)%n",
            ok, inputs.size(), after.size());
      });
      out.printf("  (%.2f s, including replacing the dead workers)%n", m.seconds());
    }
  }

  /**
   * The advisor's verdict on this run's own measurements: per kind of work, the fixed configurations
   * measured above as trials, the best of them, and what Pool.auto() chose by itself.
   */
  private void verdict(PrintWriter out, List<Row> rows) {
    out.println("Verdict (the advisor on the runs above):");
    Map<Work, Double> autoVsFastest = new EnumMap<>(Work.class);
    for (Work work : Work.values()) {
      List<Row> ofWork = rows.stream().filter(r -> r.work == work).toList();
      Advice advice = Advice.of(ofWork.stream().flatMap(r -> r.trial().stream()).toList());
      out.printf(Locale.ROOT, "  %s work: %s%n", work == Work.COMPUTE ? "computing" : "waiting", advice.explanation());
      Duration fastest = advice.trials().stream().map(Advice.Trial::elapsed).min(Comparator.naturalOrder()).orElseThrow();
      Row auto = ofWork.stream().filter(Row::auto).findFirst().orElseThrow();
      autoVsFastest.put(work, auto.m.wall().toNanos() / (double) fastest.toNanos());
    }
    for (String plan : autoPlans) {
      out.println("  " + plan);
    }
    out.printf(Locale.ROOT, "  Pool.auto() took %.2fx the best fixed run's time on CSV and %.2fx on HTTP, choosing by itself.%n",
        autoVsFastest.get(Work.COMPUTE), autoVsFastest.get(Work.WAIT));
  }

  /**
   * The crash in the table's words: the message's first line and, when the worker left any, its last
   * few stderr lines, indented under it (the first line ends by announcing them).
   */
  static String crashLine(WorkerCrashedException c) {
    String first = c.getMessage();
    int nl = first.indexOf('\n');
    first = nl < 0 ? first : first.substring(0, nl);
    List<String> tail = c.stderrTail();
    StringBuilder s = new StringBuilder(first);
    for (String line : tail.subList(Math.max(0, tail.size() - STDERR_SHOWN), tail.size())) {
      s.append("\n      | ").append(line);
    }
    return s.toString();
  }

  private static final int STDERR_SHOWN = 3;

  /** A task for the isolation part: "exit" ends its JVM, "out-of-memory" fills its heap. */
  static String misbehave(String what) {
    switch (what) {
      case "exit" -> System.exit(3);
      case "out-of-memory" -> {
        List<long[]> hog = new ArrayList<>();
        while (true) {
          hog.add(new long[1 << 20]);
        }
      }
      default -> { }
    }
    return "done in pid " + ProcessHandle.current().pid();
  }

  enum Work { COMPUTE, WAIT }

  /** A configuration the demo runs on; its name in the table comes from the backend kind's label. */
  record Setup(BackendChoice on, int workers) {
    String name() {
      return on.kind().map(k -> k == BackendKind.VIRTUAL_THREADS ? k.label() : workers + " " + k.label())
          .orElse("Pool.auto()");
    }
  }

  /**
   * One line of the table: a measurement, its baseline, what kind of work it is, and on what it ran
   * (for {@link BackendChoice#AUTO}, {@code workers} is Pool.auto()'s ceiling on concurrency).
   */
  record Row(Measurement m, Measurement baseline, Work work, BackendChoice on, int workers, int tasks) {
    boolean auto() {
      return on.isAuto();
    }

    double speedUp() {
      return baseline.seconds() / m.seconds();
    }

    /** This run as the advisor's trial; none for Pool.auto(), which is no fixed configuration. */
    Optional<Advice.Trial> trial() {
      return on.kind().map(k -> new Advice.Trial(k, workers, tasks, tasks, m.wall(),
          m.cpu().toNanos() / (double) Math.max(1, m.wall().toNanos()), 0));
    }
  }

  private static void printTable(PrintWriter out, List<Row> rows, int cores) {
    out.printf("%-36s %8s %9s %8s  %s%n", "run", "time", "speed-up", "CPU use", "lesson");
    Row threads = rows.stream().filter(r -> r.work == Work.COMPUTE && r.on.is(BackendKind.PLATFORM_THREADS)
        && r.m != r.baseline).findFirst().orElseThrow();
    for (Row r : rows) {
      out.printf(Locale.ROOT, "%-36s %7.2fs %8.1fx %7.0f%%  %s%n",
          r.m.label(), r.m.seconds(), r.speedUp(), 100 * r.m.cpuUse(), lesson(r, threads, cores));
    }
  }

  /** The lesson of a row, from its numbers only. */
  static String lesson(Row r, Row threads, int cores) {
    if (r.work == Work.COMPUTE && r.m != r.baseline && r.speedUp() > IMPOSSIBLE * cores) {
      return String.format(Locale.ROOT, "MEASUREMENT PROBLEM: %.1fx on computing work is more than %d cores can give"
          + " (a busy machine or an unwarmed run); not a result", r.speedUp(), cores);
    }
    if (r.auto()) {
      return String.format(Locale.ROOT, "%.1fx, choosing by itself from what it measured (see the verdict)", r.speedUp());
    }
    if (r.m == r.baseline) {
      return r.work == Work.COMPUTE
          ? String.format(Locale.ROOT, "baseline: one core busy (CPU %.0f%% of %d cores)", 100 * r.m.cpuUse(), cores)
          : r.m.cpuUse() < 0.5
              ? String.format(Locale.ROOT, "baseline: threads wait, the CPU idles (%.0f%%)", 100 * r.m.cpuUse())
              : String.format(Locale.ROOT, "baseline: only %d calls wait at once (CPU %.0f%%: the local server shares the cores)",
                  SMALL_POOL, 100 * r.m.cpuUse());
    }
    if (r.work == Work.WAIT) {
      return r.m.cpuUse() < 0.8
          ? String.format(Locale.ROOT, "waiting work: %.1fx faster by overlapping every wait; CPU only %.0f%%",
              r.speedUp(), 100 * r.m.cpuUse())
          : String.format(Locale.ROOT, "waiting work: %.1fx faster by overlapping every wait, until the HTTP "
              + "client and server (same cores) ran out of CPU (%.0f%%)", r.speedUp(), 100 * r.m.cpuUse());
    }
    if (r.on.is(BackendKind.WORKER_PROCESSES)) {
      double vsThreads = threads.m.seconds() / r.m.seconds();
      return String.format(Locale.ROOT, "%.1fx, %.0f%% of the threads' speed, but each file in its own heap: "
          + "a bad file cannot take the run down", r.speedUp(), 100 * vsThreads);
    }
    return String.format(Locale.ROOT, "computing: %.1fx on %d cores (CPU %.0f%%); more threads than cores cannot help",
        r.speedUp(), cores, 100 * r.m.cpuUse());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
