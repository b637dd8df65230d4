package io.jpar.cli.fetch;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * File names for downloaded bodies. Whatever the URL says ({@code ..}, slashes, NUL, very long paths),
 * the name is one plain component of safe characters inside the output folder, and a short hash of the
 * whole URL keeps two URLs from sharing a file.
 */
final class SafeNames {
  private static final int MAX_STEM = 120;
  // Compiled once: String.replaceAll compiles its pattern on every call, three per saved body.
  private static final java.util.regex.Pattern UNSAFE = java.util.regex.Pattern.compile("[^A-Za-z0-9._-]+");
  private static final java.util.regex.Pattern DOTS = java.util.regex.Pattern.compile("\\.{2,}");
  private static final java.util.regex.Pattern LEADING = java.util.regex.Pattern.compile("^[._]+");

  private SafeNames() {}

  static Path fileFor(Path dir, URI uri) {
    String raw = (uri.getHost() == null ? "" : uri.getHost()) + (uri.getRawPath() == null ? "" : uri.getRawPath());
    String stem = LEADING.matcher(DOTS.matcher(UNSAFE.matcher(raw).replaceAll("_")).replaceAll(".")).replaceAll("");
    if (stem.length() > MAX_STEM) {
      stem = stem.substring(0, MAX_STEM);
    }
    if (stem.isEmpty()) {
      stem = "body";
    }
    Path base = dir.toAbsolutePath().normalize();
    Path file = base.resolve(stem + "-" + hash(uri.toString())).normalize();
    if (!file.getParent().equals(base)) {
      throw new IllegalStateException("refusing a file name outside " + base + ": " + file); // cannot happen
    }
    return file;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
