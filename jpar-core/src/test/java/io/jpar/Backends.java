package io.jpar;

import io.jpar.spi.example.ExecutorBackend;
import java.util.function.Function;
import java.util.stream.Stream;

/** The backends a behaviour spec runs against; each builds a pool of 2 workers with the given options. */
enum Backends implements PoolMaker {
  THREADS(o -> o.apply(Pool.threads().workers(2)).build()),
  VIRTUAL_THREADS(o -> o.apply(Pool.virtualThreads().maxConcurrency(2)).build()),
  PROCESSES(o -> o.apply(Pool.processes().workers(2)).build()),
  AUTO(o -> o.apply(Pool.auto()).build()),
  AUTO_ISOLATED(o -> o.apply(Pool.auto().isolated(true).maxWorkers(2)).build()),
  /** A backend built on the SPI alone, as a module outside the core would: see {@link ExecutorBackend}. */
  SPI_EXECUTOR(o -> o.apply(Pool.on(context -> new ExecutorBackend(2, context))).build());

  private final Function<Options, Pool> factory;

  Backends(Function<Options, Pool> factory) {
    this.factory = factory;
  }

  @Override
  public Pool pool(Options options) {
    return factory.apply(options);
  }

  static Stream<Backends> all() {
    return Stream.of(values());
  }
}
