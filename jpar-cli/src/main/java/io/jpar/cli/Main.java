package io.jpar.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jpar} command: subcommands for the batch jobs people run from a shell. Exit codes: 0 all
 * good, 1 some inputs failed (the rest were still done), 2 usage error.
 */
@Command(
    name = "jpar",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Parallel work for the JVM: virtual threads for waiting, platform threads for computing, worker processes for isolation.",
      ""
    },
    footer = {"", "Examples:", "  jpar demo                     measure the choice of machinery on this machine",
      "  jpar csv data/ --format json  profile CSV files in worker processes",
      "  jpar fetch -i urls.txt        fetch many URLs on virtual threads",
      "  jpar exec gzip -9 ::: *.log   run a command per input, GNU parallel style",
      "  jpar advise csv data/         measure which machinery fits, with a table and a verdict",
      "  jpar worker --port 5701       run a cluster member (trusted networks only)",
      "  source <(jpar generate-completion)   tab completion in bash and zsh"})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * The subcommands, in the order help lists them. Building a subcommand's model means reading its
   * annotations through picocli on a cold JVM (picocli's Java 5 class files are kept out of the AOT
   * start-up cache), so a command line that names one builds only that one: {@code jpar fetch URL}
   * starts ~60 ms sooner. Help, completion and unknown names get them all.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    // Lambdas, not constructor references: a method handle straight to picocli's old class files made
    // JDK 25.0.3 crash while writing the AOT cache (archiveHeapWriter: "Metadata ... should have been
    // archived"); a lambda's body lives in this class and links to picocli only when it runs.
    m.put("csv", () -> new CsvCommand());
    m.put("fetch", () -> new FetchCommand());
    m.put("exec", () -> new ExecCommand());
    m.put("advise", () -> new AdviseCommand());
    m.put("demo", () -> new DemoCommand());
    m.put("worker", () -> new WorkerCommand());
    m.put("help", () -> new CommandLine.HelpCommand());
    m.put("generate-completion", () -> new AutoComplete.GenerateCompletion());
    return m;
  }

  /** Runs the command line with the given streams and returns the exit code; used by tests. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length > 0 ? args[0] : "";
    boolean one = SUBCOMMANDS.containsKey(first) && !first.equals("help") && !first.equals("generate-completion");
    SUBCOMMANDS.forEach((name, make) -> {
      if (!one || name.equals(first)) {
        cl.addSubcommand(name, make.get());
      }
    });
    cl.setOut(out);
    cl.setErr(err);
    configure(cl, first.equals("exec"));
    afterSubcommands(cl);
    return cl.execute(args);
  }

  /** Exit codes: 2 for a usage error, 1 otherwise; {@code jpar exec} keeps GNU parallel's 255 for both. */
  static void configure(CommandLine cl, boolean exec) {
    cl.setExitCodeExceptionMapper(e -> exec ? 255 : e instanceof CommandLine.ParameterException ? 2 : 1);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      if (!line.getCommandName().equals("exec")) {
        throw e; // picocli's own handling: the stack trace, exit code 1
      }
      line.getErr().println("jpar exec: " + e);
      return 255;
    });
  }

  /**
   * {@code jpar exec gzip -9 ::: ...}: everything from the command on belongs to the command, options
   * like {@code -9} included, so picocli stops reading options at exec's first positional.
   */
  static void afterSubcommands(CommandLine cl) {
    CommandLine exec = cl.getSubcommands().get("exec");
    if (exec != null) {
      exec.setStopAtPositional(true); // an unknown option before the command stays an error
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("/jpar-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "jpar " + p.getProperty("version", "unknown"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.home") + ")"
      };
    }
  }
}
