package io.jpar.cli.csv;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * What one column holds, built value by value and mergeable, so that slices of a file (or several
 * files) combine into exactly what one pass would give: counts, min/max and the distinct sketch merge
 * exactly; sums are kept in double-double ({@link ExactSum}).
 *
 * <p>Type inference keeps every type that all non-empty values so far could be, and reports the most
 * specific one left: integer, decimal, boolean, date/time, else text.
 */
public final class ColumnStats implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int P = 12; // UltraLogLog with 4,096 registers: about 1.2% relative error
  private static final Hasher64 HASH = Hashing.komihash5_0();

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
  private transient UltraLogLog sketch;
  private byte[] sketchBytes;

  ColumnStats(String name) {
    this.name = name;
  }

  void add(String raw) {
    String v = raw.strip();
    if (v.isEmpty()) {
      empty++;
      return;
    }
    nonEmpty++;
    if (sketch == null) {
      sketch = UltraLogLog.create(P);
    }
    sketch.add(HASH.hashCharsToLong(v));
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
      }
    }
    if (canBoolean && !(v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"))) {
      canBoolean = false;
    }
    if (canDateTime && !isDateTime(v)) {
      canDateTime = false;
    }
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

  /** A plain decimal number (no NaN, Infinity, hex or trailing type letters), or NaN. */
  private static double parseDecimal(String v) {
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

  private static boolean isDateTime(String v) {
    if (v.length() < 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
      return false;
    }
    try {
      if (v.length() == 10) {
        LocalDate.parse(v);
      } else if (v.endsWith("Z") || v.lastIndexOf('+') > 10 || v.lastIndexOf('-') > 10) {
        OffsetDateTime.parse(v);
      } else {
        LocalDateTime.parse(v);
      }
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
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
      numMin = Math.min(numMin, o.numMin);
      numMax = Math.max(numMax, o.numMax);
      textMin = textMin == null || (o.textMin != null && o.textMin.compareTo(textMin) < 0) ? o.textMin : textMin;
      textMax = textMax == null || (o.textMax != null && o.textMax.compareTo(textMax) > 0) ? o.textMax : textMax;
      sum.add(o.sum);
      sumOfSquares.add(o.sumOfSquares);
      UltraLogLog mine = sketch();
      sketch = mine == null ? o.sketch().copy() : mine.add(o.sketch());
      sketchBytes = null;
    }
  }

  /** Turns the live sketch into bytes before this object is sent to another JVM. */
  void seal() {
    if (sketch != null) {
      sketchBytes = sketch.getState().clone();
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
