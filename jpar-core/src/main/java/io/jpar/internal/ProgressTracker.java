package io.jpar.internal;

import io.jpar.Progress;
import io.jpar.ProgressListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a pool's tasks and feeds its {@link ProgressListener}. The total is known while every batch
 * had a known size; an open lazy input of unknown length makes it -1 until that input ends. Listener
 * calls are serialized on this object so that {@code done} is monotonic for the listener.
 */
final class ProgressTracker {
  private final ProgressListener listener;
  // Adders, not atomics: every task of every thread bumps these, and they are read only for reports.
  private final LongAdder done = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicLong expected = new AtomicLong();
  private final AtomicLong openUnknownInputs = new AtomicLong();
  private final AtomicBoolean listenerFailed = new AtomicBoolean();
  private volatile long startNanos;

  ProgressTracker(ProgressListener listener) {
    this.listener = listener;
  }

  void expect(long tasks) {
    start();
    expected.addAndGet(tasks);
  }

  void openUnknown() {
    start();
    openUnknownInputs.incrementAndGet();
  }

  /** An input of unknown length ended after {@code tasks} tasks (or was closed early). */
  void closeUnknown(long tasks) {
    expected.addAndGet(tasks);
    openUnknownInputs.decrementAndGet();
  }

  private void start() {
    if (startNanos == 0) {
      startNanos = System.nanoTime();
    }
  }

  long doneSoFar() {
    return done.sum();
  }

  long failedSoFar() {
    return failed.sum();
  }

  void finished(boolean ok) {
    done.increment();
    if (!ok) {
      failed.increment();
    }
    if (listener != null) {
      report();
    }
  }

  private synchronized void report() {
    long elapsed = Math.max(1, System.nanoTime() - startNanos);
    long d = done.sum();
    long total = openUnknownInputs.get() > 0 ? -1 : Math.max(expected.get(), d);
    Progress p = new Progress(d, failed.sum(), total, Duration.ofNanos(elapsed), d * 1e9 / elapsed);
    try {
      listener.onProgress(p);
    } catch (RuntimeException e) {
      if (listenerFailed.compareAndSet(false, true)) {
        System.err.println("jpar: the progress listener threw " + e + "; its later failures are not reported");
      }
    }
  }
}
