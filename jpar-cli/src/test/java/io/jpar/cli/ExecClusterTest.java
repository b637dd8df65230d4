package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.cluster.ClusterMember;
import io.jpar.cluster.ClusterPool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jpar exec --cluster}: the jobs run on a cluster member (a JVM of its own, started here on
 * 127.0.0.1 and stopped after), and this side prints their output in order, counts failures and keeps
 * time limits — the job killed there. The command runs in a JVM of its own too, since the secret comes
 * from its environment.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExecClusterTest {
  private static final String SECRET = "exec-test-" + ProcessHandle.current().pid();
  private static Process member;
  private static int port;

  @BeforeAll
  static void startAMember() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(java());
    cmd.addAll(List.of(ClusterMember.class.getName(), "--port", String.valueOf(port), "--workers", "2",
        "--parent-pid", String.valueOf(ProcessHandle.current().pid())));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put(ClusterPool.SECRET_VARIABLE, SECRET);
    member = pb.start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    StringBuilder said = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(member.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (said) {
            said.append(line).append('\n');
          }
          if (line.startsWith("jpar member ") && line.contains(" ready ")) {
            ready.complete(line);
          }
        }
      } catch (IOException e) {
        // it ended
      }
      ready.completeExceptionally(new IllegalStateException("the member ended before it was ready:\n" + said));
    }, "exec-test-member");
    reader.setDaemon(true);
    reader.start();
    ready.get(90, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopTheMember() throws Exception {
    if (member != null) {
      member.destroyForcibly();
      assertThat(member.waitFor(30, TimeUnit.SECONDS)).as("the member JVM is gone").isTrue();
    }
  }

  private static List<String> java() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ClusterMember.jvmOptions());
    cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
    return cmd;
  }

  private record Run(int code, String out, String err) {}

  private static Run exec(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(java());
    cmd.addAll(List.of(Main.class.getName(), "exec", "--cluster", "127.0.0.1:" + port));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put(ClusterPool.SECRET_VARIABLE, SECRET);
    Process p = pb.start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("jpar exec --cluster ended").isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void jobsRunOnTheMemberAndTheirOutputComesBackInOrder(@TempDir Path dir) throws Exception {
    // With shell syntax the job runs through sh -c, whose $PPID is the process that started it: the
    // member's JVM, not this machine's jpar.
    Run run = exec(dir, "-k", "-j", "4", "echo", "{}", "$PPID;", "test", "{}", "!=", "c", ":::", "a", "b", "c", "d");

    long memberPid = member.pid();
    assertThat(run.out().lines().toList()).containsExactly("a " + memberPid, "b " + memberPid, "c " + memberPid,
        "d " + memberPid);
    assertThat(run.code()).as("one job failed: %s", run.err()).isEqualTo(1);
  }

  @Test
  void aJobPastItsTimeLimitIsKilledOnTheMember(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("jobs.log");
    long t0 = System.nanoTime();
    Run run = exec(dir, "--timeout", "1", "--joblog", log.toString(), "sleep", ":::", "30");

    assertThat(run.code()).isEqualTo(1);
    assertThat((System.nanoTime() - t0) / 1e9).as("seconds, far below the job's 30").isLessThan(25);
    assertThat(Files.readString(log)).contains("sleep 30");
    assertThat(ProcessHandle.of(member.pid()).orElseThrow().descendants().filter(h -> h.info().command()
        .map(c -> c.endsWith("sleep")).orElse(false)).count()).as("sleep processes left on the member").isZero();
  }

  @Test
  void lineBufferWithAClusterIsAUsageError() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "exec", "--cluster", "127.0.0.1:" + port,
        "--line-buffer", "echo", ":::", "a");

    assertThat(code).as("exec's usage error, GNU parallel's 255").isEqualTo(255);
    assertThat(err.toString()).contains("--line-buffer cannot be used with --cluster");
  }
}
