package io.jpar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link Advisor} measured: the throughput of a sample of work on each machinery at a few
 * sizes, the configuration that fits best, and why, in plain words. {@link #toString()} is a table
 * followed by the verdict; {@link #curves()} gives the speed-up curves for a chart.
 *
 * {@snippet :
 * Advice advice = Advisor.create().measure(Thumbs::make, sample);
 * System.out.println(advice);
 * try (Pool pool = advice.best().newPool()) { ... }
 * }
 *
 * <p>Thread safety: immutable.
 *
 * @param trials every configuration tried, in the order tried
 * @param best the recommended configuration: among those within 10% of the highest throughput (closer than
 *     that is within the noise of a shared machine), one on the machinery the verdict names (platform
 *     threads for computing work, virtual threads for waiting work), with the fewest workers
 * @param explanation one paragraph in plain words, with the figures behind it
 * @since 0.2
 */
public record Advice(List<Trial> trials, Trial best, String explanation) {
  /** Configurations within this share of the best throughput count as equally good; the smaller wins. */
  static final double WITHIN = 0.10;

  /**
   * Checks and copies the parts.
   *
   * @throws NullPointerException if {@code best} or {@code explanation} is null
   */
  public Advice {
    trials = List.copyOf(trials);
    Objects.requireNonNull(best, "best");
    Objects.requireNonNull(explanation, "explanation");
  }

  /**
   * One configuration and how the sample ran on it.
   *
   * @param backend the machinery the trial ran on
   * @param workers threads, concurrency or worker JVMs
   * @param tasks inputs in the sample
   * @param completed how many finished before the trial ended (fewer when it was cut short as hopeless)
   * @param elapsed wall time of the trial (worker start-up not included)
   * @param cpuCores CPU time used over wall time, in cores (worker JVMs included)
   * @param failures tasks that failed
   */
  public record Trial(BackendKind backend, int workers, int tasks, int completed, Duration elapsed, double cpuCores,
      long failures) {
    /** {@return the throughput: tasks finished per second of the trial} */
    public double tasksPerSecond() {
      return completed / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }

    /** {@return {@code true} when every input of the sample finished} */
    public boolean complete() {
      return completed == tasks;
    }

    /**
     * A new pool of this configuration.
     *
     * @return a started pool, which the caller closes
     */
    public Pool newPool() {
      return switch (backend) {
        case PLATFORM_THREADS -> Pool.threads().workers(workers).build();
        case VIRTUAL_THREADS -> Pool.virtualThreads().maxConcurrency(workers).build();
        case WORKER_PROCESSES -> Pool.processes().workers(workers).build();
      };
    }

    @Override
    public String toString() {
      return backend.label() + " x " + workers;
    }
  }

  /**
   * Advice from trials measured elsewhere (a command that timed its own runs): the best is chosen and
   * explained the same way.
   *
   * @param trials the configurations tried and their figures
   * @return the advice: the best trial and why
   * @throws IllegalArgumentException if there is no trial
   */
  public static Advice of(List<Trial> trials) {
    if (trials.isEmpty()) {
      throw new IllegalArgumentException("no trial to advise on");
    }
    Trial best = choose(trials);
    return new Advice(trials, best, explain(trials, best));
  }

  static Trial choose(List<Trial> trials) {
    double top = trials.stream().mapToDouble(Trial::tasksPerSecond).max().orElse(0);
    BackendKind named = verdictKind(trials);
    // Within the noise, the machinery the verdict names wins (computing: platform threads; waiting:
    // virtual threads), then the fewest workers.
    return trials.stream()
        .filter(t -> t.tasksPerSecond() >= (1 - WITHIN) * top)
        .min(Comparator.comparing((Trial t) -> named != null && t.backend() != named)
            .thenComparingInt(Trial::workers)
            .thenComparing(t -> t.backend() == BackendKind.WORKER_PROCESSES))
        .orElseThrow();
  }

  /** The one-at-a-time platform thread trial, whose CPU share says what kind of work this is; null if none ran. */
  private static Trial single(List<Trial> trials) {
    return trials.stream().filter(t -> t.workers() == 1 && t.backend() == BackendKind.PLATFORM_THREADS
        && t.completed() > 0).findFirst().orElse(null);
  }

  /** The machinery the verdict names: platform threads for computing work, virtual threads for waiting. */
  static BackendKind verdictKind(List<Trial> trials) {
    Trial single = single(trials);
    if (single == null) {
      return null;
    }
    return Math.min(1, single.cpuCores()) >= COMPUTING ? BackendKind.PLATFORM_THREADS : BackendKind.VIRTUAL_THREADS;
  }

  /** CPU share, one at a time, from which work counts as computing. */
  static final double COMPUTING = 0.6;

  static String explain(List<Trial> trials, Trial best) {
    int cores = Runtime.getRuntime().availableProcessors();
    Trial single = single(trials);
    boolean computing = verdictKind(trials) == BackendKind.PLATFORM_THREADS;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Best: %s, %.1f tasks/s", best, best.tasksPerSecond()));
    Trial slowest = trials.stream().min(Comparator.comparingDouble(Trial::tasksPerSecond)).orElseThrow();
    double speedUp = best.tasksPerSecond() / Math.max(1e-9, slowest.tasksPerSecond());
    boolean impossible = computing && slowest.workers() == 1 && speedUp > 1.05 * cores;
    if (slowest != best && !impossible) {
      s.append(String.format(Locale.ROOT, " (%.1fx %s)", speedUp, slowest));
    }
    s.append(". ");
    if (impossible) {
      s.append(String.format(Locale.ROOT, "MEASUREMENT PROBLEM: %.1fx over %s on computing work is more than %d cores"
          + " can give (a busy machine or a cold start), so it is not shown as a result. ", speedUp, slowest, cores));
    }
    if (single != null) {
      double wallMs = single.elapsed().toNanos() / 1e6 / single.completed();
      double share = Math.min(1, single.cpuCores());
      s.append(String.format(Locale.ROOT, "One at a time a task took %.2f ms, %.0f%% of it on the CPU: ", wallMs, 100 * share));
      if (computing) {
        s.append(String.format(Locale.ROOT, "computing work, which scales with the %d cores and no further", cores));
      } else {
        s.append(String.format(Locale.ROOT, "waiting work: about %d at once keep the %d cores busy (Little's law)",
            Math.max(cores, Math.round(cores / Math.max(share, 0.001))), cores));
      }
      s.append(". ");
    }
    s.append(String.format(Locale.ROOT, "At its best the work used %.1f of %d cores.", best.cpuCores(), cores));
    long failed = trials.stream().mapToLong(Trial::failures).sum();
    if (failed > 0) {
      s.append(String.format(Locale.ROOT, " %d task runs failed across the trials; the figures count them.", failed));
    }
    if (trials.stream().anyMatch(t -> !t.complete())) {
      s.append(" Trials marked * were stopped early as clearly slower; their rate is from the tasks that finished.");
    }
    return s.toString();
  }

  /**
   * Throughput against workers, one curve per backend, in the order of {@link #trials}: for a chart.
   *
   * @return for each backend tried, its trials by number of workers
   */
  public Map<BackendKind, List<Trial>> curves() {
    Map<BackendKind, List<Trial>> curves = new LinkedHashMap<>();
    for (Trial t : trials) {
      curves.computeIfAbsent(t.backend(), b -> new ArrayList<>()).add(t);
    }
    curves.values().forEach(l -> l.sort(Comparator.comparingInt(Trial::workers)));
    return curves;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-18s %8s %10s %12s %10s %8s%n", "backend", "workers",
        "seconds", "tasks/s", "CPU cores", "failed"));
    for (Trial t : trials) {
      s.append(String.format(Locale.ROOT, "%-18s %8d %9.3f%s %12.1f %10.2f %8d%s%n", t.backend().label(), t.workers(),
          t.elapsed().toNanos() / 1e9, t.complete() ? " " : "*", t.tasksPerSecond(), t.cpuCores(), t.failures(),
          t == best ? "   <- best" : ""));
    }
    return s.append(explanation).toString();
  }
}
