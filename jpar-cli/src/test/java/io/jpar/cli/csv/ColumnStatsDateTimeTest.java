package io.jpar.cli.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Date-times are read by hand in their common forms and by java.time otherwise: both must agree with
 * java.time on what is a date-time and on when it is, impossible dates and times included.
 */
class ColumnStatsDateTimeTest {

  @ParameterizedTest
  @ValueSource(strings = {"2024-03-01T12:34:56", "1970-01-01T00:00:00", "1969-12-31T23:59:59", "2024-02-29T23:59:59",
      "2024-03-01T12:34:56Z", "0001-01-01T00:00:00", "9999-12-31T23:59:59Z", "2024-03-01T12:34:56.5",
      "2024-03-01T12:34", "2024-03-01T12:34:56+02:00", "2024-03-01T12:34:56-05:30", "2024-03-01t12:34:56"})
  void aValidDateTimeIsReadAsJavaTimeReadsIt(String value) {
    ColumnStats column = new ColumnStats("at");
    column.add(value);

    assertThat(column.type()).isEqualTo("datetime");
    assertThat(column.quantile(0.5)).isEqualTo(LocalDateTime.ofEpochSecond(Math.round(javaTimeSeconds(value)), 0,
        ZoneOffset.UTC).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2023-02-29T10:00:00", "2024-13-01T10:00:00", "2024-04-31T10:00:00", "2024-03-01T24:00:00",
      "2024-03-01T23:60:00", "2024-03-01T23:59:60", "2024-03-01 12:34:56", "2024-03-01T12:34:5x", "2024-03-01T12-34-56",
      "2024-03-01T12:34:56ZZ", "+2024-03-01T12:34:56", "2024-3-01T12:34:56"})
  void anImpossibleOrMalformedDateTimeMakesTheColumnText(String value) {
    assertThat(parses(value)).as("java.time refuses %s too", value).isFalse();
    ColumnStats column = new ColumnStats("at");
    column.add(value);

    assertThat(column.type()).isEqualTo("text");
  }

  @Test
  void theSameMomentWithAndWithoutZIsTheSameSecond() {
    ColumnStats local = new ColumnStats("a");
    ColumnStats utc = new ColumnStats("b");
    local.add("2031-07-04T05:06:07");
    utc.add("2031-07-04T05:06:07Z");

    assertThat(local.quantile(0.5)).isEqualTo(utc.quantile(0.5)).isEqualTo("2031-07-04T05:06:07");
  }

  private static boolean parses(String v) {
    try {
      javaTimeSeconds(v);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static double javaTimeSeconds(String v) {
    if (v.endsWith("Z") || v.lastIndexOf('+') > 10 || v.lastIndexOf('-') > 10) {
      OffsetDateTime t = OffsetDateTime.parse(v);
      return t.toEpochSecond() + t.getNano() / 1e9;
    }
    LocalDateTime t = LocalDateTime.parse(v);
    return t.toEpochSecond(ZoneOffset.UTC) + t.getNano() / 1e9;
  }

  @Test
  void everyDateOfFourDigitYearsCountsTheDaysJavaTimeCounts() {
    for (java.time.LocalDate d = java.time.LocalDate.of(0, 1, 1); d.getYear() <= 9999; d = d.plusDays(1)) {
      long expected = d.toEpochDay();
      if (ValueReaders.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()) != expected) {
        assertThat(ValueReaders.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth())).as(d.toString())
            .isEqualTo(expected);
      }
    }
    assertThat(ValueReaders.epochDay(1970, 1, 1)).isZero();
    assertThat(ValueReaders.epochDay(2000, 2, 29)).isEqualTo(11_016);
  }
}
