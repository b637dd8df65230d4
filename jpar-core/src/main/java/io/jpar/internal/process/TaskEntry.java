package io.jpar.internal.process;

/**
 * A task as the process pool knows it: an id, its encoded bytes (sent once per worker) and the chunk
 * size that fits it.
 */
final class TaskEntry {
  /** Aim for round trips of about this long: long enough that per-trip costs vanish, short enough to balance. */
  private static final long TARGET_NANOS = 100_000_000;
  private static final int MAX_CHUNK = 1 << 16;

  final int id;
  final byte[] bytes;
  private final int fixedChunk;
  private final int maxChunk;
  private volatile int chunk = 1;

  TaskEntry(int id, byte[] bytes, int fixedChunk, int maxTasksPerWorker) {
    this.id = id;
    this.bytes = bytes;
    this.fixedChunk = fixedChunk;
    this.maxChunk = maxTasksPerWorker > 0 ? Math.min(MAX_CHUNK, maxTasksPerWorker) : MAX_CHUNK;
  }

  int chunkSize() {
    return fixedChunk > 0 ? fixedChunk : chunk;
  }

  /**
   * Learns from a finished chunk of {@code n} inputs that took {@code wallNanos} from send to last
   * result. Grows at most 2x per step (a few fast tasks may mislead), shrinks at once (a slow chunk
   * holds a worker hostage), as joblib does.
   */
  synchronized void record(int n, long wallNanos) {
    if (fixedChunk > 0 || n < 1) {
      return;
    }
    double perTask = Math.max(1, wallNanos) / (double) n;
    int ideal = (int) Math.max(1, Math.min(maxChunk, TARGET_NANOS / perTask));
    if (ideal > chunk) {
      if (n >= chunk) { // only a full chunk is evidence for growing
        chunk = Math.min(ideal, chunk * 2);
      }
    } else {
      chunk = ideal;
    }
  }
}
