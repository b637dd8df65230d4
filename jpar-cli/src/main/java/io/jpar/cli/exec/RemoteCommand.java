package io.jpar.cli.exec;

import io.jpar.Task;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of a {@code jpar exec --cluster} job, as it travels to a cluster member: the command line
 * (already filled in by the caller, so {@code {#}}, {@code {%}} and the rest mean what they mean
 * locally) and its time limit. {@link #RUN} runs it there and sends back its exit and its whole output,
 * held in memory up to {@link #MAX_OUTPUT} bytes a stream (past that the rest is read and dropped, and
 * the attempt fails saying so). Past the limit, or when the caller cancels it (--halt now), the job's
 * process and every process it started are killed, as locally.
 *
 * @param argv the command and its arguments
 * @param limitMillis the attempt's time limit, or 0 for none
 */
record RemoteCommand(List<String> argv, long limitMillis) implements Serializable {
  /** Output kept per stream: a job's output crosses the network in one reply. */
  static final int MAX_OUTPUT = 64 << 20;

  /** What the attempt did, as the member saw it. */
  record Outcome(int exit, int signal, boolean timedOut, byte[] out, byte[] err, String error, double startEpochSeconds,
      double runtimeSeconds, String member) implements Serializable {}

  /** Runs a command on whichever member receives it; a class (not a lambda), so members load it from jpar's jar. */
  static final Task<RemoteCommand, Outcome> RUN = new Runner();

  private static final class Runner implements Task<RemoteCommand, Outcome> {
    private static final long serialVersionUID = 1L;

    @Override
    public Outcome apply(RemoteCommand c) throws Exception {
      String member = java.net.InetAddress.getLocalHost().getHostName() + " (pid " + ProcessHandle.current().pid() + ")";
      double start = System.currentTimeMillis() / 1000.0;
      long t0 = System.nanoTime();
      Process p;
      try {
        p = new ProcessBuilder(c.argv()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      } catch (IOException e) {
        String why = "cannot run '" + c.argv().get(0) + "' on " + member + ": " + (e.getMessage() == null ? e : e.getMessage());
        return new Outcome(127, 0, false, new byte[0], new byte[0], why, start, 0, member);
      }
      Capped out = new Capped();
      Capped err = new Capped();
      Thread outReader = Thread.ofVirtual().start(() -> out.drain(p.getInputStream()));
      Thread errReader = Thread.ofVirtual().start(() -> err.drain(p.getErrorStream()));
      boolean timedOut = false;
      try {
        if (c.limitMillis() <= 0) {
          p.waitFor();
          outReader.join();
          errReader.join();
        } else {
          long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(c.limitMillis());
          timedOut = !p.waitFor(c.limitMillis(), TimeUnit.MILLISECONDS)
              || !outReader.join(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
              || !errReader.join(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
          if (timedOut) {
            JobRunner.killTree(p);
            outReader.join(java.time.Duration.ofSeconds(1));
            errReader.join(java.time.Duration.ofSeconds(1));
          }
        }
      } catch (InterruptedException e) {
        JobRunner.killTree(p); // the caller cancelled (--halt now): the job's processes go with it
        throw e;
      }
      int code = timedOut ? -1 : p.waitFor();
      int signal = timedOut ? 9 : code > 128 && code < 128 + 65 ? code - 128 : 0;
      String error = timedOut ? "timed out after " + c.limitMillis() + " ms on " + member + "; its processes were killed"
          : out.cut || err.cut ? "its output passed " + (MAX_OUTPUT >> 20) + " MiB on " + member
              + ", where output is held in memory to travel back; the rest was dropped" : null;
      return new Outcome(code, signal, timedOut, out.bytes(), err.bytes(), error, start, (System.nanoTime() - t0) / 1e9,
          member);
    }
  }

  /** A stream read to its end, kept up to {@link #MAX_OUTPUT} bytes. */
  private static final class Capped {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile boolean cut;

    void drain(InputStream in) {
      byte[] buf = new byte[1 << 16];
      try (in) {
        for (int n; (n = in.read(buf)) > 0; ) {
          int room = MAX_OUTPUT - kept.size();
          if (n > room) {
            cut = true;
          }
          synchronized (kept) {
            kept.write(buf, 0, Math.max(0, Math.min(n, room)));
          }
        }
      } catch (IOException e) {
        // the process was killed and its pipe closed: what was read is kept
      }
    }

    byte[] bytes() {
      synchronized (kept) {
        return kept.toByteArray();
      }
    }
  }
}
