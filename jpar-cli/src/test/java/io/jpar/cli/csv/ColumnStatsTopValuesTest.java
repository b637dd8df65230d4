package io.jpar.cli.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which values a column's top-value counts see: only those that come once the column is text. */
class ColumnStatsTopValuesTest {
  @Test
  void aColumnThatIsTextFromItsFirstValueCountsExactly() {
    ColumnStats c = new ColumnStats("city");
    for (String v : new String[] {"Oslo", "Rome", "Oslo", "Oslo"}) {
      c.add(v);
    }
    assertThat(c.topValues(1)).containsExactly(Map.entry("Oslo", 3L));
    assertThat(c.topExact()).isTrue();
  }

  @Test
  void valuesBeforeAColumnTurnsOutTextAreUntrackedAndBoundTheUndercount() {
    ColumnStats c = new ColumnStats("zip");
    for (String v : new String[] {"1000", "2000", "1000", "AB-12", "1000", "AB-12"}) {
      c.add(v);
    }
    assertThat(c.type()).isEqualTo("text");
    // "1000" was seen 3 times, twice while the column still looked numeric.
    assertThat(c.topValues(2)).containsExactlyInAnyOrder(Map.entry("AB-12", 2L), Map.entry("1000", 1L));
    assertThat(c.topExact()).isFalse();
    assertThat(c.topUndercount()).isEqualTo(3);
  }

  @Test
  void aNumericColumnReportsNoTopValuesAndCountsNone() {
    ColumnStats c = new ColumnStats("price");
    for (int i = 0; i < 10_000; i++) {
      c.add(Integer.toString(i));
    }
    assertThat(c.topValues(5)).isEmpty();
  }
}
