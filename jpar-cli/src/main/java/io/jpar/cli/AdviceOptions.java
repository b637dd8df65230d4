package io.jpar.cli;

import io.jpar.Advice;
import io.jpar.Advisor;
import io.jpar.Task;
import io.jpar.chart.AdviceChart;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every {@code jpar advise} form shares, and the sweep itself. */
final class AdviceOptions {
  @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw throughput against workers, one line per backend.")
  Path chart;

  @Option(names = "--max-concurrency", defaultValue = "1000", description = "Most virtual threads tried at once (default: ${DEFAULT-VALUE}).")
  int maxConcurrency;

  @Option(names = "--no-processes", description = "Do not try worker processes (they start JVMs).")
  boolean noProcesses;

  @Option(names = "--trial-limit", defaultValue = "60s", converter = DurationConverter.class,
      description = "Stop any one trial after this long (default: ${DEFAULT-VALUE}).")
  Duration trialLimit;

  @Option(names = "--sample", paramLabel = "N", description = "Use only the first N inputs (default: all).")
  Integer sample;

  /**
   * Runs the sweep, prints the table and verdict, draws the chart if asked. Worker processes are tried
   * unless {@code --no-processes} was given or {@code processesFit} is false (a task whose state lives
   * in this JVM); the options themselves stay as parsed.
   */
  <I> Advice advise(Task<? super I, ?> task, List<? extends I> inputs, List<Path> workerClassPath, boolean processesFit,
      PrintWriter out, PrintWriter err, String what) throws IOException {
    List<? extends I> used = sample == null ? inputs : inputs.subList(0, Math.min(sample, inputs.size()));
    err.printf("jpar advise: measuring %s on %d inputs, on each backend at a few sizes...%n", what, used.size());
    err.flush();
    Advice advice = Advisor.builder().maxConcurrency(maxConcurrency).processes(processesFit && !noProcesses).trialLimit(trialLimit)
        .workerClassPath(workerClassPath.toArray(Path[]::new)).build().measure(task, used);
    out.println(advice);
    if (chart != null) {
      AdviceChart.writePng(advice, chart);
      err.println("jpar advise: chart written to " + chart);
    }
    return advice;
  }

  void validate(picocli.CommandLine cl) {
    if (maxConcurrency < 1) {
      throw new picocli.CommandLine.ParameterException(cl, "--max-concurrency must be at least 1, was " + maxConcurrency);
    }
    if (sample != null && sample < 1) {
      throw new picocli.CommandLine.ParameterException(cl, "--sample must be at least 1, was " + sample);
    }
    if (chart != null && !chart.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
      throw new picocli.CommandLine.ParameterException(cl, "--chart writes a PNG; name the file *.png, was " + chart);
    }
  }
}
