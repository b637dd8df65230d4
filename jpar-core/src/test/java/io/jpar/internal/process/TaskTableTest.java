package io.jpar.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpar.Task;
import io.jpar.internal.Settings;
import io.jpar.internal.process.wire.JavaSerializationCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskTableTest {
  private final TaskTable table = new TaskTable(new Wire(new ProcessSettings(new Settings("t", 2, null, null), null,
      List.of(), Map.of(), null, null, 0, 0, 0, JavaSerializationCodec.class, "", List.of(),
          ProcessSettings.Limits.DEFAULTS)), 0, 0);

  private static Integer plusOne(Integer x) {
    return x + 1;
  }

  private static Task<Integer, Integer> adder(int n) {
    return x -> x + n;
  }

  @Test
  void theSameCodeWithTheSameCapturedValuesIsOneEntryAndIsNotSentTwice() {
    TaskEntry byRef = table.entryFor((Task<Integer, Integer>) TaskTableTest::plusOne);
    assertThat(table.entryFor((Task<Integer, Integer>) TaskTableTest::plusOne)).isSameAs(byRef);
    // Capturing lambdas: equal captured values, equal bytes, one entry; other values, another entry.
    assertThat(table.entryFor(adder(5))).isSameAs(table.entryFor(adder(5)));
    assertThat(table.entryFor(adder(5))).isNotSameAs(table.entryFor(adder(6)));
    assertThat(table.entryFor(adder(5)).id).isNotEqualTo(byRef.id);
  }

  @Test
  void aTaskThatCannotTravelIsRefusedEveryTimeNamingWhy() {
    Object notSerializable = new Object();
    Task<Integer, Integer> bad = x -> x + notSerializable.hashCode();
    assertThatThrownBy(() -> table.entryFor(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be sent to a worker process");
    assertThatThrownBy(() -> table.entryFor(bad)).isInstanceOf(IllegalArgumentException.class);
  }
}
