package io.jpar.cli.csv;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The most frequent values of a column: exact counts while the column has at most {@code 2k}
 * distinct values, then a Misra-Gries summary of {@code k} counters, which is mergeable (Agarwal et
 * al., "Mergeable Summaries", 2012): slices and files combine without losing the guarantee.
 *
 * <p>Guarantee: every reported count is at most {@link #maxUndercount()} below the true count, and that
 * bound is at most {@code total / (k + 1)}; any value more frequent than that bound is in the summary.
 * While {@link #exact()} holds, counts are exact and a split file reports what one pass reports.
 * Values longer than {@value #MAX_KEY} characters are counted by their first {@value #MAX_KEY}, so
 * that a column of huge fields cannot exhaust memory. Not thread-safe; one slice's worker owns it.
 */
final class TopValues implements Serializable {
  private static final long serialVersionUID = 3L;
  static final int MAX_KEY = 200;
  private static final com.dynatrace.hash4j.hashing.Hasher64 HASH = com.dynatrace.hash4j.hashing.Hashing.komihash5_0();

  /**
   * The 64-bit hash of a value that the column's distinct-count sketch and this table share: komihash
   * of its UTF-8 bytes. Hashing the bytes, not the chars: hash4j reads a CharSequence a char at a time
   * (a tenth of a text-heavy profile's time), while the encoder copies a String of plain ASCII as a
   * block and the hash then reads it eight bytes at a time.
   */
  static long hash(String value) {
    return HASH.hashBytesToLong(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** {@link #hash} of the UTF-8 bytes {@code [from, to)}, as read from a file, without making a String. */
  static long hash(byte[] utf8, int from, int to) {
    return HASH.hashBytesToLong(utf8, from, to - from);
  }

  /** "Not computed": the caller hashes the value itself (a value whose hash really is 0 just pays that). */
  static final long NO_HASH = 0;

  // An open-addressing table keyed by the value's 64-bit hash, which the column's distinct-count
  // sketch computes anyway: no String.hashCode, no equals, no boxing per value (a HashMap<String, ...>
  // was a fifth of a text-heavy profile's time). Two values with the same 64-bit hash would share a
  // count: at 2k entries the chance is about (2k)^2 / 2^64, none in practice. Slot empty: hash 0
  // (a real hash of 0 is stored as 1).
  private int k;
  private long[] hashes;
  private long[] counts;
  private String[] values;
  private int size;
  private long maxUndercount;
  private int[] occupied; // the occupied slots, in the order they were filled: size of them
  private transient long[] scratch; // reduce()'s, reused: not part of the summary

  TopValues(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    this.k = k;
    allocate();
  }

  private void allocate() {
    int capacity = Integer.highestOneBit(Math.max(16, 4 * k)) * 2; // at most 2k + 1 entries: load <= 1/2
    hashes = new long[capacity];
    counts = new long[capacity];
    values = new String[capacity];
    occupied = new int[2 * k + 1];
    size = 0;
  }

  void add(String value) {
    add(value, hash(value));
  }

  /**
   * Counts {@code value}, whose {@link #hash} is {@code hash} (as the column computed it). The value may
   * be a view valid only during this call ({@link AsciiField}): it becomes a String only as a new entry.
   */
  void add(CharSequence value, long hash) {
    if (value.length() > MAX_KEY) {
      String cut = value.toString().substring(0, MAX_KEY) + "…";
      addCount(cut, hash(cut), 1);
      return;
    }
    addCount(value, hash, 1);
  }

  private void addCount(CharSequence value, long hash, long n) {
    long h = hash == 0 ? 1 : hash;
    int mask = hashes.length - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    while (hashes[i] != 0 && hashes[i] != h) {
      i = (i + 1) & mask;
    }
    if (hashes[i] == 0) {
      hashes[i] = h;
      values[i] = value.toString();
      occupied[size++] = i;
    }
    counts[i] += n;
    if (size > 2 * k) {
      reduce();
    }
  }

  void merge(TopValues other) {
    k = Math.min(k, other.k);
    maxUndercount += other.maxUndercount;
    for (int j = 0; j < other.size; j++) {
      int i = other.occupied[j];
      addCount(other.values[i], other.hashes[i], other.counts[i]);
    }
  }

  /**
   * Misra-Gries in a batch: subtract the (k+1)-th largest count from all and drop what reaches zero.
   * On a column of mostly distinct values this runs every k or so values, so its cost must follow the
   * entries, not the table: the cut is selected (not sorted) among the occupied slots, and only those
   * are cleared (a sort and a new table per reduction were a fifth of a profile of such a column).
   */
  private void reduce() {
    if (scratch == null || scratch.length < size) {
      scratch = new long[size];
    }
    long[] all = scratch;
    for (int j = 0; j < size; j++) {
      all[j] = counts[occupied[j]];
    }
    long cut = select(all, size, size - k - 1); // the (k+1)-th largest
    maxUndercount += cut;
    long[] keptHashes = new long[k];
    long[] keptCounts = new long[k];
    String[] keptValues = new String[k];
    int kept = 0;
    for (int j = 0; j < size; j++) {
      int slot = occupied[j];
      if (counts[slot] > cut) { // at most k counts lie above the (k+1)-th largest
        keptHashes[kept] = hashes[slot];
        keptCounts[kept] = counts[slot] - cut;
        keptValues[kept] = values[slot];
        kept++;
      }
      hashes[slot] = 0;
      counts[slot] = 0;
      values[slot] = null;
    }
    size = 0;
    for (int j = 0; j < kept; j++) {
      addCount(keptValues[j], keptHashes[j], keptCounts[j]);
    }
  }

  /** The value that would be at {@code rank} (0-based) if {@code a[0, n)} were sorted; reorders it. */
  static long select(long[] a, int n, int rank) {
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      long pivot = a[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          long t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (rank <= j) {
        hi = j;
      } else if (rank >= i) {
        lo = i;
      } else {
        return a[rank];
      }
    }
    return a[rank];
  }

  /** True while no count was ever reduced: every count is the true count. */
  boolean exact() {
    return maxUndercount == 0;
  }

  /** How far below its true count any reported count may be (0 when exact). */
  long maxUndercount() {
    return maxUndercount;
  }

  /** The {@code n} values with the highest counts, ties in value order. */
  List<Map.Entry<String, Long>> top(int n) {
    List<Map.Entry<String, Long>> list = new ArrayList<>();
    for (int i = 0; i < hashes.length; i++) {
      if (hashes[i] != 0) {
        list.add(Map.entry(values[i], counts[i]));
      }
    }
    list.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
        .thenComparing(Map.Entry::getKey));
    return list.size() <= n ? list : List.copyOf(list.subList(0, n));
  }
}
