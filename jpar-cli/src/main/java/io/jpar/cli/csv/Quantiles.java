package io.jpar.cli.csv;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Approximate quantiles (quartiles, median) of one column, mergeable from slices, in bounded memory,
 * because exact quantiles need every value. A hierarchy of compactors (the idea of Karnin, Lang and
 * Liberty's KLL sketch, without its coin flips): values gather unsorted in a buffer; a full buffer is
 * sorted and every other value moves up a level at twice the weight; a full level is compacted the
 * same way into the next. Which half a level keeps alternates from one compaction to the next, so the
 * rank errors of successive compactions tend to cancel, and the result depends only on the values and
 * their order: the same file gives the same figures on every run.
 *
 * <p>Exact (pandas' linear interpolation between neighbours) while a slice has at most {@value #K}
 * values. Beyond, a compaction of weight w moves any rank by at most w. A slice's first {@value
 * #EVERY_VALUE} values all count; after them one in {@value #STRIDE}, chosen by a fixed-seed generator,
 * enters at {@value #STRIDE} times the weight: the sketch costs ~20 ns a value it takes (a sort of
 * {@value #K} values per {@value #K}), against ~90 ns for the t-digest it replaced, and columns of
 * millions of values are common. Measured against exact quartiles ({@code CsvQuantilesTest}, and seven
 * kinds of data of 0.8 and 2 million values, one pass and 4 or 8 slices): at most 0.39% of rank off,
 * nearly all of it the sample's (without sampling, under 0.06%). Memory: at most about {@code 1.5 K}
 * values a level, {@code 1 + log2(n / K)} levels, and two buffers of {@value #K}. Not thread-safe; one
 * slice's worker owns it.
 */
final class Quantiles implements Serializable {
  private static final long serialVersionUID = 3L;
  /** Values a level holds before it is compacted: the rank error per compaction is 1/K of a level's share. */
  static final int K = 2048;
  /** A slice's first values all go into the sketch: small columns are summarized from every value. */
  static final long EVERY_VALUE = 100_000;
  /** After them one value in this many, at random, enters at this weight. A power of two: a level's. */
  static final int STRIDE = 8;
  private static final int STRIDE_LEVEL = Integer.numberOfTrailingZeros(STRIDE);

  // levels[h]: values of weight 2^h, sorted, sizes[h] of them. Level 0 and the level of the sampled
  // values are fed through unsorted buffers, sorted when full.
  private double[][] levels = new double[0][];
  private int[] sizes = new int[0];
  private long flips; // bit h: which half level h keeps at its next compaction
  private double[] buffer = new double[16]; // weight 1, unsorted
  private int buffered;
  private double[] sampled = new double[0]; // weight STRIDE, unsorted
  private int sampledCount;
  private long seen;
  private long random = 0x9E3779B97F4A7C15L; // xorshift state: a fixed seed, so runs repeat

  void add(double x) {
    if (++seen <= EVERY_VALUE) {
      if (buffered == buffer.length) {
        flushBuffer();
      }
      buffer[buffered++] = x;
      return;
    }
    random ^= random << 13;
    random ^= random >>> 7;
    random ^= random << 17;
    if ((random & (STRIDE - 1)) == 0) {
      if (sampledCount == sampled.length) {
        flushSampled();
      }
      sampled[sampledCount++] = x;
    }
  }

  /** Room in the buffer: it grows to K (a small column never allocates K), then goes to level 0. */
  private void flushBuffer() {
    if (buffer.length < K) {
      buffer = Arrays.copyOf(buffer, Math.max(16, Math.min(K, 2 * buffer.length)));
      return;
    }
    Arrays.sort(buffer, 0, buffered);
    mergeInto(0, buffer, buffered);
    buffered = 0;
  }

  private void flushSampled() {
    if (sampled.length < K) {
      sampled = Arrays.copyOf(sampled, Math.max(16, Math.min(K, 2 * sampled.length)));
      return;
    }
    Arrays.sort(sampled, 0, sampledCount);
    mergeInto(STRIDE_LEVEL, sampled, sampledCount);
    sampledCount = 0;
  }

  /** Merges the sorted {@code run[0, n)} into level h, then compacts upwards while a level is full. */
  private void mergeInto(int h, double[] run, int n) {
    ensureLevel(h);
    int have = sizes[h];
    double[] level = levels[h];
    if (level.length < have + n) {
      level = levels[h] = Arrays.copyOf(level, Math.max(have + n, Math.min(K + K / 2, 2 * level.length)));
    }
    // Backwards, in place: the level's values move up only as far as the run's have filled behind them.
    int i = have - 1;
    int j = n - 1;
    for (int o = have + n - 1; j >= 0; o--) {
      level[o] = i >= 0 && level[i] > run[j] ? level[i--] : run[j--];
    }
    sizes[h] = have + n;
    for (int l = h; l < sizes.length && sizes[l] >= K; l++) {
      compact(l);
    }
  }

  /** Every other value of level h (an even count of them) moves to h + 1 at twice the weight. */
  private void compact(int h) {
    double[] level = levels[h];
    int n = sizes[h] & ~1; // an odd one out stays, so the weight is kept exactly
    int offset = (int) (flips >>> h) & 1;
    flips ^= 1L << h;
    double[] half = new double[n / 2];
    for (int i = 0; i < half.length; i++) {
      half[i] = level[2 * i + offset];
    }
    if (n < sizes[h]) {
      level[0] = level[n];
    }
    sizes[h] -= n;
    mergeInto(h + 1, half, half.length);
  }

  private void ensureLevel(int h) {
    if (h >= levels.length) {
      int old = levels.length;
      levels = Arrays.copyOf(levels, h + 1);
      sizes = Arrays.copyOf(sizes, h + 1);
      for (int l = old; l <= h; l++) {
        levels[l] = new double[16];
      }
    }
  }

  void merge(Quantiles other) {
    for (int h = 0; h < other.sizes.length; h++) {
      if (other.sizes[h] > 0) {
        mergeInto(h, other.levels[h], other.sizes[h]);
      }
    }
    for (int i = 0; i < other.buffered; i++) {
      if (buffered == buffer.length) {
        flushBuffer();
      }
      buffer[buffered++] = other.buffer[i];
    }
    for (int i = 0; i < other.sampledCount; i++) {
      if (sampledCount == sampled.length) {
        flushSampled();
      }
      sampled[sampledCount++] = other.sampled[i];
    }
    seen += other.seen;
  }

  /** How many values the summary stands for (the sampled ones counted {@value #STRIDE} times). */
  long size() {
    long n = buffered + (long) STRIDE * sampledCount;
    for (int h = 0; h < sizes.length; h++) {
      n += (long) sizes[h] << h;
    }
    return n;
  }

  /** How many values the sketch holds (each standing for its weight's worth). */
  int retained() {
    int count = buffered + sampledCount;
    for (int s : sizes) {
      count += s;
    }
    return count;
  }

  /**
   * The q-quantile (0..1), or NaN when no value was added. Each kept value stands at the middle of the
   * ranks it covers, and the answer is interpolated between neighbours: with every value kept at
   * weight 1, that is pandas' (and numpy's default) linear interpolation.
   */
  double quantile(double q) {
    int count = retained();
    if (count == 0) {
      return Double.NaN;
    }
    double[] values = new double[count];
    long[] weights = new long[count];
    int n = 0;
    n = append(values, weights, n, buffer, buffered, 1);
    n = append(values, weights, n, sampled, sampledCount, STRIDE);
    for (int h = 0; h < sizes.length; h++) {
      n = append(values, weights, n, levels[h], sizes[h], 1L << h);
    }
    // Sorted by value (a few thousand pairs, once per figure): an index sort keeps each weight with its value.
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double total = 0;
    for (long w : weights) {
      total += w;
    }
    double target = q * (total - 1); // the 0-based rank wanted
    double below = 0; // the weight of the values before the current one
    double prevPos = Double.NaN;
    double prevValue = Double.NaN;
    for (int i : order) {
      double pos = below + (weights[i] - 1) / 2.0;
      if (pos >= target) {
        if (Double.isNaN(prevPos)) {
          return values[i];
        }
        return between(prevValue, values[i], (target - prevPos) / (pos - prevPos));
      }
      below += weights[i];
      prevPos = pos;
      prevValue = values[i];
    }
    return prevValue;
  }

  /**
   * {@code f} of the way from {@code a} to {@code b}, as pandas interpolates, but defined where the
   * plain formula is not: equal infinities (a column of "1e400"s) would give inf - inf = NaN, and values
   * of opposite signs near the largest double overflow in {@code b - a}.
   */
  static double between(double a, double b, double f) {
    if (f <= 0 || a == b) {
      return a;
    }
    if (f >= 1) {
      return b;
    }
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return f < 0.5 ? a : b;
    }
    double d = b - a;
    return Double.isInfinite(d) ? a * (1 - f) + b * f : a + f * d;
  }

  private static int append(double[] values, long[] weights, int n, double[] from, int count, long weight) {
    System.arraycopy(from, 0, values, n, count);
    Arrays.fill(weights, n, n + count, weight);
    return n + count;
  }

  /** Trims the arrays to what they hold before this object is sent to another JVM. */
  void seal() {
    buffer = Arrays.copyOf(buffer, buffered);
    sampled = Arrays.copyOf(sampled, sampledCount);
    for (int h = 0; h < sizes.length; h++) {
      levels[h] = Arrays.copyOf(levels[h], sizes[h]);
    }
  }
}
