package io.jpar.internal.auto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the whole machine's CPUs were between two readings (every process, not only this one), from
 * Linux's {@code /proc/stat}; unknown elsewhere. A task's CPU share drops both when it waits and when
 * other processes take the cores: only the machine's load tells the two apart.
 */
final class MachineLoad {
  private static final Path STAT = Path.of("/proc/stat");
  private static final boolean AVAILABLE = Files.isReadable(STAT);

  private MachineLoad() {}

  /** {busy, total} clock ticks of all CPUs so far, or null where the platform does not say. */
  static long[] ticks() {
    if (!AVAILABLE) {
      return null;
    }
    try (var lines = Files.lines(STAT)) {
      String cpu = lines.findFirst().orElse("");
      if (!cpu.startsWith("cpu ")) {
        return null;
      }
      String[] f = cpu.substring(4).trim().split("\\s+");
      long total = 0;
      for (String v : f) {
        total += Long.parseLong(v);
      }
      long idle = Long.parseLong(f[3]) + (f.length > 4 ? Long.parseLong(f[4]) : 0); // idle + iowait
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The machine's busy share since {@code before} (from {@link #ticks}), NaN when not known or too soon. */
  static double busySince(long[] before) {
    long[] now = ticks();
    if (before == null || now == null || now[1] - before[1] <= 0) {
      return Double.NaN;
    }
    return Math.min(1, Math.max(0, (now[0] - before[0]) / (double) (now[1] - before[1])));
  }
}
