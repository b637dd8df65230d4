package io.jpar.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
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
      "Parallel work for the JVM: threads for waiting, worker processes for computing.",
      ""
    },
    subcommands = {CsvCommand.class, FetchCommand.class, AdviseCommand.class, DemoCommand.class, CommandLine.HelpCommand.class,
      AutoComplete.GenerateCompletion.class},
    footer = {"", "Examples:", "  jpar demo                     measure the choice of machinery on this machine",
      "  jpar csv data/ --format json  profile CSV files in worker processes",
      "  jpar fetch -i urls.txt        fetch many URLs on virtual threads",
      "  jpar advise csv data/         measure which machinery fits, with a table and a verdict",
      "  source <(jpar generate-completion)   tab completion in bash and zsh"})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line with the given streams and returns the exit code; used by tests. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? 2 : 1);
    return cl.execute(args);
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
