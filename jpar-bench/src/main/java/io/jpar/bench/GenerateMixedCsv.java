package io.jpar.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes text-heavy CSV files of mixed column types for bench/peers csv:
 * {@code GenerateMixedCsv DIR FILES MB_EACH [SEED]}, deterministic for a given seed (default 1).
 *
 * <p>The columns, one of each kind a profiler has to tell apart:
 * <ul>
 *   <li>{@code id} integers (a row key);
 *   <li>{@code amount} decimals with two places, about 5% of cells empty;
 *   <li>{@code paid} booleans, {@code true}/{@code false};
 *   <li>{@code title} quoted text with commas and doubled quotes inside;
 *   <li>{@code day} ISO dates; {@code created_at} ISO local timestamps ({@code 2024-03-09T17:05:44});
 *   <li>{@code category} one of 40 values;
 *   <li>{@code note} free text, 4 to 30 words (most of each file's bytes), a few non-ASCII;
 *   <li>{@code ratio} floats with exponents ({@code 1.5e-3}, some {@code 2.25E+01}), all positive.
 * </ul>
 * Numeric columns are positive with means far from zero, so that their means and standard deviations
 * can be compared between tools to a relative tolerance. Every decimal carries a point and every ratio
 * an exponent from the first row on, so readers that infer types from the first rows (Polars reads 100)
 * infer the type the whole column has.
 */
public final class GenerateMixedCsv {
  private static final String[] ADJECTIVES = {"red", "blue", "green", "small", "large", "old", "new", "fast"};
  private static final String[] NOUNS = {"tools", "books", "garden", "music", "sports"};
  private static final String[] CATEGORIES = new String[ADJECTIVES.length * NOUNS.length];
  private static final String[] WORDS;

  static {
    int k = 0;
    for (String a : ADJECTIVES) {
      for (String n : NOUNS) {
        CATEGORIES[k++] = a + "-" + n;
      }
    }
    // A fixed vocabulary of 600 made-up words from syllables (seeded, so the same on every machine),
    // plus a few non-ASCII ones: the text is UTF-8 and not all of it one byte per character.
    String[] syllables = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ber", "dan", "fel", "gor", "hin",
      "jul", "mar", "pel", "qua", "ston", "tra", "wen", "xi", "yor", "zel", "ion"};
    String[] special = {"café", "naïve", "Ü-Bahn", "straße", "façade", "déjà", "smörgås", "Łódź"};
    SplittableRandom r = new SplittableRandom(42);
    WORDS = new String[600 + special.length];
    for (int i = 0; i < 600; i++) {
      StringBuilder w = new StringBuilder();
      for (int s = r.nextInt(1, 4); s > 0; s--) {
        w.append(syllables[r.nextInt(syllables.length)]);
      }
      WORDS[i] = w.toString();
    }
    System.arraycopy(special, 0, WORDS, 600, special.length);
  }

  private GenerateMixedCsv() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: GenerateMixedCsv DIR FILES MB_EACH [SEED]");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    int files = Integer.parseInt(args[1]);
    long bytesEach = Long.parseLong(args[2]) * 1_000_000L;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    for (int f = 0; f < files; f++) {
      write(dir.resolve(String.format(Locale.ROOT, "mixed-%02d.csv", f)), f, bytesEach,
          new SplittableRandom(seed * 1_000_003L + f));
    }
  }

  private static void write(Path p, int f, long bytesEach, SplittableRandom r) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
      w.write("id,amount,paid,title,day,created_at,category,note,ratio\n");
      long written = 0;
      long id = (long) f * 100_000_000L;
      StringBuilder sb = new StringBuilder(512);
      while (written < bytesEach) {
        sb.setLength(0);
        sb.append(id++).append(',');
        if (r.nextInt(20) != 0) { // about 5% empty
          int cents = r.nextInt(100, 10_000_000);
          sb.append(cents / 100).append('.').append((char) ('0' + cents / 10 % 10)).append((char) ('0' + cents % 10));
        }
        sb.append(',').append(r.nextInt(3) == 0).append(',');
        title(sb, r);
        sb.append(',');
        int year = r.nextInt(2015, 2026);
        int month = r.nextInt(1, 13);
        two(sb.append(year).append('-'), month).append('-');
        two(sb, r.nextInt(1, daysIn(year, month) + 1)).append(',');
        year = r.nextInt(2015, 2026);
        month = r.nextInt(1, 13);
        two(sb.append(year).append('-'), month).append('-');
        two(sb, r.nextInt(1, daysIn(year, month) + 1)).append('T');
        two(two(two(sb, r.nextInt(24)).append(':'), r.nextInt(60)).append(':'), r.nextInt(60)).append(',');
        sb.append(CATEGORIES[r.nextInt(CATEGORIES.length)]).append(',');
        for (int n = r.nextInt(4, 31), i = 0; i < n; i++) {
          sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        sb.append(',');
        ratio(sb, r);
        sb.append('\n');
        w.append(sb);
        written += sb.length();
      }
    }
  }

  /** "Word word, ""word"" word": always quoted; commas and doubled quotes inside some. */
  private static void title(StringBuilder sb, SplittableRandom r) {
    sb.append('"');
    for (int n = r.nextInt(2, 9), i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(r.nextInt(4) == 0 ? ", " : " ");
      }
      String word = WORDS[r.nextInt(WORDS.length)];
      if (r.nextInt(6) == 0) {
        sb.append("\"\"").append(word).append("\"\"");
      } else {
        sb.append(word);
      }
    }
    sb.append('"');
  }

  /** d.dddd e-6 .. e+2: "3.1416e-3" mostly, "3.1416E+02" sometimes; positive. */
  private static void ratio(StringBuilder sb, SplittableRandom r) {
    int mantissa = r.nextInt(10_000, 100_000); // 1.0000 .. 9.9999
    int exp = r.nextInt(-6, 3);
    sb.append(mantissa / 10_000).append('.');
    String frac = Integer.toString(mantissa % 10_000);
    sb.append("0".repeat(4 - frac.length())).append(frac);
    if (r.nextInt(8) == 0) {
      sb.append('E').append(exp < 0 ? '-' : '+');
      two(sb, Math.abs(exp));
    } else {
      sb.append('e').append(exp);
    }
  }

  private static StringBuilder two(StringBuilder sb, int v) {
    return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private static int daysIn(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }
}
