package io.jpar.cli.csv;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import com.dynatrace.hash4j.distinctcount.UltraLogLog;

/**
 * What one column holds, built value by value and mergeable, so that slices of a file (or several
 * files) combine into exactly what one pass would give: counts, min/max and the distinct sketch merge
 * exactly; sums are kept in double-double ({@link ExactSum}). Quartiles of numbers and dates come from a
 * t-digest ({@link Quantiles}, approximate) and the most frequent values from {@link TopValues} (exact
 * for columns of few distinct values, else approximate with a bound).
 *
 * <p>Type inference keeps every type that all non-empty values so far could be, and reports the most
 * specific one left: integer, decimal, boolean, date/time, else text.
 */
public final class ColumnStats implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int P = 12; // UltraLogLog with 4,096 registers: about 1.2% relative error
  /** Top-value counters per column unless the file is wide: see {@link #topCapacity(int)}. */
  static final int TOP_CAPACITY = 256;
  private static final long SECONDS_PER_DAY = 86_400;

  final String name;
  long nonEmpty;
  long empty;
  boolean canInteger = true;
  boolean canDecimal = true;
  boolean canBoolean = true;
  boolean canDateTime = true;
  double numMin = Double.POSITIVE_INFINITY;
  double numMax = Double.NEGATIVE_INFINITY;
  String textMin;
  String textMax;
  final ExactSum sum = new ExactSum();
  final ExactSum sumOfSquares = new ExactSum();
  boolean allDateOnly = true; // every date/time value so far was a plain yyyy-mm-dd
  private transient UltraLogLog sketch;
  private byte[] sketchBytes;
  // Numbers while the column can be numeric, else epoch seconds while it can be a date/time; no value
  // is both, so the digest only ever holds one kind for a column that ends up numeric or datetime.
  private Quantiles quantiles;
  private final TopValues top;
  /** Values seen while the column could still be other than text: not in {@link #top}. */
  private long untracked;

  ColumnStats(String name) {
    this(name, TOP_CAPACITY);
  }

  ColumnStats(String name, int topCapacity) {
    this.name = name;
    this.top = new TopValues(topCapacity);
  }

  /**
   * Counters per column for a file of {@code columns} columns: the full {@link #TOP_CAPACITY} up to
   * 1,024 columns, fewer beyond, so that a very wide file stays within about 2^19 counters in all.
   */
  static int topCapacity(int columns) {
    return Math.max(16, Math.min(TOP_CAPACITY, (1 << 18) / Math.max(1, columns)));
  }

  void add(String raw) {
    add(raw, java.util.Set.of());
  }

  /** Adds one value; empty ones and those in {@code nulls} (compared after trimming) count as missing. */
  void add(String raw, java.util.Set<String> nulls) {
    add(raw, nulls, TopValues.NO_HASH);
  }

  /**
   * As {@link #add(String, java.util.Set)}, given the value's {@link TopValues#hash} (of the value as
   * stripped) when the reader could compute it from the bytes it read, else {@link TopValues#NO_HASH}.
   */
  void add(String raw, java.util.Set<String> nulls, long strippedHash) {
    String v = raw.strip();
    if (v.isEmpty() || (!nulls.isEmpty() && nulls.contains(v))) {
      empty++;
      return;
    }
    nonEmpty++;
    if (sketch == null) {
      sketch = UltraLogLog.create(P);
    }
    long hash = strippedHash != TopValues.NO_HASH ? strippedHash : TopValues.hash(v);
    sketch.add(hash);
    if (textMin == null || v.compareTo(textMin) < 0) {
      textMin = v;
    }
    if (textMax == null || v.compareTo(textMax) > 0) {
      textMax = v;
    }
    if (canInteger && !isInteger(v)) {
      canInteger = false;
    }
    if (canDecimal) {
      double d = parseDecimal(v);
      if (Double.isNaN(d)) {
        canDecimal = false;
      } else {
        numMin = Math.min(numMin, d);
        numMax = Math.max(numMax, d);
        sum.add(d);
        sumOfSquares.addSquare(d);
        quantiles().add(d);
      }
    }
    if (canBoolean && !(v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"))) {
      canBoolean = false;
    }
    if (canDateTime) {
      double seconds = epochSeconds(v);
      if (Double.isNaN(seconds)) {
        canDateTime = false;
      } else {
        allDateOnly &= v.length() == 10;
        quantiles().add(seconds);
      }
    }
    if (!canDecimal && !canDateTime) {
      quantiles = null; // text from here on: no quartiles, so the digest's memory goes
    }
    // Most frequent values are reported for text columns only, and counting every value of a numeric
    // column (ids, prices: all distinct) was a fifth of a profile's time. So only values that come
    // once the column is known to be text are counted; the ones before are untracked, and any count
    // may be that many low (a column that is text from its first value stays exact).
    if (!canInteger && !canDecimal && !canBoolean && !canDateTime) {
      top.add(v, hash); // the sketch's hash: TopValues keys on it too
    } else {
      untracked++;
    }
  }

  private Quantiles quantiles() {
    if (quantiles == null) {
      quantiles = new Quantiles();
    }
    return quantiles;
  }

  private static boolean isInteger(String v) {
    int i = (v.charAt(0) == '-' || v.charAt(0) == '+') ? 1 : 0;
    if (i == v.length() || v.length() - i > 18) {
      return false;
    }
    for (; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  /**
   * A plain decimal number (no NaN, Infinity, hex or trailing type letters), or NaN. Numbers of at most
   * 15 digits without exponent take Clinger's fast path: digits and 10^scale are exact doubles and one
   * IEEE division rounds correctly, so the result equals {@link Double#parseDouble} at a fraction of
   * its cost. Anything else goes to parseDouble.
   */
  private static double parseDecimal(String v) {
    int i = 0;
    boolean negative = false;
    if (v.charAt(0) == '-' || v.charAt(0) == '+') {
      negative = v.charAt(0) == '-';
      i = 1;
    }
    long mantissa = 0;
    int digits = 0;
    int scale = -1;
    for (; i < v.length(); i++) {
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
      } else {
        return parseSlow(v);
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    double d = scale <= 0 ? mantissa : mantissa / POW10[scale];
    return negative ? -d : d;
  }

  private static double parseSlow(String v) {
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

  /**
   * An ISO date or date-time as seconds since 1970 (local times read as UTC, offsets applied), or NaN
   * when {@code v} is not one.
   */
  private static double epochSeconds(String v) {
    if (v.length() < 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
      return Double.NaN;
    }
    if (v.length() == 10) {
      return isIsoDate(v)
          ? (double) LocalDate.of(digits(v, 0, 4), digits(v, 5, 7), digits(v, 8, 10)).toEpochDay() * SECONDS_PER_DAY
          : Double.NaN;
    }
    double fast = localDateTimeSeconds(v);
    if (!Double.isNaN(fast)) {
      return fast;
    }
    try {
      if (v.endsWith("Z") || v.lastIndexOf('+') > 10 || v.lastIndexOf('-') > 10) {
        OffsetDateTime t = OffsetDateTime.parse(v);
        return t.toEpochSecond() + t.getNano() / 1e9;
      }
      LocalDateTime t = LocalDateTime.parse(v);
      return t.toEpochSecond(ZoneOffset.UTC) + t.getNano() / 1e9;
    } catch (DateTimeParseException e) {
      return Double.NaN;
    }
  }

  /**
   * The common forms {@code yyyy-mm-ddThh:mm:ss} and the same ending in {@code Z} (UTC), as seconds since
   * 1970, or NaN for anything else (fractions, offsets, a space for the T), which the formatters then
   * judge. java.time's formatters cost about a microsecond a value (a map of parsed fields per value):
   * a tenth of a text-heavy profile's time went there.
   */
  private static double localDateTimeSeconds(String v) {
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
    long day = LocalDate.of(digits(v, 0, 4), digits(v, 5, 7), digits(v, 8, 10)).toEpochDay();
    return (double) (day * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second);
  }

  /** yyyy-mm-dd with a real month and day (leap years included), without the cost of a formatter. */
  private static boolean isIsoDate(String v) {
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

  private static int digits(String v, int from, int to) {
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

  /** Folds another slice's (or file's) statistics of the same column into this one. */
  void merge(ColumnStats o) {
    nonEmpty += o.nonEmpty;
    empty += o.empty;
    if (o.nonEmpty > 0) {
      canInteger &= o.canInteger;
      canDecimal &= o.canDecimal;
      canBoolean &= o.canBoolean;
      canDateTime &= o.canDateTime;
      allDateOnly &= o.allDateOnly;
      numMin = Math.min(numMin, o.numMin);
      numMax = Math.max(numMax, o.numMax);
      textMin = textMin == null || (o.textMin != null && o.textMin.compareTo(textMin) < 0) ? o.textMin : textMin;
      textMax = textMax == null || (o.textMax != null && o.textMax.compareTo(textMax) > 0) ? o.textMax : textMax;
      sum.add(o.sum);
      sumOfSquares.add(o.sumOfSquares);
      UltraLogLog mine = sketch();
      sketch = mine == null ? o.sketch().copy() : mine.add(o.sketch());
      sketchBytes = null;
      top.merge(o.top);
      untracked += o.untracked;
      if ((canDecimal || canDateTime) && o.quantiles != null) {
        quantiles().merge(o.quantiles);
      } else if (!canDecimal && !canDateTime) {
        quantiles = null;
      }
    }
  }

  /** Turns the live sketch into bytes before this object is sent to another JVM. */
  void seal() {
    if (sketch != null) {
      sketchBytes = sketch.getState().clone();
    }
    if (quantiles != null) {
      quantiles.seal();
    }
  }

  private UltraLogLog sketch() {
    if (sketch == null && sketchBytes != null) {
      sketch = UltraLogLog.wrap(sketchBytes.clone());
    }
    return sketch;
  }

  // ---- the figures a report shows ----

  public String name() {
    return name;
  }

  public long nonEmpty() {
    return nonEmpty;
  }

  public long empty() {
    return empty;
  }

  /** integer, decimal, boolean, datetime, text, or empty when the column has no values. */
  public String type() {
    if (nonEmpty == 0) {
      return "empty";
    }
    if (canInteger) {
      return "integer";
    }
    if (canDecimal) {
      return "decimal";
    }
    if (canBoolean) {
      return "boolean";
    }
    if (canDateTime) {
      return "datetime";
    }
    return "text";
  }

  public boolean isNumeric() {
    return nonEmpty > 0 && canDecimal;
  }

  /** The minimum: numeric for numbers, chronological for ISO dates (same as lexical), else lexical. */
  public String min() {
    return nonEmpty == 0 ? "" : isNumeric() ? number(numMin) : textMin;
  }

  public String max() {
    return nonEmpty == 0 ? "" : isNumeric() ? number(numMax) : textMax;
  }

  /** Empty (or missing) values as a share of all values, 0..1; NaN for a column with no rows. */
  public double emptyShare() {
    long all = nonEmpty + empty;
    return all == 0 ? Double.NaN : (double) empty / all;
  }

  /**
   * The approximate q-quantile (0.25, 0.5, 0.75) of a numeric or datetime column, as the column shows
   * its values (a number, or an ISO date / date-time in UTC); empty for other columns.
   */
  public String quantile(double q) {
    String type = type();
    if (quantiles == null || !(type.equals("integer") || type.equals("decimal") || type.equals("datetime"))) {
      return "";
    }
    double x = quantiles.quantile(q);
    if (Double.isNaN(x)) {
      return "";
    }
    if (type.equals("datetime")) {
      if (allDateOnly) {
        return LocalDate.ofEpochDay(Math.floorDiv(Math.round(x), SECONDS_PER_DAY)).toString();
      }
      return LocalDateTime.ofEpochSecond(Math.round(x), 0, ZoneOffset.UTC).toString();
    }
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }

  /** The most frequent values of a text column with their counts, most frequent first; else empty. */
  public List<Map.Entry<String, Long>> topValues(int n) {
    return type().equals("text") ? top.top(n) : List.of();
  }

  /** True when {@link #topValues} counts are exact; else each may be up to {@link #topUndercount()} low. */
  public boolean topExact() {
    return top.exact() && untracked == 0;
  }

  public long topUndercount() {
    return top.maxUndercount() + untracked;
  }

  public double mean() {
    return isNumeric() ? sum.value() / nonEmpty : Double.NaN;
  }

  /** The sample standard deviation (n - 1), as pandas' describe() gives it. */
  public double std() {
    if (!isNumeric() || nonEmpty < 2) {
      return Double.NaN;
    }
    double ss = sumOfSquares.minusSquareOver(sum, nonEmpty);
    return Math.sqrt(Math.max(0, ss) / (nonEmpty - 1));
  }

  public long distinctApprox() {
    UltraLogLog s = sketch();
    // The estimate depends on the registers only, not on the order values came in, and merging is a
    // register-wise max: a file profiled in slices reports what one pass reports.
    return s == null ? 0 : Math.round(s.getDistinctCountEstimate());
  }

  private String number(double d) {
    if (canInteger && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
