package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderTest {

  @Test
  void settingAnOptionTwiceIsRefusedNamingTheOldValue() {
    assertThatThrownBy(() -> Pool.threads().workers(4).workers(8))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("workers was already set to 4");
    assertThatThrownBy(() -> Pool.virtualThreads().name("a").name("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("name was already set to a");
  }

  @Test
  void invalidValuesAreRefusedAtOnce() {
    assertThatThrownBy(() -> Pool.threads().workers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workers must be at least 1, was 0");
    assertThatThrownBy(() -> Pool.virtualThreads().maxConcurrency(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrency");
    assertThatThrownBy(() -> Pool.threads().taskTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("taskTimeout must be positive");
    assertThatThrownBy(() -> Pool.threads().name(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theValueFileThresholdIsZeroOrMoreAndSetOnce() {
    assertThatThrownBy(() -> Pool.processes().valueFileThreshold(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("valueFileThreshold must be 0 (never) or more, was -1");
    assertThatThrownBy(() -> Pool.processes().valueFileThreshold(0).valueFileThreshold(1 << 20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("valueFileThreshold was already set to 0");
  }

  @Test
  void theProcessPoolsTimeLimitsAreValidatedAndSetOnce() {
    assertThatThrownBy(() -> Pool.processes().heartbeatTimeout(Duration.ofMillis(50)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heartbeatTimeout must be at least 100 ms");
    assertThatThrownBy(() -> Pool.processes().heartbeatTimeout(Duration.ofSeconds(2)).heartbeatTimeout(Duration.ofSeconds(3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("heartbeatTimeout was already set to PT2S");
    assertThatThrownBy(() -> Pool.processes().startTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("startTimeout must be positive");
    assertThatThrownBy(() -> Pool.processes().initializerTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initializerTimeout must be positive");
    assertThatThrownBy(() -> Pool.processes().initializerTimeout(Duration.ofDays(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initializerTimeout must be at most");
    assertThatThrownBy(() -> Pool.processes().startTimeout(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aBuilderBuildsOnePool() {
    ThreadPoolBuilder builder = Pool.threads().workers(1);
    try (Pool pool = builder.build()) {
      assertThat(pool.isClosed()).isFalse();
      assertThatThrownBy(builder::build)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already built");
    }
  }

  @Test
  void defaultsAreCoresForThreadsAndABoundForVirtualThreads() {
    try (Pool threads = Pool.threads().build();
        Pool virtual = Pool.virtualThreads().build()) {
      assertThat(threads.parallelism()).isEqualTo(Runtime.getRuntime().availableProcessors());
      assertThat(virtual.parallelism()).isEqualTo(VirtualThreadPoolBuilder.DEFAULT_MAX_CONCURRENCY);
    }
  }

  @Test
  void threadsAreNamedAfterThePool() {
    try (Pool pool = Pool.threads().name("thumbs").workers(1).build()) {
      assertThat(pool.submit(x -> Thread.currentThread().getName(), 0).join()).isEqualTo("thumbs-1");
    }
    try (Pool pool = Pool.virtualThreads().name("fetch").build()) {
      assertThat(pool.submit(x -> Thread.currentThread().isVirtual() + " " + Thread.currentThread().getName(), 0)
          .join()).startsWith("true fetch-");
    }
  }
}
