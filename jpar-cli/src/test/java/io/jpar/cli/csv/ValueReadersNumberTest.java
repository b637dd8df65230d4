package io.jpar.cli.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numbers are read by hand in their common forms and by {@link Double#parseDouble} otherwise: the two
 * must agree bit for bit on every value, and on which values are not numbers at all (NaN, Infinity and
 * hex are text to a CSV column, as they were before the hand-written path).
 */
class ValueReadersNumberTest {

  /** What a value read as before the hand-written path: parseDouble on the plain number characters. */
  private static double reference(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        return Double.NaN;
      }
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static void assertSameAsParseDouble(String v) {
    double expected = reference(v);
    double actual = ValueReaders.parseDecimal(v);
    if (Double.isNaN(expected)) {
      assertThat(actual).as("'%s' is not a number", v).isNaN();
    } else {
      assertThat(Double.doubleToRawLongBits(actual)).as("'%s': %s, parseDouble %s", v, actual, expected)
          .isEqualTo(Double.doubleToRawLongBits(expected));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-0", "+0", "0.0", "-0.0", "00012", "-007.50", ".5", "5.", "-.5", "+.5e1", "1e5",
      "1E5", "1e+5", "1e-5", "1.5e-3", "9.0147e2", "2.7142e-4", "-2.5E+10", "1e22", "1e23", "1e-22", "1e-23",
      "123456789012345e7", "123456789012345e8", "1234567890123456", "12345678901234567", "0.1", "0.2", "0.3",
      "3.141592653589793", "2.718281828459045e0", "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
      "1e308", "1e309", "-1e309", "1e-400", "1e0000005", "1e999", "9007199254740993", "9223372036854775807",
      "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "1.00000000000000011102230246251565e0",
      "NaN", "-NaN", "Infinity", "-Infinity", "+Infinity", "0x10", "0x1p3", "1d", "1f", "1L", "e5", ".e5", "-e5",
      "1e", "1e+", "1e-", "1.5e", "1e5.", "1e5e5", "1..5", ".", "-", "+", "--1", "+-1", "1-", "1+1", "1.2.3",
      "1,5", "1_000", " 1", "1 ", "١٢"})
  void aValueReadsAsParseDoubleReadsIt(String v) {
    assertSameAsParseDouble(v);
  }

  @Test
  void generatedNumbersReadAsParseDoubleReadsThem() {
    SplittableRandom random = new SplittableRandom(12);
    for (int n = 0; n < 200_000; n++) {
      StringBuilder s = new StringBuilder();
      int sign = random.nextInt(4);
      if (sign == 1) {
        s.append('-');
      } else if (sign == 2) {
        s.append('+');
      }
      digits(s, random, random.nextInt(random.nextInt(4) == 0 ? 21 : 8));
      if (random.nextBoolean()) {
        s.append('.');
        digits(s, random, random.nextInt(random.nextInt(4) == 0 ? 21 : 6));
      }
      if (random.nextInt(3) == 0) {
        s.append(random.nextBoolean() ? 'e' : 'E');
        int exponentSign = random.nextInt(3);
        if (exponentSign == 1) {
          s.append('-');
        } else if (exponentSign == 2) {
          s.append('+');
        }
        digits(s, random, random.nextInt(random.nextInt(8) == 0 ? 6 : 3));
      }
      if (s.isEmpty()) {
        continue;
      }
      assertSameAsParseDouble(s.toString());
    }
  }

  @Test
  void randomStringsOfNumberCharactersReadAsParseDoubleReadsThem() {
    SplittableRandom random = new SplittableRandom(13);
    String alphabet = "0123456789012345678901234567890123456789.-+eE";
    for (int n = 0; n < 200_000; n++) {
      char[] chars = new char[1 + random.nextInt(12)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      assertSameAsParseDouble(new String(chars));
    }
  }

  @Test
  void printedDoublesReadBackAsParseDoubleReadsThem() {
    SplittableRandom random = new SplittableRandom(14);
    for (int n = 0; n < 100_000; n++) {
      double x = switch (n % 4) {
        case 0 -> Double.longBitsToDouble(random.nextLong()); // any double, NaN and infinities included
        case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
        case 2 -> Math.round(random.nextDouble() * 1e6) / 100.0; // prices
        default -> random.nextLong(-1_000_000_000L, 1_000_000_000L) / 1e4;
      };
      assertSameAsParseDouble(Double.toString(x));
      assertSameAsParseDouble(String.format(Locale.ROOT, "%." + random.nextInt(1, 17) + "e", x));
      assertSameAsParseDouble(String.format(Locale.ROOT, "%." + random.nextInt(0, 10) + "f", x));
    }
  }

  @Test
  void anIntegerOfAtMost18DigitsIsALongAndReadsAsThatLongAsADouble() {
    SplittableRandom random = new SplittableRandom(15);
    for (int n = 0; n < 100_000; n++) {
      StringBuilder s = new StringBuilder(random.nextBoolean() ? "-" : random.nextBoolean() ? "+" : "");
      digits(s, random, 1 + random.nextInt(21));
      String v = s.toString();
      int digitCount = v.length() - (Character.isDigit(v.charAt(0)) ? 0 : 1);
      assertThat(ValueReaders.isInteger(v)).as(v).isEqualTo(digitCount <= 18);
      if (digitCount <= 18) {
        assertThat(ValueReaders.parseDecimal(v)).as(v).isEqualTo((double) Long.parseLong(v));
      } else {
        assertSameAsParseDouble(v); // past a long's digits: a decimal, rounded as parseDouble rounds it
      }
    }
  }

  @Test
  void anIntegerReadInOnePassIsItsLongAndTheDoubleParseDoubleReads() {
    SplittableRandom random = new SplittableRandom(16);
    java.util.List<String> values = new java.util.ArrayList<>(java.util.List.of("0", "-0", "+0", "-000", "007", "-",
        "+", "1-", "12a", "1.0", " 1", "999999999999999999", "-999999999999999999", "1000000000000000000",
        "9007199254740993", "-9007199254740995", "123456789012345678"));
    for (int n = 0; n < 100_000; n++) {
      StringBuilder s = new StringBuilder(random.nextBoolean() ? "-" : random.nextBoolean() ? "+" : "");
      digits(s, random, 1 + random.nextInt(20));
      values.add(s.toString());
    }
    for (String v : values) {
      long x = ValueReaders.parseInteger(v);
      boolean integer = v.matches("[+-]?[0-9]{1,18}");
      assertThat(x != ValueReaders.NOT_INTEGER).as(v).isEqualTo(integer);
      if (integer) {
        assertThat(x).as(v).isEqualTo(Long.parseLong(v));
        // bit for bit, so that -0 stays negative zero as parseDouble reads it
        assertThat(Double.doubleToRawLongBits(ValueReaders.integerAsDecimal(x, v))).as(v)
            .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(v)))
            .isEqualTo(Double.doubleToRawLongBits(ValueReaders.parseDecimal(v)));
      }
    }
  }

  private static void digits(StringBuilder s, SplittableRandom random, int count) {
    for (int i = 0; i < count; i++) {
      s.append((char) ('0' + random.nextInt(10)));
    }
  }
}
