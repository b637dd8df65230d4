package io.jpar.cli.csv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import de.siegmar.fastcsv.writer.CsvWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders file profiles, and the profile of all files together (columns joined by name). Quartiles are
 * approximate ({@link Quantiles}: exact up to 2,048 values); the most frequent values of text columns are exact unless marked {@code ~}
 * (table), {@code topExact: false} (JSON) or {@code top_exact} false (CSV).
 */
public final class ProfileReport {
  /** How many of the most frequent values each text column reports. */
  static final int TOP = 5;

  private final List<FileProfile> files;
  private final FileProfile all;

  public ProfileReport(List<FileProfile> files) {
    this.files = files;
    this.all = combine(files);
  }

  static FileProfile combine(List<FileProfile> files) {
    FileProfile all = new FileProfile("(all files)");
    Map<String, ColumnStats> byName = new LinkedHashMap<>();
    for (FileProfile f : files) {
      if (f.error != null && f.columns.isEmpty()) {
        continue;
      }
      all.rows += f.rows;
      for (ColumnStats c : f.columns) {
        byName.computeIfAbsent(c.name, ColumnStats::new).merge(c);
      }
    }
    all.columns.addAll(byName.values());
    return all;
  }

  public FileProfile combined() {
    return all;
  }

  public boolean anyFailed() {
    return files.stream().anyMatch(f -> !f.ok());
  }

  public void writeTable(Writer out) throws IOException {
    for (FileProfile f : files) {
      out.write(f.file + ": ");
      if (f.error != null) {
        out.write("ERROR " + f.error + (f.rows > 0 ? " (" + f.rows + " rows read before it)" : "") + "\n");
      } else {
        out.write(f.rows + " rows, " + f.columns.size() + " columns\n");
      }
      for (String p : f.problems) {
        out.write("  problem: " + p + "\n");
      }
      if (f.problemCount > f.problems.size()) {
        out.write("  ... and " + (f.problemCount - f.problems.size()) + " more problems\n");
      }
      if (files.size() == 1 && !f.columns.isEmpty()) {
        table(out, f);
      }
    }
    if (files.size() > 1) {
      out.write("\n" + all.file + ": " + all.rows + " rows\n");
      table(out, all);
    }
    out.flush();
  }

  private static void table(Writer out, FileProfile f) throws IOException {
    String fmt = "  %-20s %-8s %10s %8s %6s %14s %14s %14s %14s %14s %14s %14s %10s%n";
    out.write(String.format(Locale.ROOT, fmt, "column", "type", "non-empty", "empty", "empty%", "min", "25%~",
        "median~", "75%~", "max", "mean", "std", "distinct~"));
    for (ColumnStats c : f.columns) {
      out.write(String.format(Locale.ROOT, fmt, cut(c.name, 20), c.type(), c.nonEmpty, c.empty, percent(c.emptyShare()),
          cut(c.min(), 14), cut(shortQuantile(c, 0.25), 14), cut(shortQuantile(c, 0.5), 14),
          cut(shortQuantile(c, 0.75), 14), cut(c.max(), 14), num(c.mean()), num(c.std()), c.distinctApprox()));
    }
    for (ColumnStats c : f.columns) {
      List<Map.Entry<String, Long>> top = c.topValues(TOP);
      if (!top.isEmpty()) {
        StringBuilder line = new StringBuilder("  top " + cut(c.name, 20) + (c.topExact() ? ":" : " (approximate):"));
        for (Map.Entry<String, Long> e : top) {
          line.append(' ').append(cut(e.getKey(), 24)).append(" (").append(c.topExact() ? "" : "~")
              .append(e.getValue()).append(')');
        }
        out.write(line.append('\n').toString());
      }
    }
  }

  private static String shortQuantile(ColumnStats c, double q) {
    String s = c.quantile(q);
    if (s.isEmpty() || c.type().equals("datetime") || (s.indexOf('.') < 0 && s.indexOf('E') < 0)) {
      return s; // dates, and whole numbers as the column shows them
    }
    return num(Double.parseDouble(s));
  }

