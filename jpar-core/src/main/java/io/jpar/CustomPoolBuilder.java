package io.jpar;

import io.jpar.internal.BackendPool;
import io.jpar.spi.Backend;
import io.jpar.spi.BackendFactory;
import java.util.Objects;

/**
 * Builds a {@link Pool} on a {@link Backend} made by a {@link BackendFactory}: a backend of your own, or
 * one from a module outside the core. The backend decides how many tasks run at once; the builder sets
 * what every pool has — a name, a per-task timeout (which the backend enforces) and a progress listener.
 *
 * {@snippet :
 * try (Pool pool = Pool.on(context -> new ClusterBackend(hazelcast, context))
 *     .name("render").taskTimeout(Duration.ofMinutes(5)).build()) {
 *   pool.map(Renderer::frame, frameNumbers);
 * }
 * }
 *
 * <p>Thread safety: a builder is meant for one thread; the pool it builds is thread-safe.
 *
 * @since 0.3
 */
public final class CustomPoolBuilder extends PoolBuilder<CustomPoolBuilder> {
  private final BackendFactory factory;

  CustomPoolBuilder(BackendFactory factory) {
    this.factory = Objects.requireNonNull(factory, "backend");
  }

  @Override
  public Pool build() {
    // The backend decides its parallelism; the settings' figure is only a default it may read.
    return BackendPool.start(settings("jpar-custom", Runtime.getRuntime().availableProcessors()), factory::create);
  }
}
