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
      String error) {}

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
    int failed = 0;
    long succeeded = 0;
    int haltExit = -1;
    try (JobLog log = s.joblog() == null ? null : new JobLog(s.joblog());
        Pool pool = pool(progress)) {
      Task<Numbered, Result> task = job -> runJob(job, log);
      // Numbers every input as it is read (jobs keep their numbers across --resume), skips what the log
      // says is done, and stops reading at --halt.
      Iterator<Numbered> stoppable = new Iterator<>() {
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
      Iterable<Numbered> source = () -> stoppable;
      var stream = s.keepOrder() ? pool.imap(task, source) : pool.imapUnordered(task, source);
      for (Iterator<Result> it = stream.iterator(); it.hasNext(); ) {
        Result r = it.next();
        if (r.skipped()) {
          continue;
        }
        boolean ok = r.exit() == 0 && r.signal() == 0 && r.error() == null;
        if (ok) {
          succeeded++;
        } else {
          failed++;
        }
        if (!s.lineBuffer()) {
          print(r);
        }
        long of = total >= 0 ? total : failed + succeeded; // a streaming source: the jobs seen so far
        if (s.halt() != null && !stopStarting && s.halt().reached(s.halt().onFailure() ? failed : succeeded, of)) {
          stopStarting = true;
          haltExit = s.halt().onFailure() ? Math.max(1, r.exit()) : 0;
          err.println("jpar exec: --halt " + (s.halt().now() ? "now" : "soon") + ": "
              + (s.halt().onFailure() ? failed + " failed" : succeeded + " succeeded")
              + (s.halt().now() ? "; stopping the running jobs" : "; waiting for the running jobs, starting no more"));
          if (s.halt().now()) {
            stream.close();
            pool.terminate();
            break;
          }
        }
      }
      stream.close();
    } catch (IllegalStateException e) {
      // terminate() during --halt now: the stream ends; what was printed stands
      if (haltExit < 0) {
        throw e;
      }
    }
    out.flush();
    err.flush();
    if (haltExit >= 0) {
      return haltExit;
    }
    return failed == 0 ? 0 : Math.min(failed, 101);
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
      String v = r.inputs().get(i).replace("%", "%25").replace("/", "%2F").replace("\0", "%00");
      if (v.isEmpty() || v.equals(".") || v.equals("..")) {
        v = v.replace(".", "%2E") + "%";
      }
      dir = dir.resolve(Integer.toString(i + 1)).resolve(v.length() > 200 ? v.substring(0, 200) : v);
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

  private void print(Result r) throws IOException {
    if (s.results() != null) {
      save(r);
    }
    byte[] tag = tagBytes(r);
    if (r.out() != null) {
      r.out().copyTo(out, tag);
      r.out().close();
    }
    if (r.err() != null) {
      out.flush();
      r.err().copyTo(err, tag);
      r.err().close();
      err.flush();
    }
    if (r.error() != null) {
      err.println("jpar exec: job " + r.seq() + " (" + template.display(r.inputs(), r.seq(), 0, s.fill()) + "): " + r.error());
    }
  }

  private byte[] tagBytes(Result r) {
    if (s.tag() == null) {
      return null;
    }
    return (Template.substitute(s.tag(), r.inputs(), r.seq(), 0, false) + "\t").getBytes(StandardCharsets.UTF_8);
  }

  /** One job: up to {@code retries} attempts, each with its timeout; runs on a pool thread. */
  private Result runJob(Numbered job, JobLog log) throws IOException, InterruptedException {
    long seq = job.seq();
    List<String> inputs = job.inputs();
    if (stopStarting) {
      return new Result(seq, inputs, 0, 0, true, null, null, null);
    }
    Integer slot = slots.take();
    try {
      Result last = null;
      for (int attempt = 1; attempt <= s.retries(); attempt++) {
        if (last != null) {
          last.out().close();
          last.err().close();
        }
        last = attempt(seq, inputs, slot, log);
        if (last.exit() == 0 && last.signal() == 0 && last.error() == null) {
          break;
        }
      }
      return last;
    } finally {
      slots.add(slot);
    }
  }

  private Result attempt(long seq, List<String> inputs, int slot, JobLog log) throws IOException, InterruptedException {
    List<String> argv = template.argv(inputs, seq, slot, s.fill());
    long wallStart = System.currentTimeMillis();
    long t0 = System.nanoTime();
    Spool stdout = new Spool();
    Spool stderr = new Spool();
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      String why = "cannot run '" + argv.get(0) + "': " + (e.getMessage() == null ? e : e.getMessage());
      if (log != null) {
        log.record(seq, wallStart / 1000.0, 0, 0, 127, 0, template.display(inputs, seq, slot, s.fill()));
      }
      return new Result(seq, inputs, 127, 0, false, stdout, stderr, why);
    }
    Thread errReader = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), stderr, s.lineBuffer() ? err : null, inputs, seq));
    boolean timedOut = false;
    Duration limit = limit();
    try {
      Thread outReader = Thread.ofVirtual().start(() -> pump(p.getInputStream(), stdout, s.lineBuffer() ? out : null, inputs, seq));
      if (limit == null) {
        p.waitFor();
      } else if (!p.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
        timedOut = true;
        killTree(p);
      }
      outReader.join();
      errReader.join();
    } catch (InterruptedException e) {
      killTree(p); // --halt now, or the caller gave up: the job's processes go with it
      throw e;
    }
    int code = p.waitFor();
    double runtime = (System.nanoTime() - t0) / 1e9;
    int signal = timedOut ? 9 : code > 128 && code < 128 + 65 ? code - 128 : 0;
    // Java reports a process killed by signal n as 128 + n, the shell's convention; it cannot tell
    // that from exit(128 + n). The log shows both columns, as GNU parallel's does.
    int exit = timedOut ? -1 : code;
    if (log != null) {
      log.record(seq, wallStart / 1000.0, runtime, stdout.size() + stderr.size(), exit, signal, template.display(inputs, seq, slot, s.fill()));
    }
    if (code == 0 && !timedOut) {
      synchronized (runtimes) {
        runtimes.add(System.nanoTime() - t0);
      }
    }
    String error = timedOut ? "timed out after " + limit.toMillis() + " ms; its processes were killed" : null;
    return new Result(seq, inputs, exit, signal, false, stdout, stderr, error);
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

  /** Reads one of a job's streams: to its spool, or line by line to {@code live} with --line-buffer. */
  private void pump(InputStream in, Spool spool, PrintStream live, List<String> inputs, long seq) {
    try (in) {
      if (live == null) {
        spool.drain(in);
        return;
      }
      byte[] tag = s.tag() == null ? null
          : (Template.substitute(s.tag(), inputs, seq, 0, false) + "\t").getBytes(StandardCharsets.UTF_8);
      var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        synchronized (out) { // one whole line at a time, never interleaved within a line
          if (tag != null) {
            live.write(tag);
          }
          live.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          live.flush();
        }
      }
    } catch (IOException e) {
      // the process went away; what it wrote so far is kept
    }
  }

  /** Kills the job's process and everything it started, children first (found while the parent lives). */
  static void killTree(Process p) {
    p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }
}
