package io.jpar.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Generates the demo's (and the benchmarks') CSV files: orders with ids, prices, cities, dates, flags. */
public final class DemoData {
  private static final String[] CITIES = {"Paris", "Berlin", "Lagos", "Lima", "Osaka", "Quito", "Oslo", "Pune"};

  private DemoData() {}

  /** Writes {@code files} files of about {@code bytesEach} bytes each; returns their paths. */
  public static List<String> writeCsv(Path dir, int files, long bytesEach) throws IOException {
    List<String> out = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      Path p = dir.resolve(String.format(Locale.ROOT, "orders-%02d.csv", f));
      SplittableRandom r = new SplittableRandom(f);
      try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
        w.write("order_id,customer,price,quantity,city,day,express\n");
        long written = 0;
        long id = (long) f * 10_000_000;
        StringBuilder sb = new StringBuilder(128);
        while (written < bytesEach) {
          sb.setLength(0);
          sb.append(id++).append(',').append("cust").append(r.nextInt(50_000)).append(',')
              .append(r.nextInt(100, 100_000) / 100.0).append(',').append(r.nextInt(1, 20)).append(',')
              .append(CITIES[r.nextInt(CITIES.length)]).append(',')
              .append(String.format(Locale.ROOT, "2025-%02d-%02d", r.nextInt(1, 13), r.nextInt(1, 29))).append(',')
              .append(r.nextBoolean()).append('\n');
          w.append(sb);
          written += sb.length();
        }
      }
      out.add(p.toString());
    }
    return out;
  }
}
