package io.jpar.cli.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A column that has been numeric so far reads each value once (integers' digits once for "is it one"
 * and "its value"): its figures are those of the values, as its type changes from integer to decimal
 * to text.
 */
class ColumnStatsNumbersTest {

  @Test
  void aColumnOfIntegersThenDecimalsThenTextReportsWhatItsValuesMakeIt() {
    SplittableRandom random = new SplittableRandom(5);
    List<String> values = new ArrayList<>(List.of("-0", "123456789012345678", "-999999999999999", "+42", "007"));
    for (int i = 0; i < 5_000; i++) {
      values.add(Long.toString(random.nextLong(-1_000_000_000L, 1_000_000_000L)));
    }
    ColumnStats c = new ColumnStats("c");
    values.forEach(c::add);
    assertThat(c.type()).isEqualTo("integer");
    assertThat(c.min()).isEqualTo("-999999999999999");
    assertThat(c.max()).isEqualTo(Double.toString(123456789012345678.0)); // past 1e15 shown as a double
    assertThat(c.mean()).isEqualTo(exactMean(values));

    List<String> decimals = List.of("2.5", "-1e3", "7.25");
    values.addAll(decimals);
    decimals.forEach(c::add);
    assertThat(c.type()).isEqualTo("decimal");
    assertThat(c.mean()).isEqualTo(exactMean(values));
    assertThat(c.nonEmpty()).isEqualTo(values.size());

    c.add("n/a");
    assertThat(c.type()).isEqualTo("text");
    assertThat(c.min()).isEqualTo(values.stream().min(String::compareTo).orElseThrow());
    assertThat(c.max()).isEqualTo("n/a");
    assertThat(c.topValues(5)).containsExactly(java.util.Map.entry("n/a", 1L));
    assertThat(c.topUndercount()).as("the numbers before were not counted").isEqualTo(values.size());
  }

  /** The mean of the values as parseDouble reads them, summed exactly and rounded once. */
  private static double exactMean(List<String> values) {
    BigDecimal sum = BigDecimal.ZERO;
    for (String v : values) {
      sum = sum.add(new BigDecimal(Double.parseDouble(v)));
    }
    return sum.divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128).doubleValue();
  }
}
