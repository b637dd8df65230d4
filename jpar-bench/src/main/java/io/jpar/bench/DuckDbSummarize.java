package io.jpar.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * DuckDB beside {@code jpar csv} (bench/peers csv): an in-memory DuckDB over JDBC runs
 * {@code SUMMARIZE SELECT * FROM read_csv('FILE')} for each file, in this one process.
 *
 * <p>{@code DuckDbSummarize [--threads N] FILE...} (default 2 threads: the benchmark machine's cores) or
 * {@code DuckDbSummarize [--threads N] --glob 'DIR/*.csv'} for one query over all files (DuckDB's own way;
 * it gives no per-file figures), or {@code DuckDbSummarize --version}. Run it with
 * {@code --enable-native-access=ALL-UNNAMED}: the driver loads its native engine.
 *
 * <p>Per file by default because the agreement check compares rows per file, and because pandas and
 * Polars are also run per file. Output, tab-separated, the same lines every peer prints:
 * {@code file PATH ROWS}, then per column {@code col PATH NAME TYPE MEAN STD} (MEAN and STD as DuckDB
 * prints them, empty when SUMMARIZE gives none: text, booleans).
 */
public final class DuckDbSummarize {
  private DuckDbSummarize() {}

  public static void main(String[] args) throws Exception {
    int threads = 2;
    String glob = null;
    int i = 0;
    for (; i < args.length && args[i].startsWith("--"); i++) {
      switch (args[i]) {
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--glob" -> glob = args[++i];
        case "--version" -> {
          try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
              Statement s = c.createStatement();
              ResultSet r = s.executeQuery("SELECT version()")) {
            r.next();
            System.out.println(r.getString(1));
          }
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (glob == null && i == args.length) {
      System.err.println("usage: DuckDbSummarize [--threads N] FILE... | [--threads N] --glob 'DIR/*.csv' | --version");
      System.exit(2);
    }
    StringBuilder out = new StringBuilder(1 << 14);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET threads TO " + threads);
      if (glob != null) {
        summarize(s, glob, "(all files)", out);
      } else {
        for (; i < args.length; i++) {
          summarize(s, args[i], args[i], out);
        }
      }
    }
    System.out.print(out);
  }

  /** One SUMMARIZE; appends the file line and the column lines, labelled {@code label}. */
  private static void summarize(Statement s, String path, String label, StringBuilder out) throws SQLException {
    // SUMMARIZE takes no bind parameters: the path goes in as a quoted SQL literal.
    String literal = "'" + path.replace("'", "''") + "'";
    StringBuilder cols = new StringBuilder();
    long rows = -1;
    try (ResultSet r = s.executeQuery("SUMMARIZE SELECT * FROM read_csv(" + literal + ")")) {
      while (r.next()) {
        // count is count(*) of the relation (the same on every row); null_percentage counts the empty.
        rows = r.getLong("count");
        cols.append("col\t").append(label).append('\t').append(r.getString("column_name")).append('\t')
            .append(r.getString("column_type")).append('\t').append(orEmpty(r.getString("avg"))).append('\t')
            .append(orEmpty(r.getString("std"))).append('\n');
      }
    }
    out.append("file\t").append(label).append('\t').append(Math.max(rows, 0)).append('\n').append(cols);
  }

  private static String orEmpty(String v) {
    return v == null ? "" : v;
  }
}
