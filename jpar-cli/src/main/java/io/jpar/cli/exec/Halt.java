package io.jpar.cli.exec;

/**
 * {@code --halt now|soon,fail|success=N|N%}: when to stop, GNU parallel's way. {@code now} kills the
 * running jobs; {@code soon} starts no new ones and lets the running ones end.
 *
 * @param now kill running jobs (true) or let them finish (false)
 * @param onFailure count failures (true) or successes (false)
 * @param count how many, when {@code percent} is false
 * @param percent {@code count} is a percentage of all jobs
 */
record Halt(boolean now, boolean onFailure, int count, boolean percent) {
  static Halt parse(String spec) {
    String s = spec.trim();
    String[] parts = s.split(",", 2);
    if (parts.length != 2 || !(parts[0].equals("now") || parts[0].equals("soon"))) {
      throw new IllegalArgumentException("--halt takes now|soon,fail|success=N|N%, e.g. now,fail=1 or soon,fail=10%; was '" + spec + "'");
    }
    String[] kv = parts[1].split("=", 2);
    if (kv.length != 2 || !(kv[0].equals("fail") || kv[0].equals("success"))) {
      throw new IllegalArgumentException("--halt takes now|soon,fail|success=N|N%; was '" + spec + "'");
    }
    boolean pct = kv[1].endsWith("%");
    int n;
    try {
      n = Integer.parseInt(pct ? kv[1].substring(0, kv[1].length() - 1) : kv[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--halt needs a number after '=': was '" + spec + "'");
    }
    if (n < 1 || (pct && n > 100)) {
      throw new IllegalArgumentException("--halt needs N >= 1 (and N% <= 100): was '" + spec + "'");
    }
    return new Halt(parts[0].equals("now"), kv[0].equals("fail"), n, pct);
  }

  /** Whether {@code seen} failures (or successes) out of {@code total} jobs trigger the halt. */
  boolean reached(long seen, long total) {
    return percent ? seen * 100 >= (long) count * Math.max(1, total) : seen >= count;
  }
}
