package io.jpar.cli.exec;

import java.io.IOException;
import java.util.List;

/**
 * What one job of {@code jpar exec} did: its exit, its output (spooled), and what its job-log line
 * says. A negative {@code seq} marks the end of the inputs ({@link #end}).
 */
record JobResult(long seq, List<String> inputs, int exit, int signal, boolean skipped, Spool out, Spool err,
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

  /** A job that was never started (--halt soon came first). */
  static JobResult skipped(long seq, List<String> inputs) {
    return new JobResult(seq, inputs, 0, 0, true, null, null, null, 0, 0, "");
  }

  /** A job that ended without a process outcome: stopped, or failed before its process ran. */
  static JobResult failed(long seq, List<String> inputs, String error) {
    return new JobResult(seq, inputs, -1, 0, false, null, null, error, 0, 0, "");
  }

  /** Marks the end of the inputs in the queue of finished jobs; its seq says how many were submitted. */
  static JobResult end(long submitted) {
    return new JobResult(-submitted - 1, List.of(), 0, 0, true, null, null, null, 0, 0, "");
  }
}
