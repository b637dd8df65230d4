package io.jpar;

/**
 * The machinery a pool runs its tasks on: what {@link Plan#backend()} and {@link Advice.Trial#backend()}
 * name, and what {@code Pool.auto()} chooses between. {@link #label()} is the name shown to people.
 *
 * {@snippet :
 * try (Pool pool = Pool.auto().build()) {
 *   pool.map(Thumbs::make, images);
 *   if (pool.plan().backend() == BackendKind.PLATFORM_THREADS) {
 *     System.out.println("computing work: " + pool.plan().explanation());
 *   }
 * }
 * }
 *
 * <p>Thread safety: an enum, immutable.
 *
 * @since 0.3
 */
public enum BackendKind {
  /** Platform threads, one per core by default: for work that computes ({@link Pool#threads()}). */
  PLATFORM_THREADS("platform threads"),
  /** A virtual thread per task, bounded in number: for work that waits ({@link Pool#virtualThreads()}). */
  VIRTUAL_THREADS("virtual threads"),
  /** Worker JVMs: for work that must be isolated ({@link Pool#processes()}). */
  WORKER_PROCESSES("worker processes");

  private final String label;

  BackendKind(String label) {
    this.label = label;
  }

  /** {@return the name shown to people: "platform threads", "virtual threads" or "worker processes"} */
  public String label() {
    return label;
  }

  /** {@return {@code true} for the kinds whose tasks run inside the caller's JVM (threads of either sort)} */
  public boolean inProcess() {
    return this != WORKER_PROCESSES;
  }
}
