package io.jpar.cli.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one job of {@code jpar exec} on the calling (pool) thread: takes a slot, starts the process,
 * reads its output (whole into spools, or line by line with --line-buffer), keeps its time limit and
 * kills its process tree past it, and tries again up to --retries. Safe for many jobs at once.
 */
final class JobRunner {
  private final ExecRun.Settings s;
  private final Template template;
  private final PrintStream out;
  private final PrintStream err;
  private final BooleanSupplier stopStarting;
  private final BlockingQueue<Integer> slots;
  /** Run times of the successful jobs so far, for --timeout N%; guarded by itself. */
  private final List<Long> runtimes = new ArrayList<>();

  /** The cluster pool the jobs run on (--cluster), or null to run them here. */
  private final io.jpar.Pool cluster;

  JobRunner(ExecRun.Settings settings, Template template, PrintStream out, PrintStream err, BooleanSupplier stopStarting,
      io.jpar.Pool cluster) {
    this.cluster = cluster;
    this.s = settings;
    this.template = template;
    this.out = out;
    this.err = err;
    this.stopStarting = stopStarting;
    this.slots = new ArrayBlockingQueue<>(settings.jobsAtOnce());
    for (int i = 1; i <= settings.jobsAtOnce(); i++) {
      slots.add(i);
    }
  }

