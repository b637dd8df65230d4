package io.jpar.cli;

import io.jpar.Pool;
import io.jpar.ProgressListener;

/** The machinery a command can run on, as named on the command line. */
enum Backend {
  processes,
  threads,
  virtual,
  /** Pool.auto(): measures the tasks and chooses; the number given is its ceiling on concurrency. */
  auto;

  Pool pool(int workers, ProgressListener progress) {
    return switch (this) {
      case processes -> Pool.processes().workers(workers).onProgress(progress).build();
      case threads -> Pool.threads().workers(workers).onProgress(progress).build();
      case virtual -> Pool.virtualThreads().maxConcurrency(workers).onProgress(progress).build();
      case auto -> Pool.auto().maxConcurrency(workers).onProgress(progress).build();
    };
  }
}
