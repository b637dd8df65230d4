package io.jpar.cluster;

/** Tasks for the cluster tests; they capture nothing, so members decode them from their class path. */
final class ClusterTasks {
  private ClusterTasks() {}

  /** Pauses {@code ms}, then names the input and the JVM that ran it: {@code "7@12345"}. */
  static String tagAfter(int ms, Integer x) throws InterruptedException {
    Thread.sleep(ms);
    return x + "@" + ProcessHandle.current().pid();
  }

  static String tag40(Integer x) throws InterruptedException {
    return tagAfter(40, x);
  }

  static String tag20(Integer x) throws InterruptedException {
    return tagAfter(20, x);
  }

  /** Kills the JVM it runs in for 3 (as a native crash would); squares anything else. */
  static Integer haltOn3(Integer x) {
    if (x == 3) {
      Runtime.getRuntime().halt(137);
    }
    return x * x;
  }
}
