package io.jpar.cluster;

import io.jpar.Pool;
import io.jpar.PoolMaker;
import io.jpar.PoolSpec;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The behaviour spec every pool passes, on a cluster pool over three member JVMs on 127.0.0.1. */
class ClusterPoolSpecTest extends PoolSpec {
  private Members members;

  @BeforeAll
  void startMembers() {
    members = Members.start("spec-" + ProcessHandle.current().pid(), 3);
  }

  @AfterAll
  void stopMembers() {
    if (members != null) {
      members.close();
    }
  }

  @Override
  protected Stream<PoolMaker> backends() {
    return Stream.of(new PoolMaker() {
      @Override
      public Pool pool(Options options) {
        return options.apply(Pool.on(members.pool().backend())).build();
      }

      @Override
      public String toString() {
        return "CLUSTER";
      }
    });
  }
}
