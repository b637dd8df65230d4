package io.jpar.cli.exec;

import io.jpar.Outcome;
import io.jpar.Pool;
import io.jpar.ProgressListener;
import io.jpar.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the jobs of {@code jpar exec} on a virtual-thread pool (a job waits on its process; the pool
 * bounds how many run at once) and reports them GNU parallel's way: each job's output whole, in
 * completion order or input order ({@code -k}), a job log, retries, timeouts that kill the job's whole
 * process tree, and {@code --halt}.
 *
 * <p>Threads: jobs run on the pool's virtual threads; everything printed, and the halt decision, is
 * done by the calling thread as outcomes arrive, so output needs no lock except with
 * {@code --line-buffer}, where jobs print their own lines under {@code out}'s monitor.
 */
public final class ExecRun {
  /**
   * What to run and how.
   *
   * @param command the command's words, with replacement strings
   * @param jobs each job's inputs, in order, read lazily (standard input may never end)
   * @param jobCount how many jobs there are, or -1 when the source streams
   * @param jobsAtOnce how many run at once
   * @param keepOrder print outputs in input order ({@code -k})
   * @param lineBuffer print lines as they come ({@code --line-buffer}) instead of whole outputs
   * @param tag prefix each output line with this (replacement strings allowed), or null
   * @param joblog the job log to append to, or null
   * @param resume skip jobs the log lists (all of them, or with {@code resumeFailed} only the successes)
   * @param retries attempts per job, at least 1
   * @param timeout per attempt, or null
   * @param timeoutPercent per attempt, this percentage of the median run time of the jobs done so far
   *     (from the third on); 0 for none
   * @param halt when to stop early, or null
   * @param dryRun print the commands instead of running them
   * @param fill one input per source, or many arguments per command (-m, -X)
   * @param results save each job's stdout, stderr and number under this folder, or null
   */
  public record Settings(List<String> command, Iterator<List<String>> jobs, long jobCount, int jobsAtOnce, boolean keepOrder,
      boolean lineBuffer, String tag, Path joblog, boolean resume, boolean resumeFailed, int retries,
      Duration timeout, int timeoutPercent, Halt halt, boolean dryRun, Template.Fill fill, Path results) {}

  /** A job's inputs and its number (1-based, in input order). */
  private record Numbered(long seq, List<String> inputs) {}

  /** What one job did. */
  private record Result(long seq, List<String> inputs, int exit, int signal, boolean skipped, Spool out, Spool err,
      String error, double startEpochSeconds, double runtimeSeconds, String command) {
    boolean ok() {
      return exit == 0 && signal == 0 && error == null;
    }

    void close() {
      for (Spool sp : new Spool[] {out, err}) {
        if (sp != null) {
          try {
            sp.close();
          } catch (IOException e) {
            // a temporary file that could not be deleted: nothing else depends on it
          }
        }
      }
    }
  }

  private final Settings s;
  private final Template template;
  private final PrintStream out;
  private final PrintStream err;
  private final BlockingQueue<Integer> slots;
  private volatile boolean stopStarting;
  /** Run times of the successful jobs so far, for --timeout N%; guarded by itself. */
  private final List<Long> runtimes = new ArrayList<>();

  public ExecRun(Settings settings, PrintStream out, PrintStream err) {
    this.s = settings;
    this.template = new Template(settings.command());
    this.out = out;
    this.err = err;
    this.slots = new ArrayBlockingQueue<>(settings.jobsAtOnce());
    for (int i = 1; i <= settings.jobsAtOnce(); i++) {
      slots.add(i);
    }
  }

