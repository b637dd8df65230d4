package io.jpar;

import io.jpar.Advice.Trial;
import io.jpar.internal.TaskStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a sample of work on each machinery at a few sizes and returns {@link Advice}: the throughput
 * of each configuration, the best one, and why. Platform threads are tried at 1, cores, 2 x and 4 x
 * cores; virtual threads from cores up to {@code maxConcurrency}; worker processes at 1 and cores
 * (when the task can be sent). The whole sample runs once untimed first, so the first trial does not pay
 * for the JIT; a trial that is clearly hopeless (three times the best so far) is stopped and reported as
 * such. The contenders (within 25% of the best) then run again, in turn, until their spreads separate
 * or five runs each (a tie, resolved for the machinery the verdict names); their medians are reported.
 *
 * {@snippet :
 * Advice advice = Advisor.create().measure(Thumbs::make, images.subList(0, 200));
 * System.out.println(advice);              // a table, then the verdict
 * }
 *
 * <p>Thread safety: immutable; {@code measure} may be called from several threads, but the trials then
 * compete for the cores and the figures mean little.
 *
 * @since 0.2
 */
public final class Advisor {
  private final int maxConcurrency;
  private final boolean processes;
  private final Duration trialLimit;
  private final List<Path> workerClassPath;

  private Advisor(Builder b) {
    this.maxConcurrency = b.maxConcurrency;
    this.processes = b.processes;
    this.trialLimit = b.trialLimit;
    this.workerClassPath = List.copyOf(b.workerClassPath);
  }

  /**
   * An advisor with the defaults: virtual threads up to 1,000 at once, processes tried, 60 s per trial at most.
   *
   * @return an advisor with the default options
   */
  public static Advisor create() {
    return builder().build();
  }

  /** {@return a builder, for an advisor with options of its own} */
  public static Builder builder() {
    return new Builder();
  }

  /** Options of an {@link Advisor}; each may be set once. */
  public static final class Builder {
    private int maxConcurrency = VirtualThreadPoolBuilder.DEFAULT_MAX_CONCURRENCY;
    private boolean processes = true;
    private Duration trialLimit = Duration.ofSeconds(60);
    private List<Path> workerClassPath = List.of();

    private Builder() {}

    /**
     * The most virtual threads tried at once.
     *
     * @param n the most virtual threads, 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public Builder maxConcurrency(int n) {
      this.maxConcurrency = PoolBuilder.requirePositive("maxConcurrency", n);
      return this;
    }

    /**
     * Whether worker processes are tried (they start JVMs; the task and inputs must be serializable).
     *
     * @param tryThem {@code false} to try threads only
     * @return this builder
     */
    public Builder processes(boolean tryThem) {
      this.processes = tryThem;
      return this;
    }

    /**
     * The longest a single trial may run before it is stopped.
     *
     * @param limit the longest trial, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code limit} is zero or negative
     */
    public Builder trialLimit(Duration limit) {
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("trialLimit must be positive, was " + limit);
      }
      this.trialLimit = limit;
      return this;
    }

    /**
     * Jars the workers need beyond the caller's class path (see {@link ProcessPoolBuilder#classPath}).
     *
     * @param entries jars or directories
     * @return this builder
     */
    public Builder workerClassPath(Path... entries) {
      this.workerClassPath = List.of(entries);
      return this;
    }

