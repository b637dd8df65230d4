package io.jpar.cli;

import io.jpar.Pool;
import io.jpar.Task;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Shows the choice jpar is about, with measurements taken on this machine: computing work gains from
 * as many threads as cores and no more; waiting work gains from as many virtual threads as there are
 * waits. Every lesson printed is derived from the numbers measured in this run.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Measure computing and waiting work on different machinery and say which fits.",
    footer = {"", "Example:", "  jpar demo --waits 2000"})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--waits", defaultValue = "400", description = "How many 50 ms waits (default: ${DEFAULT-VALUE}).")
  int waits;

  @Option(names = "--compute-tasks", defaultValue = "16", description = "How many computing tasks (default: ${DEFAULT-VALUE}).")
  int computeTasks;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf("jpar demo on %d cores, Java %s%n%n", cores, Runtime.version());

    List<Integer> numbers = IntStream.range(0, computeTasks).map(i -> 300_000).boxed().toList();
    Task<Integer, Integer> countPrimes = DemoCommand::countPrimesBelow;
    List<Row> rows = new ArrayList<>();
    Measurement seq = Measurement.of("compute, sequential", () -> numbers.forEach(n -> countPrimesBelow(n)));
    rows.add(new Row(seq, seq));
    try (Pool pool = Pool.threads().build()) {
      rows.add(new Row(Measurement.of("compute, " + cores + " platform threads", () -> pool.map(countPrimes, numbers)), seq));
    }

    List<Integer> sleeps = IntStream.range(0, waits).map(i -> 50).boxed().toList();
    Task<Integer, Integer> wait = ms -> {
      Thread.sleep(ms);
      return ms;
    };
    int small = 2 * cores;
    Measurement threads;
    try (Pool pool = Pool.threads().workers(small).build()) {
      threads = Measurement.of("wait, " + small + " platform threads", () -> pool.map(wait, sleeps));
    }
    rows.add(new Row(threads, threads));
    try (Pool pool = Pool.virtualThreads().maxConcurrency(waits).build()) {
      rows.add(new Row(Measurement.of("wait, virtual threads", () -> pool.map(wait, sleeps)), threads));
    }

    out.printf("%-32s %9s %9s %8s  %s%n", "run", "time", "speed-up", "CPU use", "lesson");
    for (Row r : rows) {
      out.printf("%-32s %8.2fs %8.1fx %7.0f%%  %s%n",
          r.m.label(), r.m.seconds(), r.speedUp(), 100 * r.m.cpuUse(), r.lesson(cores));
    }
    return 0;
  }

  /** One line of the table: a measurement and the baseline it is compared with. */
  private record Row(Measurement m, Measurement baseline) {
    double speedUp() {
      return baseline.seconds() / m.seconds();
    }

    String lesson(int cores) {
      if (m == baseline) {
        return "baseline";
      }
      // The baseline's CPU use tells what the work is: a busy CPU means computing, an idle one waiting.
      if (baseline.cpuUse() * cores > 0.5) {
        return String.format("computing: %.1fx on %d cores (CPU %.0f%% busy); more threads than cores cannot help",
            speedUp(), cores, 100 * m.cpuUse());
      }
      return String.format("waiting: the CPU idled at %.0f%%, so overlapping every wait paid %.0fx",
          100 * baseline.cpuUse(), speedUp());
    }
  }

  static int countPrimesBelow(int n) {
    int count = 0;
    for (int i = 2; i < n; i++) {
      boolean prime = true;
      for (int d = 2; (long) d * d <= i; d++) {
        if (i % d == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        count++;
      }
    }
    return count;
  }
}
