package io.jpar.bench;

import io.jpar.cli.DemoData;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the benchmark's CSV files: {@code GenerateCsv DIR FILES MB_EACH}. */
public final class GenerateCsv {
  private GenerateCsv() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    DemoData.writeCsv(dir, Integer.parseInt(args[1]), Long.parseLong(args[2]) * 1_000_000L);
  }
}
