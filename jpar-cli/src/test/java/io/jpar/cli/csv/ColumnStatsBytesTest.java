package io.jpar.cli.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A value read from the reader's bytes ({@link ColumnStats#addStripped}) gives the same figures as the
 * same value read as a String: type, min and max, sums, quartiles, distinct count, top values.
 */
class ColumnStatsBytesTest {

  @ParameterizedTest
  @ValueSource(strings = {"integers", "decimals", "exponents", "booleans", "dates", "datetimes", "text", "mixed"})
  void aColumnReadFromBytesReportsWhatItsStringsReport(String kind) {
    SplittableRandom random = new SplittableRandom(kind.hashCode());
    ColumnStats fromStrings = new ColumnStats("c");
    ColumnStats fromBytes = new ColumnStats("c");
    AsciiField view = new AsciiField();
    for (int n = 0; n < 20_000; n++) {
      String raw = pad(random, value(kind, random));
      fromStrings.add(raw, Set.of("NA", "NULL"), TopValues.NO_HASH);
      String stripped = raw.strip();
      // the bytes sit inside a larger buffer, as in the reader
      byte[] buffer = ("xx," + stripped + ",yy").getBytes(StandardCharsets.US_ASCII);
      fromBytes.addStripped(view.set(buffer, 3, 3 + stripped.length()), new String[] {"NA", "NULL"});
    }
    assertThat(fromBytes.type()).isEqualTo(fromStrings.type());
    assertThat(fromBytes.nonEmpty()).isEqualTo(fromStrings.nonEmpty());
    assertThat(fromBytes.empty()).isEqualTo(fromStrings.empty()).isPositive();
    assertThat(fromBytes.min()).isEqualTo(fromStrings.min());
    assertThat(fromBytes.max()).isEqualTo(fromStrings.max());
    assertThat(Double.valueOf(fromBytes.mean())).isEqualTo(Double.valueOf(fromStrings.mean())); // NaN for non-numbers
    assertThat(Double.valueOf(fromBytes.std())).isEqualTo(Double.valueOf(fromStrings.std()));
    for (double q : List.of(0.25, 0.5, 0.75)) {
      assertThat(fromBytes.quantile(q)).isEqualTo(fromStrings.quantile(q));
    }
    assertThat(fromBytes.distinctApprox()).isEqualTo(fromStrings.distinctApprox());
    assertThat(fromBytes.topValues(10)).isEqualTo(fromStrings.topValues(10));
    assertThat(fromBytes.topExact()).isEqualTo(fromStrings.topExact());
  }

  private static String value(String kind, SplittableRandom random) {
    return switch (kind) {
      case "integers" -> Long.toString(random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L));
      case "decimals" -> Long.toString(random.nextLong(-100_000, 100_000)) + "." + random.nextInt(100);
      case "exponents" -> random.nextInt(1, 10) + "." + random.nextInt(10_000) + "e" + random.nextInt(-30, 30);
      case "booleans" -> List.of("true", "false", "TRUE", "False", "tRuE").get(random.nextInt(5));
      case "dates" -> String.format("%04d-%02d-%02d", random.nextInt(1900, 2100), random.nextInt(1, 13), random.nextInt(1, 29));
      case "datetimes" -> String.format("%04d-%02d-%02dT%02d:%02d:%02d%s", random.nextInt(1900, 2100),
          random.nextInt(1, 13), random.nextInt(1, 29), random.nextInt(24), random.nextInt(60), random.nextInt(60),
          List.of("", "Z", "+02:00", ".5").get(random.nextInt(4)));
      case "text" -> "word" + random.nextInt(random.nextBoolean() ? 20 : 5_000);
      default -> value(List.of("integers", "decimals", "booleans", "dates", "text").get(random.nextInt(5)), random);
    };
  }

  /** Some values padded with ASCII whitespace, some empty, blank or a null word: alike on both paths. */
  private static String pad(SplittableRandom random, String v) {
    return switch (random.nextInt(16)) {
      case 4 -> " NA";
      case 5 -> "NULL";
      case 6 -> "NAN"; // not a null word: text
      case 7 -> "NU";
      case 0 -> "";
      case 1 -> " \t";
      case 2 -> " " + v + "\t";
      case 3 -> "\u001f" + v;
      default -> v;
    };
  }
}
