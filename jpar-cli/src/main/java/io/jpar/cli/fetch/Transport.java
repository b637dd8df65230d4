package io.jpar.cli.fetch;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one GET and reads its answer to the end: the part of {@code jpar fetch} that speaks HTTP. The
 * rules around it (retries, redirects, per-host limits, names of saved files) live in {@link Fetcher}.
 * Implementations are safe for many callers at once, each blocked in {@link #get} on its own thread.
 */
interface Transport extends AutoCloseable {

  /**
   * Fetches {@code uri}. A 2xx body goes to {@code bodyFile} (created or truncated) when it is not null;
   * every other body is read and dropped.
   *
   * @param timeout limit on connecting, and on silence while waiting for the answer or its body
   * @throws java.net.http.HttpTimeoutException when the limit passed
   * @throws IOException when the connection failed or the answer was not HTTP
   */
  Reply get(URI uri, Map<String, String> headers, Duration timeout, Path bodyFile) throws IOException, InterruptedException;

  @Override
  void close();

  /**
   * What came back.
   *
   * @param status the HTTP status
   * @param location the Location header, or null
   * @param retryAfter the Retry-After header, or null
   * @param bytes body bytes received
   */
  record Reply(int status, String location, String retryAfter, long bytes) {}

  /** The User-Agent jpar sends unless the user gives one: servers and their logs see who called. */
  String USER_AGENT = "jpar-fetch/" + Version.NUMBER;

  /** The version Maven wrote into the jar, read once. */
  final class Version {
    static final String NUMBER = read();

    private Version() {}

    private static String read() {
      java.util.Properties p = new java.util.Properties();
      try (var in = Transport.class.getResourceAsStream("/jpar-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        // the default below
      }
      return p.getProperty("version", "dev");
    }
  }
}
