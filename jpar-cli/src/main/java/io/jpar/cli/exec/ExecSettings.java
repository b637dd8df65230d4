package io.jpar.cli.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Turns {@code jpar exec}'s options into {@link ExecRun.Settings}, with a clear message for each bad one. */
public final class ExecSettings {
  private ExecSettings() {}

  /** The options as given on the command line. */
  public record Options(List<String> words, String jobs, boolean keepOrder, boolean lineBuffer, boolean tag,
      String tagString, List<String> argFiles, boolean nul, String delimiter, String colsep, boolean link, Path joblog,
      boolean resume, boolean resumeFailed, int retries, String timeout, String halt, boolean dryRun, boolean many,
      boolean manyContext, Path results) {}

  /**
   * @throws IllegalArgumentException naming the bad option and what it takes
   * @throws IOException naming an input file that cannot be read
   */
  public static ExecRun.Settings parse(Options o, InputStream stdin) throws IOException {
    if (o.nul() && o.delimiter() != null) {
      throw new IllegalArgumentException("-0 and -d both set the input delimiter; give one");
    }
    if ((o.resume() || o.resumeFailed()) && o.joblog() == null) {
      throw new IllegalArgumentException("--resume and --resume-failed need --joblog FILE: the log says what already ran");
    }
    if (o.retries() < 1) {
      throw new IllegalArgumentException("--retries N takes N >= 1 (tries in all), was " + o.retries());
    }
    Inputs.Reading reading = o.nul() ? new Inputs.Reading("\0") : new Inputs.Reading(o.delimiter());
    Inputs.Parsed parsed = Inputs.split(o.words(), reading);
    List<List<String>> grouping = List.of(); // the jobs, when -m/-X must see them all to pack them
    List<Inputs.Source> sources = new ArrayList<>(parsed.sources());
    for (String f : o.argFiles()) {
      sources.add(new Inputs.Source(reading.file(f), false));
    }
    if (parsed.command().isEmpty()) {
      throw new IllegalArgumentException("no command given: jpar exec COMMAND [ARGS] ::: INPUTS (see jpar exec --help)");
    }
    Pattern columns;
    try {
      columns = o.colsep() == null ? null : Pattern.compile(o.colsep());
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("--colsep takes a regular expression: " + e.getDescription() + " in '" + o.colsep() + "'");
    }
    Iterator<List<String>> jobs;
    long jobCount;
    if (sources.isEmpty() && !o.many() && !o.manyContext()) {
      // Standard input streams: the first job starts at the first line, and an endless producer
      // (tail -f, a generator) is fine. The count is unknown.
      Iterator<String> lines = reading.stream(stdin);
      jobs = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return lines.hasNext();
        }

        @Override
        public List<String> next() {
          String line = lines.next();
          return columns == null ? List.of(line) : List.of(columns.split(line, -1));
        }
      };
      jobCount = -1;
    } else {
      if (sources.isEmpty()) {
        sources.add(new Inputs.Source(reading.read(stdin), false));
      }
      List<List<String>> all = Inputs.jobs(sources, o.link());
      if (columns != null) {
        all = Inputs.splitColumns(all, columns);
      }
      jobs = all.iterator();
      jobCount = all.size();
      grouping = all;
    }
    String tag = o.tagString() != null ? o.tagString() : o.tag() ? "{}" : null;
    Duration timeout = null;
    int timeoutPercent = 0;
    if (o.timeout() != null) {
      String t = o.timeout().trim();
      try {
        if (t.endsWith("%")) {
          timeoutPercent = Integer.parseInt(t.substring(0, t.length() - 1));
          if (timeoutPercent < 1) {
            throw new NumberFormatException();
          }
        } else {
          double secs = Double.parseDouble(t);
          if (!(secs > 0)) {
            throw new NumberFormatException();
          }
          timeout = Duration.ofNanos((long) (secs * 1e9));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--timeout takes seconds (e.g. 30 or 2.5) or N% of the median run time; was '" + t + "'");
      }
    }
    Halt halt = o.halt() == null ? null : Halt.parse(o.halt());
    int atOnce = jobsAtOnce(o.jobs(), jobCount < 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, jobCount));
    Template.Fill fill = Template.Fill.ONE;
    if (o.many() || o.manyContext()) {
      if (o.many() && o.manyContext()) {
        throw new IllegalArgumentException("-m and -X are two ways to fill a command with many inputs; give one");
      }
      if (grouping.stream().anyMatch(j -> j.size() != 1)) {
        throw new IllegalArgumentException("-m and -X take one input source (no second :::, no --colsep)");
      }
      fill = o.many() ? Template.Fill.MANY : Template.Fill.MANY_CONTEXT;
      Template t = new Template(parsed.command());
      List<List<String>> groups = group(grouping.stream().map(j -> j.get(0)).toList(), atOnce,
          t.usesShell() ? SHELL_ARG_LIMIT : commandLineLimit(), t.fixedLength());
      jobs = groups.iterator();
      jobCount = groups.size();
      atOnce = Math.min(atOnce, Math.max(1, groups.size()));
    }
    return new ExecRun.Settings(parsed.command(), jobs, jobCount, atOnce, o.keepOrder(), o.lineBuffer(),
        tag, o.joblog(), o.resume(), o.resumeFailed(), o.retries(), timeout, timeoutPercent, halt, o.dryRun(), fill,
        o.results());
  }

  /**
   * Linux takes at most 128 KiB in one argument (MAX_ARG_STRLEN), and {@code sh -c} gets the whole
   * command as one; a margin keeps quoting and context inside it.
   */
  static final int SHELL_ARG_LIMIT = 100_000;

  /** All arguments together: well under the kernel's ARG_MAX (2 MiB here), less the environment. */
  static int commandLineLimit() {
    int env = 0;
    for (var e : System.getenv().entrySet()) {
      env += e.getKey().length() + e.getValue().length() + 2;
    }
    return Math.max(16_384, 1_000_000 - env);
  }

  /**
   * Packs arguments into commands for -m/-X: as many as fit in {@code limit} characters (each also
   * under a fair share, so that every one of the {@code atOnce} slots gets work), in input order.
   */
  static List<List<String>> group(List<String> args, int atOnce, int limit, int fixed) {
    int fairShare = (int) Math.max(1, (args.size() + atOnce - 1) / atOnce);
    List<List<String>> groups = new ArrayList<>();
    List<String> current = new ArrayList<>();
    long length = fixed;
    for (String a : args) {
      int cost = a.length() + 3 + 1; // quotes and a space, at most
      if (fixed + cost > limit) {
        throw new IllegalArgumentException("an input of " + a.length() + " characters does not fit on one command line");
      }
      if (!current.isEmpty() && (length + cost > limit || current.size() >= fairShare)) {
        groups.add(current);
        current = new ArrayList<>();
        length = fixed;
      }
      current.add(a);
      length += cost;
    }
    if (!current.isEmpty()) {
      groups.add(current);
    }
    return groups;
  }

  /** -j: N; N% of the cores; +N / -N cores; 0 as many as there are jobs (at most 1024). */
  static int jobsAtOnce(String spec, int jobCount) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (spec == null) {
      return cores;
    }
    String j = spec.trim();
    try {
      int n;
      if (j.endsWith("%")) {
        n = (int) Math.max(1, Math.round(cores * Integer.parseInt(j.substring(0, j.length() - 1)) / 100.0));
      } else if (j.startsWith("+") || j.startsWith("-")) {
        n = Math.max(1, cores + Integer.parseInt(j));
      } else {
        n = Integer.parseInt(j);
        if (n == 0) {
          n = Math.max(1, Math.min(jobCount, 1024));
        }
      }
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-j takes N, N%, +N, -N or 0; was '" + spec + "'");
    }
  }
}
