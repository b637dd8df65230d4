package io.jpar.cli.csv;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import com.dynatrace.hash4j.distinctcount.UltraLogLog;

/**
 * What one column holds, built value by value and mergeable, so that slices of a file (or several
 * files) combine into exactly what one pass would give: counts, min/max and the distinct sketch merge
 * exactly; sums are kept in double-double ({@link ExactSum}). Quartiles of numbers and dates come from a
 * compactor sketch ({@link Quantiles}, approximate past a few thousand values) and the most frequent values from {@link TopValues} (exact
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
    addPresent(v, strippedHash != TopValues.NO_HASH ? strippedHash : TopValues.hash(v));
  }

  /**
   * Adds one value as the reader's bytes, already stripped: the same figures as {@link #add(String,
   * java.util.Set, long)} on its String with these null words, but the String is made only when the
   * column keeps the value (a new minimum or maximum, a text column's top value).
   */
  void addStripped(AsciiField v, String[] nulls) {
    if (v.length() == 0 || v.equalsAny(nulls)) {
      empty++;
      return;
    }
    addPresent(v, v.hash());
  }

  /** A value neither empty nor missing: a String, or an {@link AsciiField} valid only during this call. */
  private void addPresent(CharSequence v, long hash) {
    nonEmpty++;
    if (sketch == null) {
      sketch = UltraLogLog.create(P);
    }
    sketch.add(hash);
    if (textMin == null || compare(v, textMin) < 0) {
      textMin = v.toString();
    }
    if (textMax == null || compare(v, textMax) > 0) {
      textMax = v.toString();
    }
    if (canDecimal && !canBoolean && !canDateTime && addNumber(v)) {
      return;
    }
    if (canInteger && !ValueReaders.isInteger(v)) {
      canInteger = false;
    }
    if (canDecimal) {
      double d = ValueReaders.parseDecimal(v);
      if (Double.isNaN(d)) {
        canDecimal = false;
      } else {
        countNumber(d);
      }
    }
    if (canBoolean && !ValueReaders.isBoolean(v)) {
      canBoolean = false;
    }
    if (canDateTime) {
      double seconds = ValueReaders.epochSeconds(v);
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
      top.add(v, hash); // the sketch's hash: TopValues keys on it too; a String only for a new entry
    } else {
      untracked++;
    }
  }

  /**
   * The path of a column that has been numeric so far and can be nothing else (no boolean, no
   * date/time: its first numbers ruled them out): one parse of the value, an integer's digits read once
   * for both "is it one" and "its value". False, with nothing counted but what the caller did, when the
   * value is not a number: the general path then judges it (and parses it once more, once per column).
   */
  private boolean addNumber(CharSequence v) {
    double d;
    if (canInteger) {
      long x = ValueReaders.parseInteger(v);
      if (x != ValueReaders.NOT_INTEGER) {
        d = ValueReaders.integerAsDecimal(x, v);
      } else {
        canInteger = false;
        d = ValueReaders.parseDecimal(v);
      }
    } else {
      d = ValueReaders.parseDecimal(v);
    }
    if (Double.isNaN(d)) {
      return false;
    }
    countNumber(d);
    untracked++; // a number is not counted among the top values: see the end of addPresent
    return true;
  }

  private void countNumber(double d) {
    numMin = Math.min(numMin, d);
    numMax = Math.max(numMax, d);
    sum.add(d);
    sumOfSquares.addSquare(d);
    quantiles().add(d);
  }

  private static int compare(CharSequence v, String s) {
    return v instanceof AsciiField ascii ? ascii.compareTo(s) : ((String) v).compareTo(s);
  }

  private Quantiles quantiles() {
    if (quantiles == null) {
      quantiles = new Quantiles();
    }
    return quantiles;
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
