package io.jpar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.Outcome;
import io.jpar.Pool;
import io.jpar.WorkerCrashedException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member started with {@code --isolated} runs tasks in worker processes: a task that kills its JVM
 * kills a worker there, fails alone, and the member lives on. Tagged "stress": a member JVM of its own.
 */
@Tag("stress")
class IsolatedMemberTest {
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aTaskThatKillsItsJvmOnAnIsolatedMemberKillsAWorkerNotTheMember() {
    try (Members members = Members.start("isolated-" + ProcessHandle.current().pid(), 1, List.of("--isolated"));
        Pool pool = members.pool().build()) {
      List<Outcome<Integer>> outcomes = pool.mapOutcomes(ClusterTasks::haltOn3, IntStream.range(0, 8).boxed().toList());
      for (int i = 0; i < 8; i++) {
        if (i == 3) {
          assertThat(outcomes.get(i)).isInstanceOfSatisfying(Outcome.Failure.class,
              f -> assertThat(f.error()).hasCauseInstanceOf(WorkerCrashedException.class));
        } else {
          assertThat(outcomes.get(i)).isEqualTo(new Outcome.Success<>(i * i));
        }
      }
      Members.Member member = members.list().get(0);
      assertThat(member.process.isAlive()).isTrue();
      assertThat(pool.map(ClusterTasks::haltOn3, List.of(5, 6))).containsExactly(25, 36);
    }
  }
}
