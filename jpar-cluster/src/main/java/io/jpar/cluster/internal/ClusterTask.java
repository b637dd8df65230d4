package io.jpar.cluster.internal;

import io.jpar.Task;
import java.io.IOException;

/**
 * The cluster backend's handle for a task: its bytes (encoded once per batch), the class loader its
 * results are decoded with, and the chunk size learned from round trips. A chunk should take about
 * {@link #TARGET_NANOS} from send to reply, so that a round trip (~1 ms) is a small part of it; the
 * size grows at most 2x per chunk (a few fast inputs may mislead) and shrinks at once (a slow chunk
 * holds a member), as on worker processes.
 */
public final class ClusterTask {
  static final long TARGET_NANOS = 50_000_000L;
  /** The largest chunk: it bounds a lazy batch's read-ahead to window x this. */
  static final int MAX_CHUNK = 512;

  private final byte[] bytes;
  private final ClassLoader loader;
  /** A chunk size set by the user (nothing is learned then), or 0. */
  private final int fixed;
  private int chunk = 1;
  private boolean learned;

  private ClusterTask(byte[] bytes, ClassLoader loader, int fixed) {
    this.bytes = bytes;
    this.loader = loader;
    this.fixed = fixed;
    this.chunk = fixed > 0 ? fixed : 1;
  }

  static ClusterTask of(Task<Object, Object> task, int fixedChunk) {
    ClassLoader loader = task.getClass().getClassLoader();
    if (loader == null) {
      loader = ClassLoader.getSystemClassLoader();
    }
    try {
      return new ClusterTask(Wire.serialize(task), loader, fixedChunk);
    } catch (IOException e) {
      throw new IllegalArgumentException("the task " + task.getClass().getName() + " cannot be sent to cluster"
          + " members: " + e + "; a task must be Serializable and capture only serializable values"
          + " (a method reference to a static method captures nothing)", e);
    }
  }

  byte[] bytes() {
    return bytes;
  }

  ClassLoader loader() {
    return loader;
  }

  synchronized int chunkSize() {
    return chunk;
  }

  /** For a batch of known length, before anything is learned: a quarter of each worker's share. */
  synchronized int chunkSize(long batchSize, int workers) {
    if (batchSize > 0 && !learned && fixed == 0) {
      long share = (batchSize + 4L * workers - 1) / (4L * workers);
      chunk = (int) Math.max(chunk, Math.min(MAX_CHUNK, share));
    }
    return chunk;
  }

  /** A chunk of {@code n} inputs took {@code roundTripNanos} from send to reply. */
  synchronized void record(int n, long roundTripNanos) {
    if (n < 1 || fixed > 0) {
      return;
    }
    learned = true;
    double perInput = Math.max(1, roundTripNanos) / (double) n;
    int ideal = (int) Math.max(1, Math.min(MAX_CHUNK, TARGET_NANOS / perInput));
    if (ideal <= chunk) {
      chunk = ideal;
    } else if (n >= chunk) {
      chunk = Math.min(ideal, 2 * chunk);
    }
  }
}
