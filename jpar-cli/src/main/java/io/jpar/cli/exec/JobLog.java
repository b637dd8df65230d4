package io.jpar.cli.exec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * GNU parallel's job log, so that scripts which read one read ours: a tab-separated header
 * {@code Seq Host Starttime JobRuntime Send Receive Exitval Signal Command}, then a line per finished
 * job, written after its output was printed and flushed at once (a crash loses at most the line being
 * written, so {@code --resume} never skips a job whose output was lost).
 */
final class JobLog implements AutoCloseable {
  static final String HEADER = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";

  private final BufferedWriter out;

  /**
   * @param truncate start the log afresh (as GNU parallel does unless resuming), else append to it
   */
  JobLog(Path file, boolean truncate) throws IOException {
    boolean fresh = truncate || !Files.exists(file) || Files.size(file) == 0;
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        truncate ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    if (fresh) {
      out.write(HEADER);
      out.newLine();
      out.flush();
    }
  }

  synchronized void record(long seq, double startEpochSeconds, double runtimeSeconds, long received, int exit, int signal,
      String command) throws IOException {
    out.write(String.format(Locale.ROOT, "%d\t:\t%.3f\t%10.3f\t0\t%d\t%d\t%d\t%s", seq, startEpochSeconds, runtimeSeconds,
        received, exit, signal, command.replace("\n", "\\n")));
    out.newLine();
    out.flush();
  }

  /** Seq -> whether that job succeeded (exit 0, no signal), from an existing log; later lines win. */
  static Map<Long, Boolean> read(Path file) throws IOException {
    Map<Long, Boolean> done = new HashMap<>();
    if (!Files.exists(file)) {
      return done;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", 9);
      if (f.length < 8 || f[0].equals("Seq")) {
        continue;
      }
      try {
        done.put(Long.parseLong(f[0].trim()), Integer.parseInt(f[6].trim()) == 0 && Integer.parseInt(f[7].trim()) == 0);
      } catch (NumberFormatException e) {
        // a torn last line from an interrupted run: that job runs again
      }
    }
    return done;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