  /** The processes of running jobs, so that a shutdown (SIGTERM, Ctrl-C) takes them along. */
  private final java.util.Set<Process> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Kills every running job's process tree (a shutdown hook's work). */
  void killAll() {
    live.forEach(JobRunner::killTree);
  }

  /** One job: up to {@code retries} attempts, each with its timeout; runs on a pool thread. */
  JobResult run(long seq, List<String> inputs) throws IOException, InterruptedException {
    if (stopStarting.getAsBoolean()) {
      return JobResult.skipped(seq, inputs);
    }
    Integer slot = slots.take();
    try {
      JobResult last = null;
      for (int attempt = 1; attempt <= s.retries(); attempt++) {
        if (last != null) {
          last.close();
        }
        last = attempt(seq, inputs, slot);
        if (last.ok()) {
          break;
        }
      }
      return last;
    } finally {
      slots.add(slot);
    }
  }

  private JobResult attempt(long seq, List<String> inputs, int slot) throws IOException, InterruptedException {
    if (cluster != null) {
      return remoteAttempt(seq, inputs, slot);
    }
    List<String> argv = template.argv(inputs, seq, slot, s.fill());
    String command = template.display(inputs, seq, slot, s.fill());
    double start = System.currentTimeMillis() / 1000.0;
    long t0 = System.nanoTime();
    Spool stdout = new Spool();
    Spool stderr = new Spool();
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      String why = "cannot run '" + argv.get(0) + "': " + (e.getMessage() == null ? e : e.getMessage());
      return new JobResult(seq, inputs, 127, 0, false, stdout, stderr, why, start, 0, command);
    }
    live.add(p);
    String[] pumpError = new String[2];
    Thread errReader = Thread.ofVirtual().start(() -> pumpError[1] = pump(p.getErrorStream(), stderr, s.lineBuffer() ? err : null, inputs, seq));
    Thread outReader = Thread.ofVirtual().start(() -> pumpError[0] = pump(p.getInputStream(), stdout, s.lineBuffer() ? out : null, inputs, seq));
    boolean timedOut = false;
    Duration limit = limit();
    try {
      if (limit == null) {
        p.waitFor();
        outReader.join();
        errReader.join();
      } else {
        long deadline = System.nanoTime() + limit.toNanos();
        // The limit covers the output too: a child that outlives the job can keep its pipes open.
        timedOut = !p.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)
            || !outReader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
            || !errReader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        if (timedOut) {
          killTree(p);
          outReader.join(Duration.ofSeconds(1)); // what was written so far; a pipe held elsewhere is given up
          errReader.join(Duration.ofSeconds(1));
        }
      }
    } catch (InterruptedException e) {
      killTree(p); // --halt now, or the caller gave up: the job's processes go with it
      stdout.close();
      stderr.close();
      throw e;
    } finally {
      live.remove(p);
    }
    int code = timedOut ? -1 : p.waitFor();
    double runtime = (System.nanoTime() - t0) / 1e9;
    int signal = timedOut ? 9 : code > 128 && code < 128 + 65 ? code - 128 : 0;
    // Java reports a process killed by signal n as 128 + n, the shell's convention; it cannot tell
    // that from exit(128 + n). The log shows both columns, as GNU parallel's does.
    if (code == 0 && !timedOut) {
      synchronized (runtimes) {
        runtimes.add(System.nanoTime() - t0);
      }
    }
    String error = timedOut ? "timed out after " + limit.toMillis() + " ms; its processes were killed"
        : pumpError[0] != null ? pumpError[0] : pumpError[1];
    return new JobResult(seq, inputs, code, signal, false, stdout, stderr, error, start, runtime, command);
  }

  /**
   * One attempt on a cluster member: the command line is filled in here, run there, and its output
   * comes back whole (so --line-buffer is refused with --cluster). A member lost mid-job is the
   * cluster pool's to handle (the job runs again elsewhere); cancelling the wait (--halt now) cancels the
   * job there, which kills its processes.
   */
  private JobResult remoteAttempt(long seq, List<String> inputs, int slot) throws IOException, InterruptedException {
    List<String> argv = template.argv(inputs, seq, slot, s.fill());
    String command = template.display(inputs, seq, slot, s.fill());
    Duration limit = limit();
    double start = System.currentTimeMillis() / 1000.0;
    var future = cluster.submit(RemoteCommand.RUN, new RemoteCommand(argv, limit == null ? 0 : Math.max(1, limit.toMillis())));
    RemoteCommand.Outcome o;
    try {
      o = future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable why = e.getCause() instanceof io.jpar.TaskFailedException t && t.getCause() != null ? t.getCause() : e.getCause();
      return new JobResult(seq, inputs, -1, 0, false, new Spool(), new Spool(), "on the cluster: " + why.getMessage(), start,
          0, command);
    }
    Spool stdout = new Spool();
    Spool stderr = new Spool();
    stdout.write(o.out(), o.out().length);
    stderr.write(o.err(), o.err().length);
    if (o.exit() == 0 && o.error() == null) {
      synchronized (runtimes) {
        runtimes.add((long) (o.runtimeSeconds() * 1e9));
      }
    }
    return new JobResult(seq, inputs, o.exit(), o.signal(), false, stdout, stderr, o.error(), o.startEpochSeconds(),
        o.runtimeSeconds(), command);
  }

  /** This attempt's time limit: --timeout SECS, or N% of the median so far (none before three jobs are done). */
  private Duration limit() {
    if (s.timeoutPercent() <= 0) {
      return s.timeout();
    }
    synchronized (runtimes) {
      if (runtimes.size() < 3) {
        return null;
      }
      List<Long> sorted = new ArrayList<>(runtimes);
      sorted.sort(null);
      return Duration.ofNanos(sorted.get(sorted.size() / 2) * s.timeoutPercent() / 100);
    }
  }

  /**
   * Reads one of a job's streams to its spool, or with --line-buffer line by line to {@code live} (and
   * to the spool too when --results keeps it). Returns why its output is incomplete, or null.
   */
  private String pump(InputStream in, Spool spool, PrintStream live, List<String> inputs, long seq) {
    try (in) {
      if (live == null) {
        spool.drain(in);
        return null;
      }
      byte[] tag = Template.tagBytes(s.tag(), inputs, seq);
      var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) { // one whole line at a time, never interleaved within a line
          if (tag != null) {
            live.write(tag);
          }
          live.write(bytes);
          live.flush();
        }
        if (s.results() != null) {
          spool.write(bytes, bytes.length);
        }
      }
      return null;
    } catch (IOException e) {
      // A pipe closed by a kill is expected; a spool that cannot be written (a full disk) is not.
      return spool.failure() == null ? null : "its output could not be kept: " + spool.failure();
    }
  }

  /** Kills the job's process and everything it started, children first (found while the parent lives). */
  static void killTree(Process p) {
    p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }
}
