package io.jpar.internal.process;

import io.jpar.JparException;
import io.jpar.RemoteTaskException;
import io.jpar.TaskTimeoutException;
import io.jpar.WorkerCrashedException;
import io.jpar.internal.Deadlines;
import io.jpar.spi.Job;
import io.jpar.internal.process.wire.RemoteFailure;
import io.jpar.internal.process.wire.Values;
import io.jpar.spi.Codec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to a batch whose worker died, and the task deadlines that kill workers.
 *
 * <p>Blame: a worker runs its batch in order and reports results in order, so the job that was
 * running is the first without a result — exactly, when results are sent one by one (tasks with a
 * deadline, single-job batches) or the worker said which input hurt it (a fatal error); otherwise a
 * few finished results may not have been sent yet. The blamed job counts a crash: it is re-sent while
 * it has retries left, else it fails with {@link WorkerCrashedException} or {@link
 * TaskTimeoutException}. Jobs after it never started and are re-sent without counting anything. When
 * blame is not exact, every job without a result is re-sent alone, so that a job that kills its
 * worker again is then blamed exactly. Re-sent work goes to the front of the queue.
 */
final class Recovery {
  private final ProcessBackend pool;
  /** How long a worker may take to decode a batch before the deadline clock starts anyway. */
  private static final long MAX_DECODE_NANOS = 60_000_000_000L;

  Recovery(ProcessBackend pool) {
    this.pool = pool;
  }

  void recover(WorkerHandle w, Batch b, int exitCode, List<String> tail) {
    List<Job> rest = new ArrayList<>();
    for (int i = b.received; i < b.jobs.size(); i++) {
      if (!b.jobs.get(i).isDone()) {
        rest.add(b.jobs.get(i));
      }
    }
    if (rest.isEmpty()) {
      return;
    }
    if (WorkerHandle.KILLED_FOR_CANCEL.equals(w.killedBecause)) {
      // We killed it for a cancelled batch; anything else it held did nothing wrong.
      pool.enqueue(pool.newBatch(b.task, rest), true);
      return;
    }
    Job blamed = null;
    boolean timedOut = false;
    Throwable cause = null;
    if (b.timedOut != null && rest.contains(b.timedOut)) {
      blamed = b.timedOut;
      timedOut = true;
    } else if (w.fatal != null && w.fatalIndex >= 0 && w.fatalIndex < b.jobs.size()
        && rest.contains(b.jobs.get(w.fatalIndex))) {
      blamed = b.jobs.get(w.fatalIndex);
      cause = pool.wire.toThrowable(w.fatal);
    } else if (b.jobs.size() == 1 || pool.ps.common().taskTimeout() != null) {
      blamed = rest.get(0);
    }
    if (blamed == null) {
      for (int i = rest.size() - 1; i >= 0; i--) {
        pool.enqueue(pool.newBatch(b.task, List.of(rest.get(i))), true);
      }
      return;
    }
    List<Job> others = new ArrayList<>(rest);
    others.remove(blamed);
    if (!others.isEmpty()) {
      pool.enqueue(pool.newBatch(b.task, others), true);
    }
    if (blamed.countLostRun() <= pool.ps.retries()) {
      pool.enqueue(pool.newBatch(b.task, List.of(blamed)), true);
    } else if (timedOut) {
      blamed.fail(new TaskTimeoutException(pool.ps.common().taskTimeout(), "its worker process " + w.pid() + " was killed"));
    } else {
      blamed.fail(new WorkerCrashedException(w.pid(), exitCode, reason(w, exitCode, tail), tail, cause));
    }
  }

