package io.jpar.internal.process;

import io.jpar.internal.ChunkSizer;

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
  /** Chunks are sized by measurement, not set by the user. */
  final boolean adaptive;
  private final ChunkSizer sizer;

  TaskEntry(int id, byte[] bytes, int fixedChunk, int maxTasksPerWorker) {
    this.id = id;
    this.bytes = bytes;
    this.adaptive = fixedChunk <= 0;
    int max = maxTasksPerWorker > 0 ? Math.min(MAX_CHUNK, maxTasksPerWorker) : MAX_CHUNK;
    this.sizer = new ChunkSizer(TARGET_NANOS, max, fixedChunk);
  }

  int chunkSize() {
    return sizer.size();
  }

  /**
   * The chunk size for a batch of {@code batchSize} inputs (-1 if unknown) on {@code workers} workers:
   * the learned size, or for a first batch of known length a quarter of each worker's share.
   */
  int chunkSize(long batchSize, int workers) {
    if (batchSize > 0) {
      sizer.seed((int) Math.min(Integer.MAX_VALUE, (batchSize + 4L * workers - 1) / (4L * workers)));
    }
    return sizer.size();
  }

  /** Learns from a finished chunk of {@code n} inputs that took {@code wallNanos} from send to last result. */
  void record(int n, long wallNanos) {
    sizer.record(n, wallNanos);
  }
}
