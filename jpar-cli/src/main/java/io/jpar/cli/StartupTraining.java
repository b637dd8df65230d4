package io.jpar.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run behind {@code bin/jpar}'s start-up cache: runs the commands people start most — the
 * help screens, a fetch from a loopback server, a small CSV profile — in one JVM, so that a JDK 25+ AOT
 * cache recorded over it ({@code -XX:AOTCacheOutput}) holds the classes, linkage and profiles those
 * commands need. Prints nothing; any failure only makes the cache smaller, never a command wrong.
 */
public final class StartupTraining {
  private StartupTraining() {}

  public static void main(String[] args) throws Exception {
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    Main.run(quiet, quiet, "--help");
    Main.run(quiet, quiet, "--version");
    for (String command : List.of("fetch", "exec", "csv", "advise", "demo")) {
      Main.run(quiet, quiet, command, "--help");
    }
    Path dir = Files.createTempDirectory("jpar-training");
    HttpServer server = LocalServer.start(Duration.ZERO);
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/item/";
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        urls.add(base + i);
      }
      Path list = Files.write(dir.resolve("urls.txt"), urls);
      Main.run(quiet, quiet, "fetch", "-i", list.toString());
      Main.run(quiet, quiet, "fetch", base + "one", "--out", dir.resolve("out").toString(),
          "--log", dir.resolve("log.jsonl").toString());
      StringBuilder csv = new StringBuilder("id,price,name,day\n");
      for (int i = 0; i < 2_000; i++) {
        csv.append(i).append(',').append(i * 0.25).append(",\"n ").append(i % 7).append("\",2026-01-")
            .append(10 + i % 9).append('\n');
      }
      Path file = Files.writeString(dir.resolve("t.csv"), csv);
      Main.run(quiet, quiet, "csv", file.toString(), "--backend", "threads");
      List<String> exec = new ArrayList<>(List.of("exec", "-j", "2", "-k", "true", ":::"));
      for (int i = 0; i < 40; i++) {
        exec.add(Integer.toString(i));
      }
      Main.run(quiet, quiet, exec.toArray(String[]::new)); // true prints nothing: stdout stays clean
    } finally {
      server.stop(0);
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
