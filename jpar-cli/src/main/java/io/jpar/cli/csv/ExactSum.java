package io.jpar.cli.csv;

import java.io.Serializable;

/**
 * A sum of doubles kept as an unevaluated pair (hi + lo, "double-double", about 106 bits), so that the
 * order of additions — one pass over a file, or slices of it merged later — does not change the
 * rounded result, and so that a variance from sum and sum of squares does not cancel away.
 */
final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;
  private double hi;
  private double lo;

  void add(double x) {
    // TwoSum (Knuth): s + e == hi + x exactly.
    double s = hi + x;
    double bp = s - hi;
    double e = (hi - (s - bp)) + (x - bp);
    addNormalized(s, lo + e);
  }

  /** Adds x * x exactly (TwoProduct with fma). */
  void addSquare(double x) {
    double p = x * x;
    double e = Math.fma(x, x, -p);
    double s = hi + p;
    double bp = s - hi;
    double err = (hi - (s - bp)) + (p - bp);
    addNormalized(s, lo + err + e);
  }

  void add(ExactSum other) {
    double s = hi + other.hi;
    double bp = s - hi;
    double e = (hi - (s - bp)) + (other.hi - bp);
    addNormalized(s, lo + other.lo + e);
  }

  private void addNormalized(double s, double t) {
    hi = s + t;
    lo = t - (hi - s);
  }

  double value() {
    return hi + lo;
  }

  /** (this - other^2 / n), evaluated in double-double before the final rounding. */
  double minusSquareOver(ExactSum sum, long n) {
    double mean = sum.value() / n;
    // sumsq - n * mean^2, with mean^2 * n computed as sum * mean (fma keeps the product exact).
    double p = sum.hi * mean;
    double pe = Math.fma(sum.hi, mean, -p) + sum.lo * mean;
    double s = hi - p;
    double bp = s - hi;
    double e = (hi - (s - bp)) + (-p - bp);
    return s + (e + lo - pe);
  }
}
