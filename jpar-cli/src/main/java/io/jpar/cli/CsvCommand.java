package io.jpar.cli;

import io.jpar.Outcome;
import io.jpar.Pool;
import io.jpar.cluster.ClusterPool;
import io.jpar.cli.csv.CsvJob;
import io.jpar.cli.csv.FileProfile;
import io.jpar.cli.csv.ProfileReport;
import io.jpar.cli.csv.ReadOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jpar csv}: profiles CSV files in parallel, one worker per file or per slice of a large file. */
@Command(
    name = "csv",
    mixinStandardHelpOptions = true,
    description = {
      "Profile CSV files in parallel: rows, and per column the type, empty and",
      "non-empty counts, the empty share, min, max, mean, standard deviation and",
      "an approximate distinct count; quartiles and median of numbers and dates;",
      "the most frequent values of text columns. Per file and for all files.",
      "A file much larger than the others is split at record boundaries.",
      "Quartiles (marked ~) are approximate past 2,048 values: a deterministic sketch,",
      "measured within 0.5%% of rank. Top values are exact counts unless a column has more",
      "than a few hundred distinct values; then a Misra-Gries summary, marked",
      "approximate (JSON gives the largest possible undercount)."
    },
    footer = {"", "Examples:",
      "  jpar csv data/                         every *.csv and *.csv.gz under data/",
      "  jpar csv 'logs/2026-*.csv' --format json --output profile.json",
      "  jpar csv big.csv --backend threads --workers 4",
      "  jpar csv export.csv --encoding ISO-8859-1 --delimiter ';' --null 'NA,n/a,-'",
      "", "Files as found in the wild: a UTF-8 byte order mark is skipped; LF, CRLF",
      "and CR line ends; quoted fields with newlines and \"\" escapes; a bare quote",
      "inside an unquoted field is a character. Each file is reported on its own.",
      "", "Exit codes: 0 all files fine, 1 some files had problems (the others are still reported), 2 usage error."})
final class CsvCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, directories (searched for *.csv, *.csv.gz) or globs.")
  List<String> paths;

  @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = {"-o", "--output"}, description = "Write the report to FILE instead of standard output.")
  Path output;

  @Option(names = "--backend", defaultValue = "processes", converter = BackendChoice.Converter.class,
      completionCandidates = BackendChoice.Words.class,
      description = {"processes, threads, virtual or auto (default: ${DEFAULT-VALUE}: a hostile file can only exhaust its own worker).",
        "auto measures the work as it runs, chooses, and says what it chose on standard error."})
  BackendChoice backend;

  @Option(names = "--cluster", paramLabel = "HOST:PORT,...",
      description = {"Profile on the jpar cluster with members there (jpar worker), instead of this machine;",
        "the shared secret is read from $JPAR_CLUSTER_SECRET, and the files must be at the same paths on every member."})
  String cluster;

  @Option(names = {"-w", "--workers"}, description = "How many workers (default: the number of cores).")
  Integer workers;

  @Option(names = "--min-slice", paramLabel = "BYTES", defaultValue = "16777216",
      description = "A file is split only into slices at least this large (default: ${DEFAULT-VALUE}, 16 MiB).")
  long minSlice;

  @Option(names = "--encoding", paramLabel = "CHARSET", defaultValue = "UTF-8",
      description = "The files' encoding, e.g. ISO-8859-1 or windows-1252 (default: ${DEFAULT-VALUE}; bytes that are not valid in it are an error).")
  String encoding;

  @Option(names = {"-d", "--delimiter"}, paramLabel = "CHAR",
      description = "The field separator, one character or \\t for tab (default: the most frequent of , ; tab | in each file's header line).")
  String delimiter;

  @Option(names = "--null", paramLabel = "LIST", defaultValue = "NA,NULL",
      description = "Comma-separated values counted as missing like an empty field (default: ${DEFAULT-VALUE}; --null '' for empty only).")
  String nulls;

  enum Format { table, json, csv }

  /** The options as the profiler takes them; a bad encoding or delimiter is a usage error. */
  private ReadOptions readOptions() {
    Charset charset;
    try {
      charset = Charset.forName(encoding);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--encoding: unknown charset " + encoding);
    }
    // Record boundaries are found in bytes, so ',', '"' and newline must be single ASCII bytes.
    if (!Arrays.equals("a,\"\n".getBytes(charset), "a,\"\n".getBytes(StandardCharsets.US_ASCII))) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--encoding " + encoding + " is not supported: only encodings that keep ASCII as ASCII (UTF-8, ISO-8859-1, windows-1252, ...)");
    }
    char d = ReadOptions.DETECT;
    if (delimiter != null) {
      String text = delimiter.equals("\\t") || delimiter.equalsIgnoreCase("tab") ? "\t" : delimiter;
      if (text.length() != 1 || text.charAt(0) == '"' || text.charAt(0) == '\n' || text.charAt(0) == '\r' || text.charAt(0) > 127) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--delimiter must be one ASCII character other than a quote or newline (or \\t), was '" + delimiter + "'");
      }
      d = text.charAt(0);
    }
    Set<String> missing = new LinkedHashSet<>();
    for (String v : nulls.split(",", -1)) {
      if (!v.strip().isEmpty()) {
        missing.add(v.strip());
      }
    }
    return new ReadOptions(charset.name(), d, missing);
  }

  /** The pool to profile on; null (the reason printed) when the cluster cannot be reached or refuses us. */
  private Pool pool(int n, TerminalProgress bar) {
    if (cluster == null) {
      return backend.pool(n, bar);
    }
    try {
      return ClusterPool.connect(cluster).onProgress(bar).build();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--cluster: " + e.getMessage());
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("jpar csv: " + e.getMessage());
      return null;
    }
  }

  @Override
  public Integer call() throws IOException {
    int n = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    if (n < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--workers must be at least 1, was " + n);
    }
    if (minSlice < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--min-slice must be positive, was " + minSlice);
    }
    CsvJob job = CsvJob.plan(paths, n, minSlice, readOptions());
    if (job.files().isEmpty()) {
      spec.commandLine().getErr().println("jpar csv: no CSV files found in " + String.join(" ", paths));
      return 1;
    }
    List<FileProfile> profiles;
    try (TerminalProgress bar = new TerminalProgress("csv", job.slices().size());
        // No more workers than slices: each worker JVM of the default backend costs its start-up and its
        // own JIT warm-up (a few tenths of a second of CPU), which a worker with nothing to do wastes.
        Pool pool = pool(Math.min(n, job.slices().size()), bar)) {
      if (pool == null) {
        return 1;
      }
      List<Outcome<FileProfile>> outcomes = pool.mapOutcomes(CsvJob::profile, job.slices());
      profiles = job.assemble(outcomes);
      if (backend.isAuto()) {
        spec.commandLine().getErr().println("jpar csv: " + pool.plan().explanation());
      }
    }
    ProfileReport report = new ProfileReport(profiles);
    try (Writer out = output == null ? null : Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      Writer w = out != null ? out : spec.commandLine().getOut();
      switch (format) {
        case table -> report.writeTable(w);
        case json -> report.writeJson(w);
        case csv -> report.writeCsv(w);
      }
      w.flush();
    }
    if (output != null) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("jpar csv: report written to " + output);
    }
    return report.anyFailed() ? 1 : 0;
  }
}