    /** {@return the advisor} */
    public Advisor build() {
      return new Advisor(this);
    }
  }

  /**
   * Runs {@code sample} once per configuration and advises.
   *
   * @param task the work to measure
   * @param sample the inputs each configuration runs
   * @param <I> the type of the inputs
   * @return the figures of every configuration, the best one and why
   * @throws IllegalArgumentException if the sample is empty
   */
  public <I> Advice measure(Task<? super I, ?> task, List<? extends I> sample) {
    Objects.requireNonNull(task, "task");
    if (sample.isEmpty()) {
      throw new IllegalArgumentException("the sample is empty: give the advisor some inputs to run");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    // The whole sample once, untimed: the first trial must not pay for the JIT (it is the one-thread
    // trial every speed-up is measured against, so a cold one inflates them all).
    try (Pool warm = Pool.virtualThreads().maxConcurrency(Math.min(sample.size(), maxConcurrency)).build()) {
      warm.mapOutcomes(task, sample);
    }
    List<Trial> trials = new ArrayList<>();
    for (int n : sizes(List.of(1, cores, 2 * cores, 4 * cores), sample.size())) {
      trials.add(run(task, sample, BackendKind.PLATFORM_THREADS, n, trials));
    }
    Set<Integer> virtualSizes = new LinkedHashSet<>();
    for (int n = cores; n < Math.min(sample.size(), maxConcurrency); n *= 4) {
      virtualSizes.add(n);
    }
    virtualSizes.add(Math.min(sample.size(), maxConcurrency));
    for (int n : virtualSizes) {
      trials.add(run(task, sample, BackendKind.VIRTUAL_THREADS, n, trials));
    }
    if (processes && serializable(task)) {
      for (int n : sizes(List.of(1, cores), sample.size())) {
        trials.add(run(task, sample, BackendKind.WORKER_PROCESSES, n, trials));
      }
    }
    String repeats = repeatContenders(task, sample, trials);
    Advice advice = Advice.of(trials);
    return new Advice(advice.trials(), advice.best(), advice.explanation() + repeats);
  }

  /** Contenders are the complete trials within this share of the best throughput: they run again. */
  static final double CONTENDING = 0.25;
  /** The fastest few contenders only: each costs up to {@value #MAX_RUNS} runs. */
  static final int MAX_CONTENDERS = 3;
  /** Runs of each contender: at least {@value #MIN_RUNS}, more while their spreads overlap. */
  static final int MIN_RUNS = 3;
  static final int MAX_RUNS = 5;

  /**
   * Runs the contenders again, in turn, until the best one's slowest run beats every other contender's
   * fastest (the spreads separate) or {@value #MAX_RUNS} runs each (a tie, which the advice resolves for
   * the machinery its verdict names); each contender's trial becomes its median run. Returns what to add
   * to the explanation.
   */
  private <I> String repeatContenders(Task<? super I, ?> task, List<? extends I> sample, List<Trial> trials) {
    double top = trials.stream().filter(Trial::complete).mapToDouble(Trial::tasksPerSecond).max().orElse(0);
    List<Integer> contenders = java.util.stream.IntStream.range(0, trials.size()).boxed()
        .filter(i -> trials.get(i).complete() && trials.get(i).tasksPerSecond() >= (1 - CONTENDING) * top)
        .sorted(Comparator.comparingDouble((Integer i) -> trials.get(i).tasksPerSecond()).reversed())
        .limit(MAX_CONTENDERS).toList();
    if (contenders.size() < 2) {
      return "";
    }
    List<List<Trial>> runs = new ArrayList<>();
    for (int i : contenders) {
      runs.add(new ArrayList<>(List.of(trials.get(i))));
    }
    int made = 1;
    while (made < MAX_RUNS && (made < MIN_RUNS || !separated(runs))) {
      for (int c = 0; c < contenders.size(); c++) {
        Trial t = trials.get(contenders.get(c));
        runs.get(c).add(run(task, sample, t.backend(), t.workers(), List.of()));
      }
      made++;
    }
    for (int c = 0; c < contenders.size(); c++) {
      trials.set(contenders.get(c), median(runs.get(c)));
    }
    return String.format(Locale.ROOT, " The %d fastest contenders (within %.0f%% of the best) ran %d times each, in turn;"
        + " their medians are shown%s.", contenders.size(), 100 * CONTENDING, made, separated(runs) ? ""
            : ", and their spreads still overlap: a tie within the noise, resolved for the machinery the verdict names");
  }

  /** Whether the contender with the best median is faster in its slowest run than every other in its fastest. */
  static boolean separated(List<List<Trial>> runs) {
    List<Trial> best = runs.stream().max(Comparator.comparingDouble(r -> median(r).tasksPerSecond())).orElseThrow();
    double bestSlowest = best.stream().mapToDouble(Trial::tasksPerSecond).min().orElse(0);
    return runs.stream().filter(r -> r != best)
        .allMatch(r -> r.stream().mapToDouble(Trial::tasksPerSecond).max().orElse(0) < bestSlowest);
  }

  static Trial median(List<Trial> runs) {
    List<Trial> sorted = runs.stream().sorted(Comparator.comparingDouble(Trial::tasksPerSecond)).toList();
    return sorted.get(sorted.size() / 2);
  }

  private static List<Integer> sizes(List<Integer> wanted, int sampleSize) {
    return wanted.stream().map(n -> Math.min(n, sampleSize)).distinct().toList();
  }

  private <I> Trial run(Task<? super I, ?> task, List<? extends I> sample, BackendKind backend, int n, List<Trial> before) {
    double bestSeconds = before.stream().filter(Trial::complete).mapToDouble(t -> t.elapsed().toNanos() / 1e9).min()
        .orElse(Double.MAX_VALUE);
    long limitNanos = (long) Math.min(trialLimit.toNanos(), Math.max(1e9, 3 * bestSeconds * 1e9));
    AtomicReference<Progress> progress = new AtomicReference<>();
    Pool pool = switch (backend) {
      case PLATFORM_THREADS -> Pool.threads().workers(n).onProgress(progress::set).build();
      case VIRTUAL_THREADS -> Pool.virtualThreads().maxConcurrency(n).onProgress(progress::set).build();
      case WORKER_PROCESSES -> Pool.processes().workers(n).classPath(workerClassPath.toArray(Path[]::new))
          .onProgress(progress::set).build();
    };
    long cpu0 = TaskStats.processCpuNanos();
    long t0 = System.nanoTime();
    Thread runner = Thread.ofPlatform().daemon().name("jpar-advisor").start(() -> pool.mapOutcomes(task, sample));
    Progress last;
    try {
      boolean finished = runner.join(Duration.ofNanos(limitNanos));
      last = progress.get(); // before a terminate counts the cancelled inputs as done
      if (!finished) {
        pool.terminate();
        runner.join();
      }
    } catch (InterruptedException e) {
      pool.terminate();
      Thread.currentThread().interrupt();
      throw new JparException("interrupted while measuring " + backend.label() + " x " + n, e);
    }
    long elapsed = System.nanoTime() - t0;
    Plan plan = pool.plan();
    pool.close();
    long cpu = backend == BackendKind.WORKER_PROCESSES
        ? plan.meanCpu().toNanos() * plan.tasksMeasured()
        : TaskStats.processCpuNanos() - cpu0;
    int completed = last == null ? 0 : (int) Math.min(sample.size(), last.done());
    long failures = last == null ? 0 : last.failed();
    return new Trial(backend, n, sample.size(), completed, Duration.ofNanos(elapsed), cpu / (double) elapsed, failures);
  }

  private static boolean serializable(Object task) {
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(task);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
