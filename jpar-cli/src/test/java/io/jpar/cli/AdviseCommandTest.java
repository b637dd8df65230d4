package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jpar advise}: a user's task from a jar, and the built-in jobs, measured and advised on. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdviseCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  /** Compiles a task that sleeps for its input in milliseconds (and a class that is no task) into a jar. */
  private Path taskJar() throws IOException {
    Path src = dir.resolve("src/demo");
    Files.createDirectories(src);
    Files.writeString(src.resolve("Nap.java"), """
        package demo;
        public class Nap implements io.jpar.Task<String, Integer> {
          public Integer apply(String ms) throws Exception {
            Thread.sleep(Integer.parseInt(ms.strip()));
            return ms.length();
          }
        }
        """);
    Files.writeString(src.resolve("NotATask.java"), "package demo; public class NotATask {}");
    Path classes = dir.resolve("classes");
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.resolve("Nap.java").toString(), src.resolve("NotATask.java").toString());
    assertThat(rc).isZero();
    Path jar = dir.resolve("nap.jar");
    try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String name : List.of("demo/Nap.class", "demo/NotATask.class")) {
        j.putNextEntry(new JarEntry(name));
        j.write(Files.readAllBytes(classes.resolve(name.replace('/', File.separatorChar))));
        j.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void aTaskFromAJarIsMeasuredOnEveryBackendAndChartedAndWaitingWorkGoesToVirtualThreads() throws IOException {
    Path jar = taskJar();
    Path inputs = dir.resolve("inputs.txt");
    Files.write(inputs, IntStream.range(0, 48).mapToObj(i -> "20").toList());
    Path chart = dir.resolve("speedup.png");
    int code = run("advise", "--classpath", jar.toString(), "--task", "demo.Nap", "--inputs", inputs.toString(),
        "--chart", chart.toString(), "--trial-limit", "5s");
    assertThat(code).as(err.toString()).isZero();
    String table = out.toString();
    assertThat(table).contains("platform threads").contains("virtual threads").contains("worker processes");
    // The worker processes loaded the task from the jar: their trial finished every input without failure.
    assertThat(table.lines().filter(l -> l.startsWith("worker processes")))
        .isNotEmpty().allMatch(l -> l.trim().endsWith(" 0") || l.contains("<- best"));
    assertThat(table.lines().filter(l -> l.contains("<- best"))).singleElement().asString().startsWith("virtual threads");
    assertThat(table).contains("waiting work");
    assertThat(ImageIO.read(chart.toFile()).getWidth()).isEqualTo(900);
  }

  @Test
  void badArgumentsAreNamed() throws IOException {
    Path jar = taskJar();
    Path inputs = dir.resolve("in.txt");
    Files.writeString(inputs, "1\n");
    assertThat(run("advise")).isEqualTo(2);
    assertThat(err.toString()).contains("advise needs --classpath JAR --task CLASS --inputs FILE");
    assertThat(run("advise", "--classpath", jar.toString(), "--task", "demo.NotATask", "--inputs", inputs.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("demo.NotATask does not implement io.jpar.Task");
    assertThat(run("advise", "--classpath", jar.toString(), "--task", "demo.Missing", "--inputs", inputs.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("cannot load --task demo.Missing");
    assertThat(run("advise", "--classpath", jar.toString(), "--task", "demo.Nap", "--inputs", dir.resolve("none").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("cannot read --inputs");
    assertThat(run("advise", "--classpath", jar.toString(), "--task", "demo.Nap", "--inputs", inputs.toString(),
        "--chart", "x.jpg")).isEqualTo(2);
    assertThat(err.toString()).contains("--chart writes a PNG");
  }

  @Test
  void adviseCsvMeasuresTheProfilingTask() throws IOException {
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int i = 0; i < 20_000; i++) {
      csv.append(i).append(',').append(i * 0.5).append('\n');
    }
    for (int f = 0; f < 4; f++) {
      Files.writeString(dir.resolve("d" + f + ".csv"), csv);
    }
    assertThat(run("advise", "csv", dir.toString(), "--no-processes")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("platform threads").contains("<- best").contains("Best:");
  }

  @Test
  void adviseFetchMeasuresTheCallsWithoutProcessesAndLeavesItsOptionsAsParsed() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", ex -> {
      try (ex) {
        Thread.sleep(20);
        byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream o = ex.getResponseBody()) {
          o.write(b);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      Path list = dir.resolve("urls.txt");
      Files.write(list, IntStream.range(0, 40).mapToObj(i -> base + "/x/" + i).toList());
      // Through a command line whose commands the test holds, to look at the options after the run.
      CommandLine advise = new CommandLine(new AdviseCommand());
      advise.setOut(new PrintWriter(out, true));
      advise.setErr(new PrintWriter(err, true));
      Main.configure(advise, false);
      AdviseFetchCommand fetch = advise.getSubcommands().get("fetch").getCommand();
      assertThat(advise.execute("fetch", "-i", list.toString())).as(err.toString()).isZero();
      assertThat(fetch.options.noProcesses).as("--no-processes was not given, and stays so").isFalse();
      assertThat(out.toString()).contains("virtual threads").doesNotContain("worker processes");
      assertThat(out.toString().lines().filter(l -> l.contains("<- best"))).singleElement().asString()
          .doesNotStartWith("platform threads          1");
    } finally {
      server.stop(0);
    }
  }
}
