package io.jpar.cli.csv;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
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
  private static final long serialVersionUID = 1L;
  static final int MAX_KEY = 200;

  private int k;
  private final HashMap<String, long[]> counts = new HashMap<>();
  private long maxUndercount;

  TopValues(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    this.k = k;
  }

  void add(String value) {
    String key = value.length() <= MAX_KEY ? value : value.substring(0, MAX_KEY) + "…";
    counts.computeIfAbsent(key, x -> new long[1])[0]++;
    if (counts.size() > 2 * k) {
      reduce();
    }
  }

  void merge(TopValues other) {
    k = Math.min(k, other.k);
    other.counts.forEach((v, n) -> counts.computeIfAbsent(v, x -> new long[1])[0] += n[0]);
    maxUndercount += other.maxUndercount;
    if (counts.size() > 2 * k) {
      reduce();
    }
  }

  /** Misra-Gries in a batch: subtract the (k+1)-th largest count from all and drop what reaches zero. */
  private void reduce() {
    long[] all = counts.values().stream().mapToLong(n -> n[0]).toArray();
    Arrays.sort(all);
    long cut = all[all.length - k - 1];
    counts.values().removeIf(n -> (n[0] -= cut) <= 0);
    maxUndercount += cut;
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
    counts.forEach((v, c) -> list.add(Map.entry(v, c[0])));
    list.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
        .thenComparing(Map.Entry::getKey));
    return list.size() <= n ? list : List.copyOf(list.subList(0, n));
  }
}
