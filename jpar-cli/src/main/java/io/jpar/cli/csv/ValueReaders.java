package io.jpar.cli.csv;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * What a CSV value can be read as, without the cost of the JDK's general parsers where a common form
 * allows: a plain integer, a decimal number, a boolean, an ISO date or date-time. Each answers "not one"
 * (false, NaN) rather than throwing, since {@link ColumnStats} asks of every value which types it still
 * fits. Values come as a {@link CharSequence}: a String, or an {@link AsciiField} over the bytes the
 * reader read, so that a number or a date in a file needs no String at all.
 */
final class ValueReaders {
  private static final long SECONDS_PER_DAY = 86_400;

  private ValueReaders() {}

  static boolean isInteger(CharSequence v) {
    return parseInteger(v) != NOT_INTEGER;
  }

  /** What {@link #parseInteger} answers for a value that is not an integer (no 18 digits make it). */
  static final long NOT_INTEGER = Long.MIN_VALUE;

  /**
   * A plain integer of at most 18 digits (an optional sign, then digits only), or {@link #NOT_INTEGER}:
   * the test and the value in one pass, for the columns of integers that most files have.
   */
  static long parseInteger(CharSequence v) {
    int n = v.length();
    char first = v.charAt(0);
    int i = (first == '-' || first == '+') ? 1 : 0;
    if (i == n || n - i > 18) {
      return NOT_INTEGER;
    }
    long x = 0;
    for (; i < n; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return NOT_INTEGER;
      }
      x = x * 10 + (c - '0');
    }
    return first == '-' ? -x : x;
  }

  /**
   * {@link #parseDecimal} of {@code v}, given {@code x = parseInteger(v)}: a long converts to the
   * nearest double as parseDouble rounds the same digits, and "-0" is negative zero as parseDouble
   * reads it.
   */
  static double integerAsDecimal(long x, CharSequence v) {
    return x == 0 && v.charAt(0) == '-' ? -0.0 : (double) x;
  }

  private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  /**
   * A plain decimal number (no NaN, Infinity, hex or trailing type letters), or NaN. Numbers of at most
   * 15 significant digits whose power of ten (exponent less the digits after the point) is within
   * +-22 take Clinger's fast path: digits and 10^k are exact doubles and one IEEE multiplication or
   * division rounds correctly, so the result equals {@link Double#parseDouble}'s bit for bit. Anything
   * else (more digits, a larger exponent, a malformed form) goes to parseDouble. Not for speed alone:
   * parseDouble's parser is a method the JIT takes about a second of a compiler thread to compile,
   * which a command of a few seconds pays whenever a column has exponents (1.5e-3).
   */
  static double parseDecimal(CharSequence v) {
    int n = v.length();
    int i = 0;
    boolean negative = false;
    if (v.charAt(0) == '-' || v.charAt(0) == '+') {
      negative = v.charAt(0) == '-';
      i = 1;
    }
    long mantissa = 0;
    int digits = 0;
    int scale = -1;
    for (; i < n; i++) {
      char c = v.charAt(i);
      if (c >= '0' && c <= '9') {
        mantissa = mantissa * 10 + (c - '0');
        if (++digits > 15) {
          return parseSlow(v);
        }
        if (scale >= 0) {
          scale++;
        }
      } else if (c == '.' && scale < 0) {
        scale = 0;
      } else if (c == 'e' || c == 'E') {
        break;
      } else {
        return parseSlow(v);
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    int power = -Math.max(scale, 0);
    if (i < n) { // an exponent: [eE][+-]?digits, at most 3 of them on this path
      i++;
      boolean negativeExponent = false;
      if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
        negativeExponent = v.charAt(i) == '-';
        i++;
      }
      if (i == n || n - i > 3) {
        return parseSlow(v); // no exponent digits (not a number) or many: parseDouble judges
      }
      int exponent = 0;
      for (; i < n; i++) {
        char c = v.charAt(i);
        if (c < '0' || c > '9') {
          return parseSlow(v);
        }
        exponent = exponent * 10 + (c - '0');
      }
      power += negativeExponent ? -exponent : exponent;
    }
    if (power < -22 || power > 22) {
      return parseSlow(v);
    }
    double d = power >= 0 ? mantissa * POW10[power] : mantissa / POW10[-power];
    return negative ? -d : d;
  }

  private static double parseSlow(CharSequence v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        return Double.NaN;
      }
    }
    try {
      return Double.parseDouble(v.toString());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * An ISO date or date-time as seconds since 1970 (local times read as UTC, offsets applied), or NaN
   * when {@code v} is not one.
   */
  static double epochSeconds(CharSequence v) {
    if (v.length() < 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
      return Double.NaN;
    }
    if (v.length() == 10) {
      return isIsoDate(v)
          ? (double) epochDay(digits(v, 0, 4), digits(v, 5, 7), digits(v, 8, 10)) * SECONDS_PER_DAY
          : Double.NaN;
    }
    double fast = localDateTimeSeconds(v);
    if (!Double.isNaN(fast)) {
      return fast;
    }
    try {
      if (v.charAt(v.length() - 1) == 'Z' || hasOffsetSign(v)) {
        OffsetDateTime t = OffsetDateTime.parse(v);
        return t.toEpochSecond() + t.getNano() / 1e9;
      }
      LocalDateTime t = LocalDateTime.parse(v);
      return t.toEpochSecond(ZoneOffset.UTC) + t.getNano() / 1e9;
    } catch (DateTimeParseException e) {
      return Double.NaN;
    }
  }

  /** A '+' or '-' after the date part: a zone offset (or a malformed value, which the parser refuses). */
  private static boolean hasOffsetSign(CharSequence v) {
    for (int i = 11; i < v.length(); i++) {
      if (v.charAt(i) == '+' || v.charAt(i) == '-') {
        return true;
      }
    }
    return false;
  }

  /** "true" or "false", in any case. */
  static boolean isBoolean(CharSequence v) {
    int n = v.length();
    if (n != 4 && n != 5) {
      return false;
    }
    String word = n == 4 ? "true" : "false";
    for (int i = 0; i < n; i++) {
      char c = v.charAt(i);
      if (c >= 0x80) { // case folding beyond ASCII (the long s folds to S): as String says
        return v.toString().equalsIgnoreCase(word);
      }
      if ((c | 0x20) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The common forms {@code yyyy-mm-ddThh:mm:ss} and the same ending in {@code Z} (UTC), as seconds since
   * 1970, or NaN for anything else (fractions, offsets, a space for the T), which the formatters then
   * judge. java.time's formatters cost about a microsecond a value (a map of parsed fields per value):
   * a tenth of a text-heavy profile's time went there.
   */
  private static double localDateTimeSeconds(CharSequence v) {
    int n = v.length();
    if ((n != 19 && !(n == 20 && v.charAt(19) == 'Z')) || v.charAt(10) != 'T' || v.charAt(13) != ':'
        || v.charAt(16) != ':' || !isIsoDate(v)) {
      return Double.NaN;
    }
    int hour = digits(v, 11, 13);
    int minute = digits(v, 14, 16);
    int second = digits(v, 17, 19);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return Double.NaN;
    }
    long day = epochDay(digits(v, 0, 4), digits(v, 5, 7), digits(v, 8, 10));
    return (double) (day * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second);
  }

  /**
   * Days from 1970-01-01 to a real date of the proleptic Gregorian calendar, as {@link
   * LocalDate#toEpochDay()} counts them, by arithmetic alone: the year taken to start in March (so a
   * leap day ends it), whole 400-year eras of 146,097 days, then years, then the days of the months
   * from March, which follow 153 days per 5 months. A LocalDate per value was 7% of a text-heavy profile.
   */
  static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1L : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400; // 0..399
    int monthFromMarch = month <= 2 ? month + 9 : month - 3; // 0..11
    long dayOfYear = (153L * monthFromMarch + 2) / 5 + day - 1; // 0..365
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468; // 719,468: days from 0000-03-01 to 1970-01-01
  }

  /** yyyy-mm-dd with a real month and day (leap years included), without the cost of a formatter. */
  private static boolean isIsoDate(CharSequence v) {
    int y = digits(v, 0, 4);
    int m = digits(v, 5, 7);
    int d = digits(v, 8, 10);
    if (y < 0 || m < 1 || m > 12 || d < 1) {
      return false;
    }
    boolean leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int days = switch (m) {
      case 2 -> leap ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
    return d <= days;
  }

  private static int digits(CharSequence v, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
