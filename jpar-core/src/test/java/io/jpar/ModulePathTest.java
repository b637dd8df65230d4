package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jpar as a module: an application that has jpar on its module path (itself on the class path, or a
 * named module given by a relative path) runs a process pool whose workers start in another working
 * directory. The workers must find their main class in jpar's module, decode the application's capturing
 * lambda, and send back the application's record and exception. (The other tests run on the class path:
 * see the surefire configuration in jpar-core's pom.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModulePathTest {
  private static final String APP = """
      package app;

      import io.jpar.Outcome;
      import io.jpar.Pool;
      import io.jpar.Task;
      import java.io.Serializable;
      import java.nio.file.Path;
      import java.util.List;

      public final class Main {
        record Scaled(int in, int out) implements Serializable {}

        static final class Refused extends RuntimeException {
          Refused(String message) {
            super(message);
          }
        }

        public static void main(String[] args) {
          int factor = Integer.parseInt(args[1]);
          long parent = ProcessHandle.current().pid();
          try (Pool pool = Pool.processes().workers(2).workingDirectory(Path.of(args[0])).build()) {
            Task<Integer, Scaled> scale = x -> new Scaled(x, x * factor);
            System.out.println("results " + pool.map(scale, List.of(1, 2, 3)));
            Task<Integer, String> where = x -> "worker " + (ProcessHandle.current().pid() != parent)
                + ", jpar in " + Task.class.getModule().getName()
                + ", app in " + Main.class.getModule().getName()
                + ", cwd " + Path.of("").toAbsolutePath();
            System.out.println(pool.submit(where, 0).join());
            Task<Integer, Object> refuse = x -> {
              throw new Refused("no " + x);
            };
            Outcome<Object> failed = pool.mapOutcomes(refuse, List.of(7)).get(0);
            Throwable cause = ((Outcome.Failure<Object>) failed).error().getCause();
            System.out.println("failure " + cause.getClass().getName() + ": " + cause.getMessage());
          }
        }
      }
      """;

  private static Path jpar;

  @BeforeAll
  static void findJparsModule() throws Exception {
    jpar = Path.of(Pool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(jpar.resolve("module-info.class")).as("jpar-core's compiled module").exists();
  }

  @Test
  void theModuleDescriptorIsOneTheJarToolOfJdk17CanRead() throws IOException {
    byte[] head = Files.readAllBytes(jpar.resolve("module-info.class"));
    int major = (head[6] & 0xff) << 8 | (head[7] & 0xff);
    assertThat(major).as("class file version of module-info.class (see jpar-core's pom)").isLessThanOrEqualTo(61);
  }

  @Test
  void aClassPathApplicationWithJparOnTheModulePathRunsWorkers(@TempDir Path dir) throws Exception {
    Path classes = compile(dir, null, "--module-path", jpar.toString(), "--add-modules", "io.jpar");
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

    String out = run(dir, "--module-path", jpar.toString(), "--add-modules", "io.jpar",
        "-cp", dir.relativize(classes).toString(), "app.Main", elsewhere.toString(), "10");

    assertThat(out)
        .contains("results [Scaled[in=1, out=10], Scaled[in=2, out=20], Scaled[in=3, out=30]]")
        .contains("worker true, jpar in io.jpar, app in null, cwd " + elsewhere.toRealPath())
        .contains("failure app.Main$Refused: no 7");
  }

  @Test
  void aModularApplicationRunsWorkersThatLoadItsModule(@TempDir Path dir) throws Exception {
    Path modules = compile(dir, "module app { requires io.jpar; }", "--module-path", jpar.toString());
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

    String out = run(dir, "--module-path", jpar + File.pathSeparator + dir.relativize(modules), "-m", "app/app.Main",
        elsewhere.toString(), "10");

    assertThat(out)
        .contains("results [Scaled[in=1, out=10], Scaled[in=2, out=20], Scaled[in=3, out=30]]")
        .contains("worker true, jpar in io.jpar, app in app, cwd " + elsewhere.toRealPath())
        .contains("failure app.Main$Refused: no 7");
  }

  /** Compiles the application (with {@code moduleInfo} when given) into {@code dir/classes}. */
  private static Path compile(Path dir, String moduleInfo, String... options) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/app"));
    Files.writeString(src.resolve("Main.java"), APP);
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(List.of("-d", dir.resolve("classes").toString(), src.resolve("Main.java").toString()));
    if (moduleInfo != null) {
      Files.writeString(dir.resolve("src/module-info.java"), moduleInfo);
      args.add(dir.resolve("src/module-info.java").toString());
    }
    ByteArrayOutputStream messages = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(messages, true, StandardCharsets.UTF_8);
    int rc = ToolProvider.findFirst("javac").orElseThrow().run(print, print, args.toArray(String[]::new));
    assertThat(rc).as("javac: %s", messages.toString(StandardCharsets.UTF_8)).isZero();
    return dir.resolve("classes");
  }

  /** Runs this JDK's java from {@code dir} (so relative paths would resolve there) and returns its output. */
  private static String run(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the application ended").isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
    return out;
  }
}
