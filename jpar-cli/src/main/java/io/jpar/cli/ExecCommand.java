package io.jpar.cli;

import io.jpar.cli.exec.ExecRun;
import io.jpar.cli.exec.ExecSettings;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jpar exec}: one command per input, many at once, the way GNU parallel users write it. Job
 * output bytes go straight to this process's own stdout and stderr (binary-safe), not through the
 * character writers the other commands use.
 */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = {"Run a command once per input, several at once, GNU parallel style: inputs after ::: (the "
      + "cartesian product of several), from files after :::: or -a, paired with :::+ or --link, or one per line on "
      + "standard input. Replacement strings: {} {.} {/} {//} {/.} {#} (job number) {%%} (slot) {n} {n.} ...; a command "
      + "without any gets the inputs appended. Each job's output is printed whole, never interleaved. A command without "
      + "shell syntax runs directly; with pipes, redirections or variables it runs through /bin/sh -c, every input "
      + "single-quoted so that spaces, quotes, $, * and newlines pass untouched."},
    footer = {"", "Examples:",
      "  jpar exec gzip -9 ::: *.log                 one gzip per file, one per core",
      "  jpar exec -j 8 -k 'convert {} {.}.png' ::: *.jpg     output in input order",
      "  find . -name '*.csv' | jpar exec wc -l      inputs from standard input",
      "  jpar exec echo {1}-{2} ::: a b ::: 1 2       a-1 a-2 b-1 b-2",
      "  jpar exec --joblog jobs.tsv --resume-failed --retries 3 ./job.sh ::: in/*",
      "", "Exit status, as GNU parallel's (scripts test it): 0 all jobs succeeded;",
      "1-100 that many failed; 101 more than 100 failed; with --halt, the failing",
      "job's own; 255 bad usage or input."})
final class ExecCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final PrintStream out;
  private final PrintStream err;

  ExecCommand() {
    this(System.out, System.err);
  }

  ExecCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Parameters(arity = "0..*", paramLabel = "COMMAND [ARG...] [::: INPUTS] [:::: FILES]",
      description = "The command and its arguments, then input sources.")
  List<String> words = new ArrayList<>();

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Jobs at once: N; N%% of the cores; +N or -N cores; 0 as many as there are jobs "
      + "(at most 1024). Default: the number of cores.")
  String jobs;

  @Option(names = {"-k", "--keep-order"}, description = "Print outputs in the order of the inputs, not as jobs finish.")
  boolean keepOrder;

  @Option(names = "--line-buffer", description = "Print each line as it comes (whole lines, never mixed within a line).")
  boolean lineBuffer;

  @Option(names = "--tag", description = "Prefix each output line with the job's inputs and a tab.")
  boolean tag;

  @Option(names = "--tagstring", paramLabel = "STR", description = "Prefix each output line with STR (replacement strings allowed) and a tab.")
  String tagString;

  @Option(names = {"-a", "--arg-file"}, paramLabel = "FILE", description = "Read inputs from FILE (repeatable: each is a source).")
  List<String> argFiles = new ArrayList<>();

  @Option(names = {"-0", "--null"}, description = "Inputs are separated by NUL, not newlines (find -print0).")
  boolean nul;

  @Option(names = {"-d", "--delimiter"}, paramLabel = "DELIM", description = "Inputs are separated by DELIM.")
  String delimiter;

  @Option(names = "--colsep", paramLabel = "REGEX", description = "Split each input into columns {1} {2} ... at REGEX.")
  String colsep;

  @Option(names = "--link", description = "Pair the input sources element by element instead of crossing them.")
  boolean link;

  @Option(names = "--joblog", paramLabel = "FILE", description = "Append a line per job to FILE, GNU parallel's format (TSV).")
  Path joblog;

  @Option(names = "--resume", description = "Skip the jobs FILE of --joblog lists.")
  boolean resume;

  @Option(names = "--resume-failed", description = "Skip the jobs --joblog lists as succeeded; run the failed ones again.")
  boolean resumeFailed;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "1", description = "Try a failing job up to N times in all (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--timeout", paramLabel = "SECS|N%", description = "Kill a job, with every process it started, after SECS seconds; or after N%% of the "
      + "median run time of the jobs done so far.")
  String timeout;

  @Option(names = "--halt", paramLabel = "now|soon,fail|success=N|N%", description = "Stop early: now kills the running jobs, soon lets them end; e.g. now,fail=1 or soon,fail=10%%.")
  String halt;

  @Option(names = "-m", description = "Many inputs per command: {} gets as many as fit on a command line, space-separated.")
  boolean many;

  @Option(names = "-X", description = "Many inputs per command, each in the context of its word: -X echo a{}b gives a1b a2b ...")
  boolean manyContext;

  @Option(names = "--results", paramLabel = "DIR", description = "Also save each job's stdout, stderr and number under "
      + "DIR/1/INPUT1/2/INPUT2/..., GNU parallel's layout ('/' in an input written %%2F).")
  Path results;

  @Option(names = "--dry-run", description = "Print the commands instead of running them.")
  boolean dryRun;

  @Option(names = {"--bar", "--eta"}, description = "A progress bar on standard error (on a terminal).")
  boolean bar;

  @Option(names = "--cluster", paramLabel = "HOST:PORT,...",
      description = {"Run the jobs on the members of a jpar cluster (jpar worker) instead of this machine; -j is still "
          + "how many run at once in all.", "The shared secret is read from $JPAR_CLUSTER_SECRET; the commands and files "
          + "they use must exist on the members; output comes back whole (no --line-buffer)."})
  String cluster;

  @Override
  public Integer call() throws Exception {
    ExecRun.Settings run;
    try {
      run = ExecSettings.parse(input(), System.in);
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (cluster != null && lineBuffer) {
      throw new ParameterException(spec.commandLine(), "--line-buffer cannot be used with --cluster: a job's output "
          + "comes back from its member whole, when the job ends");
    }
    try (TerminalProgress progress = new TerminalProgress("exec", bar ? Math.max(0, run.jobCount()) : 0);
        io.jpar.Pool remote = clusterPool()) {
      if (cluster != null && remote == null && !dryRun) {
        return 1;
      }
      return new ExecRun(run, out, err, remote).run(bar ? progress : null);
    }
  }

  /** The cluster pool for --cluster; null without it, or (the reason printed) when the cluster refuses us. */
  private io.jpar.Pool clusterPool() {
    if (cluster == null || dryRun) {
      return null;
    }
    try {
      return io.jpar.cluster.ClusterPool.connect(cluster).build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--cluster: " + e.getMessage());
    } catch (IllegalStateException e) {
      err.println("jpar exec: " + e.getMessage());
      return null;
    }
  }

  /** The options as the settings parser reads them. */
  ExecSettings.Options input() {
    return new ExecSettings.Options(words, jobs, keepOrder, lineBuffer, tag, tagString, argFiles, nul, delimiter, colsep,
        link, joblog, resume, resumeFailed, retries, timeout, halt, dryRun, many, manyContext, results);
  }

  /** Runs {@code jpar exec ARGS} with these streams: for tests. */
  static int run(PrintStream out, PrintStream err, String... args) {
    PrintWriter textErr = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand("exec", new ExecCommand(out, err));
    // After adding: picocli hands these settings down to the subcommands that exist when they are set.
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(textErr);
    Main.configure(cl, true);
    Main.afterSubcommands(cl);
    List<String> all = new ArrayList<>(List.of("exec"));
    all.addAll(List.of(args));
    int code = cl.execute(all.toArray(String[]::new));
    textErr.flush();
    return code;
  }
}