  /** Runs everything; returns GNU parallel's exit status (failed jobs, at most 101; with --halt, the failing job's). */
  public int run(ProgressListener progress) throws IOException, InterruptedException {
    if (s.dryRun()) {
      long seq = 0;
      while (s.jobs().hasNext()) {
        seq++;
        out.println(template.display(s.jobs().next(), seq, (int) ((seq - 1) % s.jobsAtOnce()) + 1, s.fill()));
      }
      out.flush();
      return 0;
    }
    Map<Long, Boolean> before = s.joblog() != null && (s.resume() || s.resumeFailed()) ? JobLog.read(s.joblog()) : Map.of();
    long total = s.jobCount() < 0 ? -1 : s.jobCount() - before.entrySet().stream()
        .filter(e -> e.getKey() <= s.jobCount() && (s.resume() || e.getValue())).count();
    Thread killer = Thread.ofPlatform().unstarted(this::killAll); // SIGTERM/Ctrl-C: the jobs go with us
    Runtime.getRuntime().addShutdownHook(killer);
    try (JobLog log = s.joblog() == null ? null : new JobLog(s.joblog(), !(s.resume() || s.resumeFailed()));
        Pool pool = pool(progress)) {
      return consume(pool, log, numbered(before), total);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs
      }
      out.flush();
      err.flush();
    }
  }

  /**
   * Numbers every input as it is read (jobs keep their numbers across --resume), skips what the log
   * says is done, and stops at --halt.
   */
  private Iterator<Numbered> numbered(Map<Long, Boolean> before) {
    return new Iterator<>() {
      private long seq;
      private Numbered next;

      @Override
      public boolean hasNext() {
        while (next == null && !stopStarting && s.jobs().hasNext()) {
          List<String> in = s.jobs().next();
          seq++;
          Boolean ok = before.get(seq);
          if (ok == null || (!s.resume() && !ok)) {
            next = new Numbered(seq, in);
          }
        }
        return next != null && !stopStarting;
      }

      @Override
      public Numbered next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        Numbered n = next;
        next = null;
        return n;
      }
    };
  }

  /** Marks the end of the inputs in the queue of finished jobs; its seq is how many were submitted. */
  private static Result end(long submitted) {
    return new Result(-submitted - 1, List.of(), 0, 0, true, null, null, null, 0, 0, "");
  }

  /**
   * The calling thread prints, logs and decides; a reader thread of its own reads the inputs and
   * submits jobs (so that waiting for the next input line never holds back a finished job's output),
   * at most 2 x jobsAtOnce ahead of what was printed.
   */
  private int consume(Pool pool, JobLog log, Iterator<Numbered> inputs, long total) throws IOException, InterruptedException {
    BlockingQueue<Result> done = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(2 * s.jobsAtOnce());
    java.util.concurrent.ConcurrentLinkedQueue<Long> order = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Task<Numbered, Void> task = job -> {
      Result r;
      try {
        r = runJob(job);
      } catch (InterruptedException e) {
        r = new Result(job.seq(), job.inputs(), -1, 0, false, null, null, "stopped (--halt now)", 0, 0, "");
      } catch (Throwable t) {
        r = new Result(job.seq(), job.inputs(), -1, 0, false, null, null, String.valueOf(t), 0, 0, "");
      }
      done.add(r);
      return null;
    };
    Thread reader = Thread.ofVirtual().name("jpar-exec-inputs").start(() -> {
      long submitted = 0;
      try {
        while (inputs.hasNext()) {
          window.acquire();
          if (stopStarting) {
            break;
          }
          Numbered n = inputs.next();
          order.add(n.seq());
          pool.submit(task, n);
          submitted++;
        }
      } catch (InterruptedException | IllegalStateException e) {
        // --halt now closed the pool, or the run is over: submit no more
      } catch (RuntimeException e) {
        err.println("jpar exec: cannot read the inputs: " + e.getMessage());
      }
      done.add(end(submitted));
    });
    int failed = 0;
    long succeeded = 0;
    long handled = 0;
    long expected = -1;
    int haltExit = -1;
    Map<Long, Result> held = new java.util.HashMap<>(); // -k: finished, waiting for the ones before
    try {
      while (expected < 0 || handled < expected) {
        Result r = done.take();
        if (r.seq() < 0) {
          expected = -r.seq() - 1;
          continue;
        }
        List<Result> ready = new ArrayList<>();
        if (s.keepOrder()) {
          held.put(r.seq(), r);
          for (Long head; (head = order.peek()) != null && held.containsKey(head); ) {
            order.poll();
            ready.add(held.remove(head));
          }
        } else {
          ready.add(r);
        }
        for (Result x : ready) {
          handled++;
          window.release();
          if (x.ok()) {
            succeeded++;
          } else {
            failed++;
          }
          report(x, log);
          long of = total >= 0 ? total : failed + succeeded; // a streaming source: the jobs seen so far
          if (s.halt() != null && !stopStarting && s.halt().reached(s.halt().onFailure() ? failed : succeeded, of)) {
            stopStarting = true;
            haltExit = s.halt().onFailure() ? Math.max(1, x.exit()) : 0;
            err.println("jpar exec: --halt " + (s.halt().now() ? "now" : "soon") + ": "
                + (s.halt().onFailure() ? failed + " failed" : succeeded + " succeeded")
                + (s.halt().now() ? "; stopping the running jobs" : "; waiting for the running jobs, starting no more"));
            if (s.halt().now()) {
              reader.interrupt();
              pool.terminate();
              held.values().forEach(Result::close);
              done.forEach(Result::close);
              return haltExit;
            }
          }
        }
      }
    } finally {
      reader.interrupt();
    }
    if (haltExit >= 0) {
      return haltExit;
    }
    return failed == 0 ? 0 : Math.min(failed, 101);
  }

  /** One finished job: its log line, then its output (so a log line means its output was printed). */
  private void report(Result r, JobLog log) throws IOException {
    try {
      if (s.results() != null) {
        try {
          save(r);
        } catch (IOException e) {
          err.println("jpar exec: job " + r.seq() + ": cannot save its --results: " + e.getMessage());
        }
      }
      if (!s.lineBuffer()) {
        print(r);
      }
      if (r.error() != null) {
        err.println("jpar exec: job " + r.seq() + " (" + template.display(r.inputs(), r.seq(), 0, s.fill()) + "): " + r.error());
      }
      if (log != null && !r.command().isEmpty()) {
        long received = (r.out() == null ? 0 : r.out().size()) + (r.err() == null ? 0 : r.err().size());
        log.record(r.seq(), r.startEpochSeconds(), r.runtimeSeconds(), received, r.exit(), r.signal(), r.command());
      }
    } finally {
      r.close();
    }
  }

  /** The processes of running jobs, so that a shutdown (SIGTERM, Ctrl-C) takes them along. */
  private final java.util.Set<Process> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private void killAll() {
    live.forEach(ExecRun::killTree);
  }

  private Pool pool(ProgressListener progress) {
    var b = Pool.virtualThreads().name("jpar-exec").maxConcurrency(s.jobsAtOnce());
    if (progress != null) {
      b.onProgress(progress);
    }
    return b.build();
  }

  /**
   * {@code --results DIR}: GNU parallel's layout, DIR/1/VALUE1/2/VALUE2/... holding {@code stdout},
   * {@code stderr} and {@code seq}; a value's '/' is written %2F (and '%' %25) so that it stays one
   * folder, and "." / ".." cannot climb.
   */
  private void save(Result r) throws IOException {
    Path dir = s.results();
    for (int i = 0; i < r.inputs().size(); i++) {
      dir = dir.resolve(Integer.toString(i + 1)).resolve(folderName(r.inputs().get(i)));
    }
    java.nio.file.Files.createDirectories(dir);
    try (var o = java.nio.file.Files.newOutputStream(dir.resolve("stdout"))) {
      if (r.out() != null) {
        r.out().copyTo(o, null);
      }
    }
    try (var o = java.nio.file.Files.newOutputStream(dir.resolve("stderr"))) {
      if (r.err() != null) {
        r.err().copyTo(o, null);
      }
    }
    java.nio.file.Files.writeString(dir.resolve("seq"), r.seq() + "\n");
  }

  /**
   * An input as one folder name: '%' and '/' escaped (%25, %2F), "." and ".." and "" made harmless,
   * and at most 200 bytes of UTF-8 (file systems count bytes): a longer one keeps its start and gets
   * a hash of the whole, so that two long inputs sharing a start stay apart.
   */
  static String folderName(String input) {
    String v = input.replace("%", "%25").replace("/", "%2F").replace("\0", "%00");
    if (v.isEmpty() || v.equals(".") || v.equals("..")) {
      v = v.replace(".", "%2E") + "%";
    }
    byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= 200) {
      return v;
    }
    StringBuilder kept = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < v.length(); ) {
      int cp = v.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + len > 180) {
        break;
      }
      kept.appendCodePoint(cp);
      bytes += len;
      i += Character.charCount(cp);
    }
    return kept + "%" + Integer.toHexString(input.hashCode());
  }

  private void print(Result r) throws IOException {
    byte[] tag = tagBytes(r);
    if (r.out() != null) {
      r.out().copyTo(out, tag);
    }
    if (r.err() != null) {
      out.flush();
      r.err().copyTo(err, tag);
      err.flush();
    }
  }

  private byte[] tagBytes(Result r) {
    if (s.tag() == null) {
      return null;
    }
    return (Template.substitute(s.tag(), r.inputs(), r.seq(), 0, false) + "\t").getBytes(StandardCharsets.UTF_8);
  }

  /** One job: up to {@code retries} attempts, each with its timeout; runs on a pool thread. */
  private Result runJob(Numbered job) throws IOException, InterruptedException {
    long seq = job.seq();
    List<String> inputs = job.inputs();
    if (stopStarting) {
      return new Result(seq, inputs, 0, 0, true, null, null, null, 0, 0, "");
    }
    Integer slot = slots.take();
    try {
      Result last = null;
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

  private Result attempt(long seq, List<String> inputs, int slot) throws IOException, InterruptedException {
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
      return new Result(seq, inputs, 127, 0, false, stdout, stderr, why, start, 0, command);
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
    return new Result(seq, inputs, code, signal, false, stdout, stderr, error, start, runtime, command);
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
      byte[] tag = s.tag() == null ? null
          : (Template.substitute(s.tag(), inputs, seq, 0, false) + "\t").getBytes(StandardCharsets.UTF_8);
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
