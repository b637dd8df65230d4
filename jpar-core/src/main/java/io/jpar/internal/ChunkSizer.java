package io.jpar.internal;

/**
 * Learns how many inputs of one task to hand over at once, from how long chunks took: grows at most 2x
 * per step (a few fast inputs may mislead), shrinks at once (a slow chunk holds a worker hostage), as
 * joblib does. A chunk should take about {@code targetNanos}: long enough that the per-hand-over cost
 * vanishes, short enough that work stays balanced.
 */
public final class ChunkSizer {
  private final long targetNanos;
  private final int max;
  private final int fixed;
  private volatile int chunk = 1;
  /** Set by the first record: from then on the size is learned, never seeded. */
  private volatile boolean learned;

  /**
   * @param targetNanos how long a chunk should take
   * @param max the largest chunk
   * @param fixed a chunk size set by the user (then nothing is learned), or 0
   */
  public ChunkSizer(long targetNanos, int max, int fixed) {
    this.targetNanos = targetNanos;
    this.max = Math.max(1, max);
    this.fixed = fixed;
  }

  public int size() {
    return fixed > 0 ? fixed : chunk;
  }

  /**
   * Starts from {@code size} instead of 1, while nothing has been learned yet: a batch of known length
   * can begin with a fair share per hand-over (Python's pools cut len / (4 x workers)) rather than
   * doubling up from 1 over many round trips. Learning then adapts it either way.
   */
  public synchronized void seed(int size) {
    if (fixed == 0 && !learned) {
      chunk = Math.max(chunk, Math.min(max, size));
    }
  }

  /** A chunk of {@code n} inputs took {@code wallNanos}. */
  public synchronized void record(int n, long wallNanos) {
    if (fixed > 0 || n < 1) {
      return;
    }
    learned = true;
    double perInput = Math.max(1, wallNanos) / (double) n;
    int ideal = (int) Math.max(1, Math.min(max, targetNanos / perInput));
    if (ideal > chunk) {
      if (n >= chunk) { // only a full chunk is evidence for growing
        chunk = Math.min(ideal, chunk * 2);
      }
    } else {
      chunk = ideal;
    }
  }
}
