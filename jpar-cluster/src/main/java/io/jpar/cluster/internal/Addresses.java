package io.jpar.cluster.internal;

import java.util.ArrayList;
import java.util.List;

/** Parses {@code HOST:PORT,HOST:PORT,...}, naming the first bad entry and the form expected. */
public final class Addresses {
  private Addresses() {}

  public static List<String> parse(String what, String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException(what + " is empty; give HOST:PORT,HOST:PORT,... (e.g. 127.0.0.1:5701)");
    }
    List<String> out = new ArrayList<>();
    for (String raw : list.split(",")) {
      String a = raw.strip();
      int colon = a.lastIndexOf(':');
      if (colon <= 0 || colon == a.length() - 1) {
        throw new IllegalArgumentException(what + ": '" + a + "' is not HOST:PORT (e.g. 127.0.0.1:5701)");
      }
      int port;
      try {
        port = Integer.parseInt(a.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + ": '" + a + "' has a port that is not a number");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(what + ": '" + a + "' has port " + port + ", outside 1..65535");
      }
      out.add(a.substring(0, colon) + ":" + port);
    }
    return List.copyOf(out);
  }
}
