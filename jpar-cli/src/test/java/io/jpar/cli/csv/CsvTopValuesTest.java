package io.jpar.cli.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The most-frequent-values summary against exact counts. */
class CsvTopValuesTest {
  /** Zipf-like: value i has weight 1/(i+1), over many distinct values, so the summary must reduce. */
  private static String[] skewed(int n, int distinct, long seed) {
    double[] cumulative = new double[distinct];
    double total = 0;
    for (int i = 0; i < distinct; i++) {
      total += 1.0 / (i + 1);
      cumulative[i] = total;
    }
    Random r = new Random(seed);
    String[] out = new String[n];
    for (int k = 0; k < n; k++) {
      double x = r.nextDouble() * total;
      int i = java.util.Arrays.binarySearch(cumulative, x);
      out[k] = "v" + (i < 0 ? -i - 1 : i);
    }
    return out;
  }

  @Test
  void fewDistinctValuesAreCountedExactlyInOnePassAndMerged() {
    String[] data = skewed(50_000, 100, 1);
    Map<String, Long> exact = new HashMap<>();
    TopValues one = new TopValues(64);
    TopValues a = new TopValues(64);
    TopValues b = new TopValues(64);
    for (int i = 0; i < data.length; i++) {
      exact.merge(data[i], 1L, Long::sum);
      one.add(data[i]);
      (i % 3 == 0 ? a : b).add(data[i]);
    }
    a.merge(b);
    assertThat(one.exact()).isTrue();
    assertThat(a.exact()).isTrue();
    assertThat(one.top(5)).isEqualTo(a.top(5));
    for (Map.Entry<String, Long> e : one.top(5)) {
      assertThat(e.getValue()).isEqualTo(exact.get(e.getKey()));
    }
    assertThat(one.top(1).get(0).getKey()).isEqualTo("v0");
  }

  @Test
  void manyDistinctValuesGiveTheTrueTopValuesWithCountsWithinTheStatedBound() {
    String[] data = skewed(200_000, 100_000, 2);
    Map<String, Long> exact = new HashMap<>();
    for (String v : data) {
      exact.merge(v, 1L, Long::sum);
    }
    List<Map.Entry<String, Long>> truth = exact.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5).toList();
    TopValues merged = new TopValues(64);
    for (int s = 0; s < 4; s++) { // four slices, as a split file
      TopValues slice = new TopValues(64);
      for (int i = s * data.length / 4; i < (s + 1) * data.length / 4; i++) {
        slice.add(data[i]);
      }
      merged.merge(slice);
    }
    assertThat(merged.exact()).isFalse();
    assertThat(merged.maxUndercount()).isLessThanOrEqualTo(data.length / 65);
    List<Map.Entry<String, Long>> top = merged.top(5);
    assertThat(top).extracting(Map.Entry::getKey).containsExactlyElementsOf(truth.stream().map(Map.Entry::getKey).toList());
    for (Map.Entry<String, Long> e : top) {
      long trueCount = exact.get(e.getKey());
      assertThat(e.getValue()).isBetween(trueCount - merged.maxUndercount(), trueCount);
    }
  }

  @Test
  void selectFindsTheValueAtARankAsSortingWould() {
    Random r = new Random(3);
    for (int trial = 0; trial < 2_000; trial++) {
      int n = 1 + r.nextInt(600);
      long[] a = new long[n];
      int range = 1 + r.nextInt(trial % 2 == 0 ? 5 : 1_000_000); // many ties, and few
      for (int i = 0; i < n; i++) {
        a[i] = r.nextInt(range);
      }
      long[] sorted = a.clone();
      java.util.Arrays.sort(sorted);
      int rank = r.nextInt(n);
      assertThat(TopValues.select(a, n, rank)).as("rank %d of %d", rank, n).isEqualTo(sorted[rank]);
    }
  }
}
