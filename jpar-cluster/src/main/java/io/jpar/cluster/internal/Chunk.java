package io.jpar.cluster.internal;

import io.jpar.spi.BackendContext;
import io.jpar.spi.Job;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * One chunk of one batch, on its way to (or at) a member, and how its jobs end: with the results a member
 * sent, failed, or cancelled on the member when nobody wants them any more. A chunk is sent once; a chunk
 * whose member was lost runs again as a {@link #copy()}, so that the late reply of the first one can be
 * told apart ({@link Membership#finished}).
 *
 * <p>Thread-safe as far as it is shared: its jobs are completed once whoever calls (a second completion is
 * ignored), {@code future} is volatile, and {@code sentNanos} is written by the sender before the call
 * and read by the reply's thread after it.
 */
final class Chunk {
  private static final System.Logger LOG = System.getLogger("io.jpar.cluster");

  final ClusterTask task;
  final List<Job> jobs;
  final ChunkCall call;
  /** The member's answer to come; set once sent, read by whoever cancels it. */
  volatile Future<byte[]> future;
  long sentNanos;

  Chunk(ClusterTask task, List<Job> jobs, ChunkCall call) {
    this.task = task;
    this.jobs = jobs;
    this.call = call;
  }

  /** The same call again, to be sent anew (its jobs done meanwhile are completed a second time, a no-op). */
  Chunk copy() {
    return new Chunk(task, jobs, call);
  }

  boolean allDone() {
    return jobs.stream().allMatch(Job::isDone);
  }

  /** Cancels the chunk on its member once every job of it is done (cancelled by the caller, say). */
  void cancelIfAllDone() {
    Future<byte[]> f = future;
    if (f != null && allDone()) {
      f.cancel(true);
    }
  }

  /** Cancels the jobs, and the chunk on its member, which interrupts it there (cancelling its tasks). */
  void cancel() {
    jobs.forEach(Job::cancel);
    Future<byte[]> f = future;
    if (f != null) {
      try {
        f.cancel(true); // the member interrupts the chunk, which cancels its tasks there
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cancelling a chunk failed", e);
      }
    }
  }

  /**
   * Counts a lost run for each job not done yet: the chunk's member was lost, or gave it back.
   *
   * @param exhausted where the jobs lost {@code maxLostRuns} times go, to be failed
   * @return whether a job is left to run again
   */
  boolean countLostRun(int maxLostRuns, List<Job> exhausted) {
    boolean again = false;
    for (Job j : jobs) {
      if (!j.isDone()) {
        if (j.countLostRun() >= maxLostRuns) {
          exhausted.add(j);
        } else {
          again = true;
        }
      }
    }
    return again;
  }

  void failAll(Throwable error) {
    int last = jobs.size() - 1;
    for (int i = 0; i <= last; i++) {
      jobs.get(i).fail(error, i == last);
    }
  }

  /**
   * Ends the jobs as a member's reply says: with its results, or failed saying what went wrong where and
   * what to do. A member whose local pool was shut down under the chunk asks for it to run elsewhere.
   *
   * @param terminated whether the pool was terminated: then nothing runs elsewhere, the jobs fail
   * @return where the chunk failed, if it is to run elsewhere (its jobs not ended); else null
   */
  String settle(byte[] bytes, String member, long roundTrip, BackendContext context, BooleanSupplier terminated) {
    Reply reply;
    try {
      reply = Reply.decode(bytes);
    } catch (IOException e) {
      failAll(new IllegalStateException("cluster member " + member + " answered with bytes that are not a"
          + " reply: " + e, e));
      return null;
    }
    switch (reply) {
      case Reply.Results r -> complete(r, roundTrip, context);
      case Reply.MissingClass m -> failAll(new IllegalStateException("class " + m.className()
          + " is not on the class path of cluster member " + m.member() + "; start that member with a class path"
          + " holding it (jpar worker --classpath JAR...)"));
      case Reply.Refused r -> failAll(new SecurityException("cluster member " + r.member()
          + " refused the chunk: " + r.reason() + " (it logged the refusal)"));
      case Reply.Failed f when f.elsewhere() && !terminated.getAsBoolean() -> {
        return f.member() + " (" + f.message() + ")";
      }
      case Reply.Failed f -> failAll(new IllegalStateException("cluster member " + f.member() + ": " + f.message()));
      case Reply.Hello h -> failAll(new IllegalStateException("cluster member " + h.member()
          + " answered a chunk with a handshake"));
    }
    return null;
  }

  /** Completes the jobs with a member's results, recording the round trip and the tasks' time. */
  private void complete(Reply.Results r, long roundTrip, BackendContext context) {
    Outcomes outcomes;
    try {
      outcomes = (Outcomes) Wire.deserialize(r.outcomes(), task.loader());
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      failAll(new IllegalStateException("the results from cluster member " + r.member()
          + " could not be decoded here: " + e, e));
      return;
    }
    if (outcomes.size() != jobs.size()) {
      failAll(new IllegalStateException("cluster member " + r.member() + " returned " + outcomes.size()
          + " results for " + jobs.size() + " inputs"));
      return;
    }
    task.record(jobs.size(), roundTrip);
    context.recordTasks(jobs.size(), r.taskWallNanos(), r.taskCpuNanos());
    int last = jobs.size() - 1;
    for (int i = 0; i <= last; i++) {
      Object value = outcomes.values()[i];
      if (outcomes.failed()[i]) {
        jobs.get(i).fail(value instanceof Throwable t ? t : new IllegalStateException(String.valueOf(value)), i == last);
      } else {
        jobs.get(i).complete(value, i == last);
      }
    }
  }
}