  private static String percent(double share) {
    return Double.isNaN(share) ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  private static String cut(String raw, int n) {
    String s = raw.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  static String num(double d) {
    return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6g", d);
  }

  public void writeJson(Writer out) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    List<Object> list = new ArrayList<>();
    for (FileProfile f : files) {
      list.add(fileJson(f));
    }
    root.put("files", list);
    root.put("all", fileJson(all));
    // Not AUTO_CLOSE_TARGET: the writer may be standard output, or the caller's to close.
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, root);
  }

  private static Map<String, Object> fileJson(FileProfile f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", f.file);
    m.put("rows", f.rows);
    m.put("error", f.error);
    m.put("problems", f.problems);
    m.put("problemCount", f.problemCount);
    List<Object> cols = new ArrayList<>();
    for (ColumnStats c : f.columns) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("name", c.name);
      cm.put("type", c.type());
      cm.put("nonEmpty", c.nonEmpty);
      cm.put("empty", c.empty);
      cm.put("min", c.min());
      cm.put("max", c.max());
      cm.put("mean", Double.isNaN(c.mean()) ? null : c.mean());
      cm.put("std", Double.isNaN(c.std()) ? null : c.std());
      cm.put("distinctApprox", c.distinctApprox());
      cm.put("emptyShare", Double.isNaN(c.emptyShare()) ? null : c.emptyShare());
      cm.put("p25Approx", nullIfEmpty(c.quantile(0.25)));
      cm.put("medianApprox", nullIfEmpty(c.quantile(0.5)));
      cm.put("p75Approx", nullIfEmpty(c.quantile(0.75)));
      List<Map.Entry<String, Long>> top = c.topValues(TOP);
      if (!top.isEmpty()) {
        List<Object> values = new ArrayList<>();
        for (Map.Entry<String, Long> e : top) {
          Map<String, Object> v = new LinkedHashMap<>();
          v.put("value", e.getKey());
          v.put("count", e.getValue());
          values.add(v);
        }
        cm.put("top", values);
        cm.put("topExact", c.topExact());
        cm.put("topMaxUndercount", c.topUndercount());
      }
      cols.add(cm);
    }
    m.put("columns", cols);
    return m;
  }

  private static String nullIfEmpty(String s) {
    return s.isEmpty() ? null : s;
  }

  /** The top values as one JSON array of [value, count] pairs: unambiguous inside one CSV cell. */
  private static String topCell(ColumnStats c) {
    List<Map.Entry<String, Long>> top = c.topValues(TOP);
    if (top.isEmpty()) {
      return "";
    }
    List<Object> pairs = new ArrayList<>();
    for (Map.Entry<String, Long> e : top) {
      pairs.add(List.of(e.getKey(), e.getValue()));
    }
    try {
      return new ObjectMapper().writeValueAsString(pairs);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public void writeCsv(Writer out) {
    CsvWriter w = CsvWriter.builder().build(out);
    // New columns go at the end, so that readers of the earlier layout keep working.
    w.writeRecord("file", "column", "type", "non_empty", "empty", "min", "max", "mean", "std", "distinct_approx",
        "empty_share", "p25_approx", "median_approx", "p75_approx", "top_values", "top_exact");
    List<FileProfile> rows = new ArrayList<>(files);
    rows.add(all);
    for (FileProfile f : rows) {
      if (f.error != null) {
        w.writeRecord(f.file, "", "error: " + f.error, "", "", "", "", "", "", "", "", "", "", "", "", "");
      }
      for (ColumnStats c : f.columns) {
        w.writeRecord(f.file, c.name, c.type(), Long.toString(c.nonEmpty), Long.toString(c.empty), c.min(), c.max(),
            Double.isNaN(c.mean()) ? "" : Double.toString(c.mean()), Double.isNaN(c.std()) ? "" : Double.toString(c.std()),
            Long.toString(c.distinctApprox()), Double.isNaN(c.emptyShare()) ? "" : Double.toString(c.emptyShare()),
            c.quantile(0.25), c.quantile(0.5), c.quantile(0.75), topCell(c),
            c.topValues(TOP).isEmpty() ? "" : Boolean.toString(c.topExact()));
      }
    }
    try {
      w.flush(); // not close: the writer may be the command's standard output
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
