package io.jpar.internal;

import io.jpar.ProgressListener;
import java.time.Duration;

/**
 * The options every pool shares, fixed at build time.
 *
 * @param name the pool's name, used for its threads
 * @param parallelism how many tasks run at once
 * @param taskTimeout per-task limit, or {@code null} for none
 * @param progressListener or {@code null}
 */
public record Settings(String name, int parallelism, Duration taskTimeout, ProgressListener progressListener) {
  public Settings {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
  }
}
