package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain-http transport against answers written byte by byte, as real servers send them: chunked
 * bodies, bodies that end with the connection, 100 Continue first, a kept-alive connection the server
 * closes while idle, and an answer that is not HTTP at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchWireTest {
  @TempDir Path dir;
  private ServerSocket listener;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicInteger connections = new AtomicInteger();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String base;

  /** 1 MiB that is not all the same byte, so a lost or doubled chunk shows. */
  private static final byte[] BIG = new byte[1 << 20];

  static {
    for (int i = 0; i < BIG.length; i++) {
      BIG[i] = (byte) (i * 31 + (i >> 11));
    }
  }

  @BeforeEach
  void start() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    base = "http://127.0.0.1:" + listener.getLocalPort();
    threads.execute(() -> {
      while (!listener.isClosed()) {
        try {
          Socket s = listener.accept();
          connections.incrementAndGet();
          threads.execute(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  @AfterEach
  void stop() throws IOException {
    listener.close();
    threads.shutdownNow();
  }

  private void serve(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream o = s.getOutputStream()) {
      for (String path; (path = readRequestPath(in)) != null; ) {
        switch (path) {
          case "/chunked" -> {
            o.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
            for (int off = 0; off < BIG.length; off += 70_000) {
              int n = Math.min(70_000, BIG.length - off);
              o.write(ascii(Integer.toHexString(n) + "\r\n"));
              o.write(BIG, off, n);
              o.write(ascii("\r\n"));
            }
            o.write(ascii("0\r\n\r\n"));
          }
          case "/until-close" -> {
            o.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe body ends when the connection does"));
            return;
          }
          case "/continue" -> o.write(ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"));
          case "/close-when-idle" -> {
            o.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nonce"));
            o.flush();
            return; // a keep-alive answer, then the server drops the idle connection
          }
          case "/garbage" -> {
            o.write(ascii("SMTP ready, not HTTP at all\r\n\r\n"));
            return;
          }
          default -> o.write(ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        }
        o.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** Reads one request head; returns its path, or null at the end of the connection. */
  private static String readRequestPath(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    for (int b; (b = in.read()) != -1; ) {
      head.write(b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        String first = head.toString(StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        return first.split(" ")[1];
      }
    }
    return null;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("fetch", "--retries", "0", "--timeout", "5s"));
    all.addAll(List.of(args));
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
  }

  @Test
  void aChunkedBodyIsSavedByteForByte() throws IOException {
    Path pages = dir.resolve("pages");
    assertThat(run("--out", pages.toString(), base + "/chunked")).as(out.toString()).isZero();
    try (var files = Files.list(pages)) {
      List<Path> saved = files.toList();
      assertThat(saved).hasSize(1);
      assertThat(Files.readAllBytes(saved.get(0))).isEqualTo(BIG);
    }
  }

  @Test
  void aBodyWithoutLengthEndsWithTheConnection() {
    assertThat(run(base + "/until-close", base + "/until-close")).as(out.toString()).isZero();
    assertThat(out.toString()).contains("2 ok, 0 failed");
  }

  @Test
  void aHundredContinueIsSkippedForTheFinalAnswer() throws IOException {
    Path log = dir.resolve("log.jsonl");
    assertThat(run("--log", log.toString(), base + "/continue")).isZero();
    assertThat(Files.readString(log)).contains("\"status\":200").contains("\"bytes\":5");
  }

  @Test
  void aKeptAliveConnectionTheServerClosedIsReplacedWithoutAFailure() throws IOException {
    Path list = dir.resolve("urls.txt");
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      urls.add(base + "/close-when-idle");
    }
    Files.write(list, urls);
    // One at a time, so each request finds the previous one's connection idle and already closed.
    assertThat(run("-i", list.toString(), "--concurrency", "1")).as(out.toString()).isZero();
    assertThat(out.toString()).contains("20 ok, 0 failed");
    assertThat(connections.get()).isGreaterThanOrEqualTo(20);
  }

  @Test
  void anAnswerThatIsNotHttpFailsThatUrlAlone() {
    int code = run(base + "/garbage", base + "/chunked");
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("1 ok, 1 failed").contains(base + "/garbage");
  }
}
