package io.jpar;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of a pool's progress, handed to a {@link ProgressListener}: how many tasks finished, how
 * many of those failed, how many there are in all (when the pool knows), the rate and an estimate of the
 * time left.
 *
 * {@snippet :
 * Pool.threads().onProgress(p -> System.err.printf("%d/%d, %.0f/s%n", p.done(), p.total(), p.ratePerSecond()));
 * }
 *
 * <p>Thread safety: immutable.
 *
 * @param done tasks finished, successful or not
 * @param failed tasks of {@code done} that failed
 * @param total all tasks known so far, or -1 while a lazy input of unknown length is still being read
 * @param elapsed time since the pool's first task was submitted
 * @param ratePerSecond tasks finished per second since then
 * @since 0.1
 */
public record Progress(long done, long failed, long total, Duration elapsed, double ratePerSecond) {

  /**
   * The estimated time left, or empty when the total or the rate is not known yet.
   *
   * @return the estimated time left, if it can be told
   */
  public Optional<Duration> eta() {
    if (total < 0 || ratePerSecond <= 0) {
      return Optional.empty();
    }
    double seconds = Math.max(0, total - done) / ratePerSecond;
    return Optional.of(Duration.ofMillis((long) (seconds * 1000)));
  }
}