  private String reason(WorkerHandle w, int exitCode, List<String> tail) {
    if (w.fatal != null) {
      return "the task threw " + w.fatal.className() + ", after which the JVM cannot be trusted";
    }
    if (tail.stream().anyMatch(l -> l.contains("OutOfMemoryError"))) {
      String limit = pool.ps.workerHeap() == null ? "" : " (workerHeap " + pool.ps.workerHeap() + ")";
      return "it ran out of memory" + limit;
    }
    if (w.killedBecause != null) {
      return "jpar killed it because " + w.killedBecause;
    }
    if (exitCode == 128 + 9) {
      return "it was killed from outside (SIGKILL: the kernel's OOM killer, or a kill -9)";
    }
    if (exitCode > 128) {
      return "it was killed by a signal";
    }
    return "the task ended the JVM (System.exit or Runtime.halt)";
  }

  JparException startFailure(WorkerHandle w, int exitCode, List<String> tail) {
    if (w.initFailure != null && w.initHung) {
      return new JparException("the initializer hung in worker " + w.name + ": it did not return within initializerTimeout ("
          + pool.ps.limits().initializer().toMillis() + " ms). Where it was, in the worker:\n"
          + firstLines(w.initFailure.trace(), 12), pool.wire.toThrowable(w.initFailure));
    }
    if (w.initFailure != null) {
      return new JparException("the initializer failed in worker " + w.name + ": " + w.initFailure.className()
          + (w.initFailure.message() == null ? "" : ": " + w.initFailure.message()), pool.wire.toThrowable(w.initFailure));
    }
    StringBuilder sb = new StringBuilder(w.killedBecause != null
        ? "worker " + w.name + " was killed before its handshake because " + w.killedBecause
        : "worker " + w.name + " exited before its handshake (exit code " + exitCode + ")");
    if (!tail.isEmpty()) {
      sb.append("; its stderr:");
      tail.forEach(l -> sb.append("\n  ").append(l));
    }
    return new JparException(sb.toString());
  }

  /** The stack trace's frames, at most {@code n} of them: where it was is at the top. */
  private static String firstLines(String trace, int n) {
    String[] lines = trace.split("\\R");
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < lines.length && i <= n; i++) {
      sb.append(lines[i]).append('\n');
    }
    if (lines.length > n + 1) {
      sb.append("\t... ").append(lines.length - n - 1).append(" more\n");
    }
    return sb.toString().stripTrailing();
  }

  /** Starts watching a sent batch: a job without progress for the task timeout gets its worker killed. */
  void watchDeadline(Batch b) {
    schedule(b, pool.ps.common().taskTimeout().toNanos());
  }

  private void schedule(Batch b, long delayNanos) {
    Deadlines.after(Duration.ofNanos(delayNanos), () -> check(b));
  }

  private void check(Batch b) {
    WorkerHandle w = pool.state.workerRunning(b);
    if (w == null) {
      return; // finished or recovered
    }
    long timeout = pool.ps.common().taskTimeout().toNanos();
    if (!b.started) {
      // Still decoding (a cold worker loading the task's classes): that is not the task's time. A
      // worker stuck here for long is broken, and is treated as the first input running too long.
      long decoding = System.nanoTime() - b.sentNanos;
      if (decoding < Math.max(timeout, MAX_DECODE_NANOS)) {
        schedule(b, timeout);
        return;
      }
    }
    long quiet = System.nanoTime() - b.lastProgressNanos;
    int at = b.received;
    if (quiet >= timeout && at < b.jobs.size()) {
      b.timedOut = b.jobs.get(at);
      w.kill(WorkerHandle.KILLED_FOR_TIMEOUT + " of " + pool.ps.common().taskTimeout().toMillis() + " ms");
    } else if (at < b.jobs.size()) {
      schedule(b, timeout - quiet);
    }
  }

  /** The worker-side exception as itself when it decodes here, else as a {@link RemoteTaskException}. */
  static Throwable toThrowable(RemoteFailure rf, Codec codec) {
    if (rf.errorBytes() != null) {
      try {
        if (Values.decodeOne(rf.errorBytes(), codec) instanceof Throwable t) {
          return t;
        }
      } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
        // fall through to the textual form
      }
    }
    return new RemoteTaskException(rf.className(), rf.message(), rf.trace());
  }
}
