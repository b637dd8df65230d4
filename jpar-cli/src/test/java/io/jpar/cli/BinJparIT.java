package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jpar} as a user runs it, with a cache folder of its own: the start-up cache is made once,
 * used after, replaced when stale, and a damaged or missing one never breaks a command.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BinJparIT {
  @TempDir Path cacheHome;

  private record Run(int code, String out, String err) {}

  private Run jpar(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path script = Path.of("..", "bin", "jpar").toAbsolutePath().normalize();
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(script.toString()), Stream.of(args)).toList());
    pb.environment().put("XDG_CACHE_HOME", cacheHome.toString());
    pb.environment().remove("JPAR_JAVA_OPTS");
    pb.environment().putAll(env);
    Path out = Files.createTempFile(cacheHome, "out", ".txt");
    Path err = Files.createTempFile(cacheHome, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("bin/jpar %s ended", List.of(args)).isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  private List<Path> caches() throws IOException {
    Path dir = cacheHome.resolve("jpar");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().matches("jpar-\\d+\\.(aot|jsa)")).toList();
    }
  }

  @Test
  void theCacheIsMadeOnceUsedAfterAndADamagedOneNeverBreaksACommand() throws Exception {
    Path dir = Files.createDirectories(cacheHome.resolve("jpar"));
    Path stale = Files.writeString(dir.resolve("jpar-12345.aot"), "a cache of an older build");

    Run first = jpar(Map.of(), "--version");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("jpar ").contains("Java ");
    List<Path> made = caches().stream().filter(p -> !p.equals(stale)).toList();
    assertThat(made).as("one cache for this build and JDK, beside the other build's").hasSize(1);
    assertThat(stale).as("another build's cache is kept (the three newest are)").exists();

    Run second = jpar(Map.of(), "--version");
    assertThat(second.code()).isZero();
    assertThat(second.err()).doesNotContain("preparing");
    assertThat(second.out()).isEqualTo(first.out());

    // A damaged cache (a disk error, a half-copied file) is the JVM's to refuse, quietly.
    Files.write(made.get(0), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Run damaged = jpar(Map.of(), "fetch", "--help");
    assertThat(damaged.code()).isZero();
    assertThat(damaged.out()).contains("--cacert");
    assertThat(damaged.err()).doesNotContainIgnoringCase("error");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".config")
          || n.startsWith("hs_err"));
    }
  }

  @Test
  void onAFreshMachineTheFirstCommandWorksAndMakesTheCache() throws Exception {
    // No cache folder at all, as on a new machine: the first command a newcomer runs must just work.
    Run first = jpar(Map.of(), "--version");

    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("jpar ").contains("Java ");
    assertThat(caches()).as("the cache this command made").hasSize(1);
  }

  @Test
  void withTheCacheOffNothingIsWrittenAndCommandsStillWork() throws Exception {
    Run run = jpar(Map.of("JPAR_STARTUP_CACHE", "off"), "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("fetch").contains("csv");
    assertThat(caches()).isEmpty();
  }
}
