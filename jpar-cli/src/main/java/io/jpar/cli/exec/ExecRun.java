package io.jpar.cli.exec;

import io.jpar.Pool;
import io.jpar.ProgressListener;
import io.jpar.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/**
 * Runs the jobs of {@code jpar exec} on a virtual-thread pool (a job waits on its process; the pool
 * bounds how many run at once) and reports them GNU parallel's way: each job's output whole, in
 * completion order or input order ({@code -k}), a job log, retries, timeouts that kill the job's whole
 * process tree, and {@code --halt}.
 *
 * <p>This class schedules and reports; {@link JobRunner} runs one job's process, {@link ResultsFolder}
 * keeps --results. Threads: jobs run on the pool's virtual threads; everything printed, and the halt
 * decision, is done by the calling thread as outcomes arrive, so output needs no lock except with
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

  private final Settings s;
  private final Template template;
  private final PrintStream out;
  private final PrintStream err;
  private final JobRunner runner;
  private volatile boolean stopStarting;

  public ExecRun(Settings settings, PrintStream out, PrintStream err) {
    this(settings, out, err, null);
  }

  /**
   * A run whose jobs run on the members of a cluster pool ({@code jpar exec --cluster}) rather than
   * here; this JVM still reads the inputs, fills in the commands, prints, logs and decides.
   *
   * @param cluster the pool the jobs run on (the caller closes it), or null to run them here
   */
  public ExecRun(Settings settings, PrintStream out, PrintStream err, Pool cluster) {
    if (cluster != null && settings.lineBuffer()) {
      throw new IllegalArgumentException("--line-buffer cannot be used with --cluster: a job's output comes back"
          + " from its member whole, when the job ends");
    }
    this.s = settings;
    this.template = new Template(settings.command());
    this.out = out;
    this.err = err;
    this.runner = new JobRunner(settings, template, out, err, () -> stopStarting, cluster);
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
    Thread killer = Thread.ofPlatform().unstarted(runner::killAll); // SIGTERM/Ctrl-C: the jobs go with us
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

  /**
   * The calling thread prints, logs and decides; a reader thread of its own reads the inputs and
   * submits jobs (so that waiting for the next input line never holds back a finished job's output),
   * at most 2 x jobsAtOnce ahead of what was printed.
   */
  private int consume(Pool pool, JobLog log, Iterator<Numbered> inputs, long total) throws IOException, InterruptedException {
    BlockingQueue<JobResult> done = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(2 * s.jobsAtOnce());
    java.util.concurrent.ConcurrentLinkedQueue<Long> order = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Task<Numbered, Void> task = job -> {
      JobResult r;
      try {
        r = runner.run(job.seq(), job.inputs());
      } catch (InterruptedException e) {
        r = JobResult.failed(job.seq(), job.inputs(), "stopped (--halt now)");
      } catch (Throwable t) {
        r = JobResult.failed(job.seq(), job.inputs(), String.valueOf(t));
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
      done.add(JobResult.end(submitted));
    });
    int failed = 0;
    long succeeded = 0;
    long handled = 0;
    long expected = -1;
    int haltExit = -1;
    Map<Long, JobResult> held = new java.util.HashMap<>(); // -k: finished, waiting for the ones before
    try {
      while (expected < 0 || handled < expected) {
        JobResult r = done.take();
        if (r.seq() < 0) {
          expected = -r.seq() - 1;
          continue;
        }
        List<JobResult> ready = new ArrayList<>();
        if (s.keepOrder()) {
          held.put(r.seq(), r);
          for (Long head; (head = order.peek()) != null && held.containsKey(head); ) {
            order.poll();
            ready.add(held.remove(head));
          }
        } else {
          ready.add(r);
        }
        for (JobResult x : ready) {
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
              held.values().forEach(JobResult::close);
              done.forEach(JobResult::close);
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
  private void report(JobResult r, JobLog log) throws IOException {
    try {
      if (s.results() != null) {
        try {
          ResultsFolder.save(s.results(), r);
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

  private Pool pool(ProgressListener progress) {
    var b = Pool.virtualThreads().name("jpar-exec").maxConcurrency(s.jobsAtOnce());
    if (progress != null) {
      b.onProgress(progress);
    }
    return b.build();
  }

  private void print(JobResult r) throws IOException {
    byte[] tag = Template.tagBytes(s.tag(), r.inputs(), r.seq());
    if (r.out() != null) {
      r.out().copyTo(out, tag);
    }
    if (r.err() != null) {
      out.flush();
      r.err().copyTo(err, tag);
      err.flush();
    }
  }

}
