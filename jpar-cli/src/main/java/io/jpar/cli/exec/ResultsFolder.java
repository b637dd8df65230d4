package io.jpar.cli.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@code jpar exec --results DIR}: each job's output kept in a folder named after its inputs. */
final class ResultsFolder {
  private ResultsFolder() {}

  /**
   * {@code --results DIR}: GNU parallel's layout, DIR/1/VALUE1/2/VALUE2/... holding {@code stdout},
   * {@code stderr} and {@code seq}; a value's '/' is written %2F (and '%' %25) so that it stays one
   * folder, and "." / ".." cannot climb.
   */
  static void save(Path results, JobResult r) throws IOException {
    Path dir = results;
    for (int i = 0; i < r.inputs().size(); i++) {
      dir = dir.resolve(Integer.toString(i + 1)).resolve(folderName(r.inputs().get(i)));
    }
    java.nio.file.Files.createDirectories(dir);
    try (var o = java.nio.file.Files.newOutputStream(dir.resolve("stdout"))) {
      if (r.out() != null) {
        r.out().copyTo(o, null);
      }
    }
    try (var o = java.nio.file.Files.newOutputStream(dir.resolve("stderr"))) {
      if (r.err() != null) {
        r.err().copyTo(o, null);
      }
    }
    java.nio.file.Files.writeString(dir.resolve("seq"), r.seq() + "\n");
  }

  /**
   * An input as one folder name: '%' and '/' escaped (%25, %2F), "." and ".." and "" made harmless,
   * and at most 200 bytes of UTF-8 (file systems count bytes): a longer one keeps its start and gets
   * a hash of the whole, so that two long inputs sharing a start stay apart.
   */
  static String folderName(String input) {
    String v = input.replace("%", "%25").replace("/", "%2F").replace("\0", "%00");
    if (v.isEmpty() || v.equals(".") || v.equals("..")) {
      v = v.replace(".", "%2E") + "%";
    }
    byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= 200) {
      return v;
    }
    StringBuilder kept = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < v.length(); ) {
      int cp = v.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + len > 180) {
        break;
      }
      kept.appendCodePoint(cp);
      bytes += len;
      i += Character.charCount(cp);
    }
    return kept + "%" + Integer.toHexString(input.hashCode());
  }

}
