package io.jpar;

import java.util.stream.Stream;

/** The behaviour spec ({@link PoolSpec}) on every backend of the core. */
class PoolSpecTest extends PoolSpec {
  @Override
  protected Stream<Backends> backends() {
    return Backends.all();
  }
}
