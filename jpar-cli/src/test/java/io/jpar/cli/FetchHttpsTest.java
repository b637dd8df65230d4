package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * https against a loopback server whose certificate is self-signed (made here with the JDK's keytool),
 * for 127.0.0.1 and localhost only: trusted through --cacert, refused without it, accepted by --insecure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchHttpsTest {
  @TempDir static Path dir;
  static HttpsServer server;
  static Path certPem;
  static int port;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startServer() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    certPem = cert.pem();
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(cert.serverContext()));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", ex -> {
      try (ex) {
        byte[] b = ("secret of " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
      }
    });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("fetch", "--retries", "0"));
    all.addAll(List.of(args));
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
  }

  @Test
  void aSelfSignedServerIsTrustedThroughCacertAndTheBodyIsSaved() throws Exception {
    Path pages = dir.resolve("pages");
    int code = run("--cacert", certPem.toString(), "--out", pages.toString(), "https://127.0.0.1:" + port + "/a",
        "https://localhost:" + port + "/b");
    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("2 ok, 0 failed");
    try (var files = Files.list(pages)) {
      assertThat(files.map(p -> {
        try {
          return Files.readString(p);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList()).containsExactlyInAnyOrder("secret of /a", "secret of /b");
    }
  }

  @Test
  void withoutCacertTheSelfSignedCertificateIsRefused() {
    int code = run("https://127.0.0.1:" + port + "/a");
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("0 ok, 1 failed").containsIgnoringCase("connection failed");
  }

  @Test
  void insecureAcceptsAnyCertificateAndSaysSoOnStderr() {
    int code = run("--insecure", "https://127.0.0.1:" + port + "/a");
    assertThat(code).isZero();
    assertThat(err.toString()).contains("--insecure").contains("NOT checked");
  }

  @Test
  void aCacertThatIsNotACertificateIsAUsageErrorNamingTheFile() throws Exception {
    Path bogus = Files.writeString(dir.resolve("bogus.pem"), "not a certificate");
    assertThat(run("--cacert", bogus.toString(), "https://127.0.0.1:" + port + "/a")).isEqualTo(2);
    assertThat(err.toString()).contains("--cacert").contains("bogus.pem");
    assertThat(run("--cacert", dir.resolve("missing.pem").toString(), "https://127.0.0.1:" + port + "/a")).isEqualTo(2);
    assertThat(err.toString()).contains("missing.pem");
    assertThat(run("--cacert", certPem.toString(), "--insecure", "https://127.0.0.1:" + port + "/a")).isEqualTo(2);
    assertThat(err.toString()).contains("contradict");
  }

  @Test
  void helpNamesInsecureAsSuch() {
    Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "fetch", "--help");
    assertThat(out.toString()).contains("--insecure").contains("INSECURE").contains("--cacert");
  }
}
