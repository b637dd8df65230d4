package io.jpar.cli;

import io.jpar.cli.csv.CsvJob;
import io.jpar.cli.csv.FileProfile;
import io.jpar.cli.csv.Slice;
import io.jpar.Task;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jpar advise csv}: the sweep on {@code jpar csv}'s own task, over the given files. */
@Command(name = "csv", mixinStandardHelpOptions = true,
    description = "Measure jpar csv's profiling on each backend at a few sizes and recommend one.")
final class AdviseCsvCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, directories or globs, as for jpar csv.")
  List<String> paths;

  @Option(names = "--min-slice", paramLabel = "BYTES", defaultValue = "16777216",
      description = "Split files into slices at least this large (default: ${DEFAULT-VALUE}).")
  long minSlice;

  @Mixin AdviceOptions options;

  @Override
  public Integer call() throws IOException {
    options.validate(spec.commandLine());
    CsvJob job = CsvJob.plan(paths, Runtime.getRuntime().availableProcessors(), Math.max(1, minSlice));
    if (job.files().isEmpty()) {
      spec.commandLine().getErr().println("jpar advise csv: no CSV files found in " + String.join(" ", paths));
      return 1;
    }
    Task<Slice, FileProfile> task = CsvJob::profile;
    options.advise(task, job.slices(), List.of(), true, spec.commandLine().getOut(), spec.commandLine().getErr(),
        "CSV profiling (" + job.files().size() + " files)");
    return 0;
  }
}
