package io.jpar.cli.fetch;

/**
 * What happened to one URL; one line of the {@code --log} file.
 *
 * @param url the URL as given
 * @param status the final HTTP status, or 0 if no response came
 * @param bytes body bytes received
 * @param ms time from the first attempt to the end, in milliseconds
 * @param attempts how many requests were sent (redirects not counted)
 * @param error what went wrong, or null
 * @param file where the body was saved, or null
 */
public record FetchResult(String url, int status, long bytes, long ms, int attempts, String error, String file) {
  public boolean ok() {
    return error == null && status >= 200 && status < 300;
  }
}
