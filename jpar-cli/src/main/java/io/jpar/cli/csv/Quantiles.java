package io.jpar.cli.csv;

import com.tdunning.math.stats.MergingDigest;
import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * Approximate quantiles (quartiles, median) of one column, from a t-digest, because exact quantiles
 * need every value in memory and cannot be merged from slices. The error is in rank and largest in
 * the middle, where quartiles are: at compression 100 a median was measured 1.6% of rank off on
 * skewed data merged from 8 slices, at 200 under 0.3% ({@code CsvQuantilesTest} asserts the bound),
 * for a digest of some tens of KiB per numeric column (two on a column past its first 100,000 values:
 * see below).
 *
 * <p>Merging a slice's digest is deterministic (t-digest 3.3 uses no randomness), so the same slices
 * give the same figures, but a file profiled in slices may differ slightly from one pass: the
 * centroids are clustered differently. Not thread-safe; one slice's worker owns it.
 */
final class Quantiles implements Serializable {
  private static final long serialVersionUID = 2L;
  static final double COMPRESSION = 200;
  /** A slice's first values all go into the digest: small columns are summarized from every value. */
  static final long EVERY_VALUE = 100_000;
  /** After them one value in this many, at random, goes into a second digest that stands for all. */
  static final int STRIDE = 8;

  // Why two digests: a digest costs ~90 ns per value (it sorts what it buffers), which doubled the
  // time of a whole profile. t-digest 3.3's weighted adds trip its own invariants, so the sample is
  // kept apart at weight 1 and the two are mixed when a quantile is asked for: the sample counts
  // STRIDE times. On a column of a million values the sample is ~112,000 values, whose rank error
  // (~0.15% at the median) stays below the digest's own.
  private transient MergingDigest all;
  private transient MergingDigest sample;
  private byte[] allBytes; // the digests in t-digest's own encoding while this object travels between JVMs
  private byte[] sampleBytes;
  private long seen;
  private long random = 0x9E3779B97F4A7C15L; // xorshift state: a fixed seed, so runs repeat

  void add(double x) {
    if (++seen <= EVERY_VALUE) {
      all().add(x);
      return;
    }
    random ^= random << 13;
    random ^= random >>> 7;
    random ^= random << 17;
    if ((random & (STRIDE - 1)) == 0) {
      sample().add(x);
    }
  }

  void merge(Quantiles other) {
    if (other.all().size() > 0) {
      all().add(other.all());
    }
    if (other.sample().size() > 0) {
      sample().add(other.sample());
    }
    allBytes = null;
    sampleBytes = null;
  }

  /** How many values the summary stands for (the sample counted {@value #STRIDE} times). */
  long size() {
    return all().size() + STRIDE * sample().size();
  }

  /** The q-quantile (0..1), or NaN when no value was added. */
  double quantile(double q) {
    MergingDigest a = all();
    MergingDigest b = sample();
    if (b.size() == 0) {
      return a.size() == 0 ? Double.NaN : a.quantile(q);
    }
    if (a.size() == 0) {
      return b.quantile(q);
    }
    // The mixture's cdf is monotone in x: bisect for the x where it reaches q.
    double wa = a.size();
    double wb = (double) STRIDE * b.size();
    double lo = Math.min(a.getMin(), b.getMin());
    double hi = Math.max(a.getMax(), b.getMax());
    for (int i = 0; i < 100 && lo < hi; i++) {
      double mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) {
        break;
      }
      double cdf = (wa * a.cdf(mid) + wb * b.cdf(mid)) / (wa + wb);
      if (cdf < q) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo + (hi - lo) / 2;
  }

  /** Turns the live digests into bytes before this object is sent to another JVM. */
  void seal() {
    allBytes = bytes(all);
    sampleBytes = bytes(sample);
  }

  private static byte[] bytes(MergingDigest d) {
    if (d == null) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(d.byteSize());
    d.asBytes(buf);
    return buf.array();
  }

  private MergingDigest all() {
    if (all == null) {
      all = allBytes != null ? MergingDigest.fromBytes(ByteBuffer.wrap(allBytes)) : new MergingDigest(COMPRESSION);
    }
    return all;
  }

  private MergingDigest sample() {
    if (sample == null) {
      sample = sampleBytes != null ? MergingDigest.fromBytes(ByteBuffer.wrap(sampleBytes)) : new MergingDigest(COMPRESSION);
    }
    return sample;
  }
}
