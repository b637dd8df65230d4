package io.jpar.cli.fetch;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads URLs, one per line (blank lines and {@code #} comments skipped), keeping the good ones and a
 * message with the line number for each bad one: not a URL, or a scheme other than http/https.
 *
 * @param urls the URLs to fetch, in order
 * @param rejected one message per bad line
 */
public record UrlList(List<URI> urls, List<String> rejected) {

  public static UrlList parse(List<String> args, BufferedReader input, String inputName) throws IOException {
    List<URI> urls = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    for (String a : args) {
      accept(a, "argument '" + a + "'", urls, rejected);
    }
    if (input != null) {
      int n = 0;
      for (String line; (line = input.readLine()) != null; ) {
        n++;
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          accept(t, inputName + " line " + n, urls, rejected);
        }
      }
    }
    return new UrlList(urls, rejected);
  }

  private static void accept(String text, String where, List<URI> urls, List<String> rejected) {
    try {
      URI u = new URI(text);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        rejected.add(where + ": only http and https URLs are fetched, not '" + text + "'");
      } else if (u.getHost() == null) {
        rejected.add(where + ": no host in '" + text + "'");
      } else {
        urls.add(u);
      }
    } catch (URISyntaxException e) {
      rejected.add(where + ": not a URL (" + e.getReason() + " at index " + e.getIndex() + "): '" + text + "'");
    }
  }
}
