package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every test talks to a server of its own on 127.0.0.1 only. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchCommandTest {
  @TempDir Path dir;
  private HttpServer server;
  private String base;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    int n = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    try (ex) {
      if (path.startsWith("/flaky") && n <= 2) {
        send(ex, 503, "busy");
      } else if (path.startsWith("/limited") && n == 1) {
        ex.getResponseHeaders().add("Retry-After", "1");
        send(ex, 429, "slow down");
      } else if (path.equals("/redirect")) {
        ex.getResponseHeaders().add("Location", "/ok/redirected");
        send(ex, 302, "");
      } else if (path.equals("/loop")) {
        ex.getResponseHeaders().add("Location", "/loop");
        send(ex, 302, "");
      } else if (path.equals("/slow")) {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          return;
        }
        send(ex, 200, "late");
      } else if (path.startsWith("/missing")) {
        send(ex, 404, "no");
      } else {
        send(ex, 200, "body of " + path);
      }
    }
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("fetch", "--backoff", "20ms"));
    all.addAll(List.of(args));
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
  }

  private Map<String, JsonNode> readLog(Path log) throws IOException {
    Map<String, JsonNode> byUrl = new HashMap<>();
    ObjectMapper m = new ObjectMapper();
    for (String line : Files.readAllLines(log)) {
      JsonNode n = m.readTree(line);
      byUrl.put(n.get("url").asText(), n);
    }
    return byUrl;
  }

  @Test
  void backendAutoFetchesEveryUrlAndSaysWhatItChose() throws IOException {
    Path list = dir.resolve("urls.txt");
    Files.write(list, java.util.stream.IntStream.range(0, 60).mapToObj(i -> base + "/ok/" + i).toList());
    assertThat(run("-i", list.toString(), "--backend", "auto")).isEqualTo(0);
    assertThat(out.toString()).contains("60 ok, 0 failed");
    assertThat(err.toString()).contains("jpar fetch: Auto");
    assertThat(hits).hasSize(60);
  }

  @Test
  void backendProcessesIsRefusedWithTheReason() {
    assertThat(run("--backend", "processes", base + "/ok/1")).isEqualTo(2);
    assertThat(err.toString()).contains("--backend processes does not fit fetch");
  }

  @Test
  void retriesHonourRetryAfterFollowRedirectsAndLogEveryUrl() throws IOException {
    Path list = dir.resolve("urls.txt");
    Files.writeString(list, String.join("\n", "# a comment", base + "/ok/1", base + "/flaky", base + "/limited",
        base + "/redirect", "", base + "/loop"));
    Path log = dir.resolve("log.jsonl");
    int code = run("-i", list.toString(), "--log", log.toString(), "--retries", "3");
    Map<String, JsonNode> byUrl = readLog(log);
    assertThat(byUrl).hasSize(5);
    assertThat(byUrl.get(base + "/flaky").get("attempts").asInt()).isEqualTo(3);
    assertThat(byUrl.get(base + "/flaky").get("status").asInt()).isEqualTo(200);
    assertThat(byUrl.get(base + "/limited").get("ms").asLong()).isGreaterThanOrEqualTo(1_000);
    assertThat(byUrl.get(base + "/redirect").get("status").asInt()).isEqualTo(200);
    assertThat(hits.get("/ok/redirected").get()).isEqualTo(1);
    assertThat(byUrl.get(base + "/loop").get("error").asText()).contains("more than 5 redirects");
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("4 ok, 1 failed").contains("p50").contains("p95");
  }

  @Test
  void badLinesAreReportedWithTheirLineNumberAndSkipped() throws IOException {
    Path list = dir.resolve("urls.txt");
    Files.writeString(list, base + "/ok/a\nnot a url at all\nftp://example.invalid/file\n" + base + "/ok/b\n");
    int code = run("-i", list.toString());
    assertThat(err.toString()).contains("line 2: not a URL").contains("line 3: only http and https");
    assertThat(out.toString()).contains("2 ok, 0 failed");
    assertThat(code).isEqualTo(1);
  }

  @Test
  void aServerThatHangsMeetsTheTimeout() {
    long t0 = System.nanoTime();
    int code = run("--timeout", "300ms", "--retries", "0", base + "/slow");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(4_000);
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("timed out after 300 ms");
  }

  @Test
  void savedFilesStayInsideTheOutputFolderWhateverTheUrlSays() throws IOException {
    Path outDir = dir.resolve("pages");
    int code = run("--out", outDir.toString(), base + "/../../etc/passwd", base + "/a/..%2F..%2Fb", base + "/ok/x?q=../../y",
        base + "/%00/.hidden");
    assertThat(code).isZero();
    try (Stream<Path> files = Files.list(outDir)) {
      List<Path> saved = files.toList();
      assertThat(saved).hasSize(4);
      assertThat(saved).allSatisfy(p -> {
        assertThat(p.getParent()).isEqualTo(outDir.toAbsolutePath().normalize());
        assertThat(p.getFileName().toString()).doesNotStartWith(".").doesNotContain("/").doesNotContain("..");
      });
    }
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile).filter(p -> !p.startsWith(outDir)).toList()).isEmpty();
    }
  }

  @Test
  void resumeFetchesOnlyWhatDidNotSucceed() throws IOException {
    Path list = dir.resolve("urls.txt");
    Files.writeString(list, base + "/ok/1\n" + base + "/ok/2\n" + base + "/missing/3\n");
    Path log = dir.resolve("log.jsonl");
    assertThat(run("-i", list.toString(), "--log", log.toString())).isEqualTo(1);
    assertThat(run("-i", list.toString(), "--log", log.toString(), "--resume")).isEqualTo(1);
    assertThat(hits.get("/ok/1").get()).isEqualTo(1);
    assertThat(hits.get("/ok/2").get()).isEqualTo(1);
    assertThat(hits.get("/missing/3").get()).isEqualTo(2);
    assertThat(err.toString()).contains("resuming, 2 URLs already fetched");
  }

  @Test
  void theDefaultPerHostLimitSaysWhenItBoundsTheRunAndIsQuietWhenChosen() throws IOException {
    Path list = dir.resolve("urls.txt");
    Files.write(list, java.util.stream.IntStream.range(0, 40).mapToObj(i -> base + "/ok/" + i).toList());
    assertThat(run("-i", list.toString(), "--concurrency", "64")).isZero();
    assertThat(err.toString()).contains("40 URLs go to 127.0.0.1").contains("at most 32 at a time")
        .contains("--per-host 40");
    err.getBuffer().setLength(0);
    assertThat(run("-i", list.toString(), "--concurrency", "64", "--per-host", "8")).isZero();
    assertThat(err.toString()).doesNotContain("URLs go to");
  }

  @Test
  void usageErrorsExitWith2() {
    assertThat(run("--resume", base + "/ok/1")).isEqualTo(2);
    assertThat(err.toString()).contains("--resume needs --log");
    assertThat(run("--timeout", "soon", base + "/ok/1")).isEqualTo(2);
    assertThat(run("-H", "no-colon", base + "/ok/1")).isEqualTo(2);
  }
}
