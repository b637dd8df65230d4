package io.jpar;

import java.util.List;
import java.util.OptionalInt;

/**
 * The worker JVM running a task died: the task called {@code System.exit} or {@code Runtime.halt}, ran
 * out of memory, overflowed its stack, crashed in native code, or was killed from outside. The pool
 * replaced the worker and went on; only this task failed (after its {@code retries}, if any). The
 * message carries the exit code or signal and the last lines the worker wrote to stderr.
 *
 * {@snippet :
 * if (outcome instanceof Outcome.Failure<?> f && f.error().getCause() instanceof WorkerCrashedException c) {
 *   log.warn("input {} killed worker {} ({}):\n{}", f.error().input(), c.pid(), c.exitDescription(),
 *       String.join("\n", c.stderrTail()));
 * }
 * }
 *
 * <p>Thread safety: immutable.
 *
 * @since 0.1
 */
public class WorkerCrashedException extends JparException {
  private static final long serialVersionUID = 1L;

  /** The process id of the worker that died. */
  private final long pid;

  /** The worker's exit code, or -1. */
  private final int exitCode;

  /** The worker's last stderr lines, oldest first. */
  private final List<String> stderrTail;

  /**
   * Creates the exception for a worker that died or was killed.
   *
   * @param pid the worker's process id
   * @param exitCode its exit code ({@code 128 + n} for signal n), or -1 if unknown
   * @param reason what the pool saw, e.g. "the worker ran out of memory"
   * @param stderrTail the worker's last stderr lines, oldest first
   * @param cause the worker-side error, when the worker could report one before dying
   */
  public WorkerCrashedException(long pid, int exitCode, String reason, List<String> stderrTail, Throwable cause) {
    super(message(pid, exitCode, reason, stderrTail), cause);
    this.pid = pid;
    this.exitCode = exitCode;
    this.stderrTail = List.copyOf(stderrTail);
  }

  /** {@return the process id of the worker that died} */
  public long pid() {
    return pid;
  }

  /** {@return the worker's exit code, or -1 if it is unknown} */
  public int exitCode() {
    return exitCode;
  }

  /** {@return the signal that killed the worker (9 for SIGKILL), if it died of one} */
  public OptionalInt signal() {
    return exitCode > 128 && exitCode < 128 + 65 ? OptionalInt.of(exitCode - 128) : OptionalInt.empty();
  }

  /** {@return how the worker ended, as "exit code 3" or "signal 9 (SIGKILL)"} */
  public String exitDescription() {
    return describe(exitCode);
  }

  /** {@return the last lines the worker printed to stderr before it died, oldest first} */
  public List<String> stderrTail() {
    return stderrTail;
  }

  private static String describe(int exitCode) {
    if (exitCode < 0) {
      return "unknown exit";
    }
    if (exitCode > 128 && exitCode < 128 + 65) {
      int sig = exitCode - 128;
      String name = switch (sig) {
        case 9 -> " (SIGKILL)";
        case 15 -> " (SIGTERM)";
        case 6 -> " (SIGABRT)";
        case 11 -> " (SIGSEGV)";
        default -> "";
      };
      return "signal " + sig + name;
    }
    return "exit code " + exitCode;
  }

  private static String message(long pid, int exitCode, String reason, List<String> tail) {
    StringBuilder sb = new StringBuilder("Worker process ").append(pid).append(" died (").append(describe(exitCode))
        .append(") while running this task: ").append(reason).append('.');
    if (!tail.isEmpty()) {
      sb.append(" Its last stderr lines:");
      for (String line : tail) {
        sb.append("\n  ").append(line);
      }
    }
    return sb.toString();
  }
}
