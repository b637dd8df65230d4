package io.jpar.spi;

/**
 * Makes the {@link Backend} of a new pool, given what the pool offers it: see {@link
 * io.jpar.Pool#on(BackendFactory)}.
 *
 * {@snippet :
 * BackendFactory cluster = context -> new ClusterBackend(hazelcast, context);
 * try (Pool pool = Pool.on(cluster).name("render").build()) { ... }
 * }
 *
 * <p>Thread safety: called once per pool, on the thread that builds it.
 *
 * @since 0.3
 */
@FunctionalInterface
public interface BackendFactory {
  /**
   * The backend for a pool being built; it starts its machinery here or lazily.
   *
   * @param context what the pool gives its backend: name, settings, where to record figures
   * @return the backend the pool will run on
   */
  Backend<?> create(BackendContext context);
}
